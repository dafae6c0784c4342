"""COCO run-length encodings of small masks, computed by pycocotools.

Writes Fixtures/coco/rle_masks.npz (mask_<k>: uint8 [H, W], row-major as NumPy holds them) and
Fixtures/coco/rle_expected.json (per case: height, width, the compressed counts string of
pycocotools.mask.encode on the Fortran-ordered mask, the uncompressed run lengths of
pycocotools.mask.frPyObjects / decode round trip, area and bbox from mask.area / mask.toBbox).
Cases: empty, full, single pixels at corners, thin rows and columns, random blobs, and masks
large enough that runs need up to five characters and differences go negative.

Run from the repository root (needs numpy and pycocotools):
    /path/to/venv/bin/python Fixtures/Generators/coco_rle.py
"""
import json
import os

import numpy as np
from pycocotools import mask as mask_utils

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "coco")


def cases():
    rng = np.random.default_rng(20240611)
    out = []
    out.append(np.zeros((5, 7), np.uint8))
    out.append(np.ones((4, 3), np.uint8))
    for y, x in [(0, 0), (5, 8), (0, 8), (5, 0)]:
        m = np.zeros((6, 9), np.uint8)
        m[y, x] = 1
        out.append(m)
    m = np.zeros((7, 11), np.uint8); m[3, :] = 1; out.append(m)
    m = np.zeros((7, 11), np.uint8); m[:, 4] = 1; out.append(m)
    m = np.zeros((1, 13), np.uint8); m[0, 2:9] = 1; out.append(m)
    m = np.zeros((13, 1), np.uint8); m[5:, 0] = 1; out.append(m)
    for h, w, p in [(9, 14, 0.5), (20, 17, 0.1), (31, 23, 0.9)]:
        out.append((rng.random((h, w)) < p).astype(np.uint8))
    # Blobs with long runs: counts above 2^5, 2^10, 2^15 and 2^20.
    for h, w in [(40, 50), (300, 400), (1200, 1000)]:
        yy, xx = np.mgrid[:h, :w]
        m = (((yy - h * 0.4) / (h * 0.3)) ** 2 + ((xx - w * 0.6) / (w * 0.25)) ** 2 < 1).astype(np.uint8)
        m[h // 2, : w // 5] = 1
        out.append(m)
    big = np.zeros((1200, 1000), np.uint8)
    big[1100:, 900:] = 1
    big[3, 2] = 1
    out.append(big)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    masks = cases()
    expected = []
    for m in masks:
        rle = mask_utils.encode(np.asfortranarray(m))
        decoded = mask_utils.decode(rle)
        assert np.array_equal(decoded, m)
        counts = rle["counts"].decode("ascii")
        # The runs, checked by compressing them with pycocotools' frPyObjects.
        flat = m.flatten(order="F")
        change = np.flatnonzero(np.diff(np.concatenate([[0], flat, [2]])) != 0)
        uncompressed = np.diff(np.concatenate([[0], change])).tolist()
        back = mask_utils.frPyObjects({"size": [m.shape[0], m.shape[1]], "counts": uncompressed},
                                      m.shape[0], m.shape[1])
        assert back["counts"].decode("ascii") == counts, "run lengths disagree with pycocotools"
        expected.append({
            "height": int(m.shape[0]), "width": int(m.shape[1]), "counts": counts,
            "runs": uncompressed, "area": int(mask_utils.area(rle)),
            "bbox": [float(v) for v in mask_utils.toBbox(rle)],
        })
    np.savez_compressed(os.path.join(OUT, "rle_masks.npz"), **{"mask_%d" % k: m for k, m in enumerate(masks)})
    with open(os.path.join(OUT, "rle_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print("coco: %d RLE cases" % len(masks))


if __name__ == "__main__":
    main()
