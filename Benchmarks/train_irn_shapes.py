"""A small synthetic set for the `irn train-irn` evidence run in Docs/Benchmarks.md ("IRNet
training: a few hundred steps"): N images of S x S pixels, grey noise with one to three
coloured rectangles or discs (class by colour: 1 red rectangle, 2 green disc, 3 blue
rectangle), and relation labels as `irn mine-relations` writes them (0 background, the
class, 255 for a 2-pixel unsure ring around each shape). Seeded with numpy's default_rng.
Writes OUT/images/<id>.png, OUT/ir_label/<id>.png and OUT/labels.txt.
Run: /work/venv/bin/python Benchmarks/train_irn_shapes.py OUT [N=16] [S=160]
"""
import os
import sys

import numpy as np
from PIL import Image
from scipy import ndimage

COLOURS = {1: (220, 50, 40), 2: (40, 200, 60), 3: (40, 70, 220)}
NAMES = {1: "aeroplane", 2: "bicycle", 3: "bird"}  # VOC names of indices 0, 1, 2


def scene(rng, size):
    image = rng.integers(90, 150, (size, size, 3)).astype(np.uint8)
    labels = np.zeros((size, size), np.uint8)
    unsure = np.zeros((size, size), bool)
    classes = set()
    yy, xx = np.mgrid[:size, :size]
    for _ in range(rng.integers(1, 4)):
        c = int(rng.integers(1, 4))
        h, w = rng.integers(size // 5, size // 2, 2)
        top, left = rng.integers(0, size - h), rng.integers(0, size - w)
        if c == 2:
            mask = (yy - top - h / 2) ** 2 + (xx - left - h / 2) ** 2 < (h / 2) ** 2
        else:
            mask = (yy >= top) & (yy < top + h) & (xx >= left) & (xx < left + w)
        image[mask] = COLOURS[c]
        labels[mask] = c
        ring = ndimage.binary_dilation(mask, iterations=2) & ~ndimage.binary_erosion(mask, iterations=2)
        unsure |= ring
        classes.add(c)
    labels[unsure] = 255
    return image, labels, sorted(classes)


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 160
    rng = np.random.default_rng(7)
    for folder in ("images", "ir_label"):
        os.makedirs(os.path.join(out, folder), exist_ok=True)
    lines = []
    for k in range(count):
        image, labels, classes = scene(rng, size)
        name = "shape_%03d" % k
        Image.fromarray(image).save(os.path.join(out, "images", name + ".png"))
        Image.fromarray(labels).save(os.path.join(out, "ir_label", name + ".png"))
        lines.append(name + " " + " ".join(NAMES[c] for c in classes))
    with open(os.path.join(out, "labels.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
