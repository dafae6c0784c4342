"""Goldens for relation mining (Sources/Pipeline/RelationMining.swift, `irn mine-relations`):
the IRNet label step that turns a CAM into confident foreground / background / unsure labels.

For each case, a small photograph (crop and downscale of ../shared/testdata/photos) and a
synthetic CAM (smooth Gaussian bumps per class, placed on the photo's objects, each map divided
by its max + 1e-5 as the CAM step does) are run through the reference: the CAM is padded with a
constant background score (0.30 foreground-confident, 0.05 background-confident), argmaxed,
refined by the reference's `crf_inference_label` (misc/imutils.py, imported from the reference
checkout; pydensecrf underneath), mapped through keys + 1, and combined as its step does.

Writes Fixtures/relation_mining/<case>_*:
  image.npy      uint8 [H, W, 3]  the RGB photo crop
  cam.npz        `keys` int64 [K] (0-based foreground classes), `high_res` float32 [K, H, W]
                 (savez_compressed; the layout of our cam/<stem>.npz)
  fg.npy, bg.npy uint8 [H, W]     the reference's fg_conf and bg_conf (class values 0..20)
  ir_label.npy   uint8 [H, W]     the combined label (0 background, 1..20 class, 255 unsure)
  ir_label.png   the same, written with imageio exactly as the reference step writes it

Cases: chelsea (1 class), coffee (2 classes), astronaut (3 classes), each around 100x130.

Run from the repository root (NumPy, Pillow, imageio, pydensecrf from PyPI "pydensecrf2"), with
IRN_REFERENCE naming a jiwoon-ahn/irn checkout:
    IRN_REFERENCE=/path/to/irn venv/bin/python Fixtures/Generators/relation_mining.py \
        [--photos ../shared/testdata/photos]
"""
import argparse
import importlib.util
import os

import imageio
import numpy as np
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.join(here, "..", "relation_mining")

FG_THRESHOLD = 0.30  # run_sample.py --conf_fg_thres
BG_THRESHOLD = 0.05  # run_sample.py --conf_bg_thres


def reference_imutils():
    root = os.environ.get("IRN_REFERENCE")
    if not root:
        raise SystemExit("set IRN_REFERENCE to a jiwoon-ahn/irn checkout")
    spec = importlib.util.spec_from_file_location("irn_imutils", os.path.join(root, "misc", "imutils.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def photo(photos, name, box, size):
    """Crop `box` (left, top, right, bottom) of a photo and resize it to `size` (w, h)."""
    img = Image.open(os.path.join(photos, name)).convert("RGB").crop(box)
    return np.ascontiguousarray(np.asarray(img.resize(size, Image.BILINEAR)))


def bumps(h, w, centres):
    """One map of Gaussian bumps (cy, cx, sigma, height) in fractions of the image size."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    result = np.zeros((h, w))
    for cy, cx, sigma, height in centres:
        s = sigma * min(h, w)
        result += height * np.exp(-((yy - cy * h) ** 2 + (xx - cx * w) ** 2) / (2 * s * s))
    return result


def synthetic_cam(h, w, classes):
    cams = np.stack([bumps(h, w, c) for c in classes])
    cams = cams / (cams.reshape(len(classes), -1).max(1)[:, None, None] + 1e-5)
    return cams.astype(np.float32)


def mine(imutils, img, cams, keys):
    """The label step of the reference (step/cam_to_ir_label.py, _work) around its CRF call."""
    label_keys = np.pad(keys + 1, (1, 0), mode="constant")
    results = []
    for threshold in (FG_THRESHOLD, BG_THRESHOLD):
        padded = np.pad(cams, ((1, 0), (0, 0), (0, 0)), mode="constant", constant_values=threshold)
        pred = imutils.crf_inference_label(img, np.argmax(padded, axis=0), n_labels=label_keys.shape[0])
        results.append(label_keys[pred])
    fg, bg = results
    conf = fg.copy()
    conf[fg == 0] = 255
    conf[bg + fg == 0] = 0
    return fg, bg, conf


CASES = [
    # name, photo, crop box, size (w, h), keys, bumps per class
    ("chelsea", "chelsea.png", (40, 0, 451, 300), (130, 95), [7],
     [[(0.45, 0.45, 0.22, 1.0), (0.25, 0.55, 0.12, 0.6)]]),
    ("coffee", "coffee.png", (0, 0, 600, 400), (129, 97), [4, 10],
     [[(0.45, 0.45, 0.18, 1.0), (0.35, 0.35, 0.1, 0.5)],
      [(0.75, 0.2, 0.15, 0.8), (0.85, 0.8, 0.12, 0.7)]]),
    ("astronaut", "astronaut.png", (0, 0, 512, 400), (131, 102), [14, 0, 19],
     [[(0.35, 0.45, 0.15, 1.0), (0.75, 0.4, 0.2, 0.8)],
      [(0.15, 0.1, 0.12, 0.9)],
      [(0.8, 0.85, 0.12, 1.0), (0.3, 0.9, 0.08, 0.4)]]),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", default=os.path.join(here, "..", "..", "..", "shared", "testdata", "photos"))
    args = parser.parse_args()
    imutils = reference_imutils()
    os.makedirs(out_dir, exist_ok=True)
    for name, file, box, size, keys, classes in CASES:
        img = photo(args.photos, file, box, size)
        h, w = img.shape[:2]
        cams = synthetic_cam(h, w, classes)
        keys = np.array(keys, dtype=np.int64)
        fg, bg, conf = mine(imutils, img, cams, keys)
        prefix = os.path.join(out_dir, name + "_")
        np.save(prefix + "image.npy", img)
        np.savez_compressed(prefix + "cam.npz", keys=keys, high_res=cams)
        np.save(prefix + "fg.npy", fg.astype(np.uint8))
        np.save(prefix + "bg.npy", bg.astype(np.uint8))
        np.save(prefix + "ir_label.npy", conf.astype(np.uint8))
        imageio.imwrite(prefix + "ir_label.png", conf.astype(np.uint8))
        counts = {v: int((conf == v).sum()) for v in np.unique(conf)}
        print(f"{name}: {w}x{h}, keys {keys.tolist()}, label counts {counts}")


if __name__ == "__main__":
    main()
