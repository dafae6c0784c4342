"""Reads the COCO file `irn export coco` wrote for Fixtures/voc_mini with pycocotools.

Input: Fixtures/coco/voc_mini_coco.json, written by
    irn export coco --ins-dir Fixtures/voc_mini/predictions/ins_seg \
        --list Fixtures/voc_mini/ImageSets/Segmentation/val.txt --voc-root Fixtures/voc_mini \
        --min-score 0.5 --out Fixtures/coco/voc_mini_coco.json
(the Swift test writes it again and checks it is byte-identical to the committed file).
Output: Fixtures/coco/voc_mini_coco_decoded.npz: for each annotation id a, mask_<a> = COCO.annToMask
(uint8 [H, W]); ids, image_ids, category_ids; area and bbox as pycocotools' loadRes recomputes
them from the RLE (mask.area, mask.toBbox); and the image ids, heights and widths COCO read.
Run from the repository root (needs numpy and pycocotools):
    /path/to/venv/bin/python Fixtures/Generators/coco_check.py
"""
import os

import numpy as np
from pycocotools.coco import COCO

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "coco")


def main():
    path = os.path.join(FOLDER, "voc_mini_coco.json")
    coco = COCO(path)
    # Without area and bbox, so that loadRes recomputes both from the RLE.
    stripped = [{k: v for k, v in a.items() if k not in ("area", "bbox", "id")} for a in coco.loadAnns(sorted(coco.getAnnIds()))]
    results = coco.loadRes(stripped)
    ids = sorted(coco.getAnnIds())
    out = {"ids": np.array(ids, np.int64),
           "image_ids": np.array([coco.anns[a]["image_id"] for a in ids], np.int64),
           "category_ids": np.array([coco.anns[a]["category_id"] for a in ids], np.int64),
           "area": np.array([results.anns[k + 1]["area"] for k in range(len(ids))], np.float64),
           "bbox": np.array([results.anns[k + 1]["bbox"] for k in range(len(ids))], np.float64),
           "images": np.array([[i, coco.imgs[i]["height"], coco.imgs[i]["width"]] for i in sorted(coco.imgs)], np.int64)}
    for a in ids:
        out["mask_%d" % a] = np.ascontiguousarray(coco.annToMask(coco.anns[a]), dtype=np.uint8)
    np.savez_compressed(os.path.join(FOLDER, "voc_mini_coco_decoded.npz"), **out)
    print("coco check: %d annotations decoded" % len(ids))


if __name__ == "__main__":
    main()
