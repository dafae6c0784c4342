"""Pillow's reading of the PNGs our encoder wrote, and the VOC colour map (Fixtures/png/).

For every Fixtures/png/ours/<name>.png (written by the Swift test PNGEncoderTests with
IRN_WRITE_FIXTURES=1; the test later re-encodes its inputs and asserts byte equality with
these files) this saves <name>.pillow.npy = numpy.asarray(PIL.Image.open(file)) (H x W or
H x W x C uint8; palette images give their indices) and, for palette images,
<name>.palette.npy = the PLTE entries as Pillow reports them (N x 3). The Swift test asserts
they equal the encoder's input, which shows Pillow reads our files as we meant them.

voc_palette.npy: the PASCAL VOC label colour map (256 x 3 uint8) built the way the VOC devkit's
labelcolormap does, with NumPy bit operations over all indices at once.

Run: /path/to/python Fixtures/Generators/png_pillow_check.py   (NumPy, Pillow)
"""
import glob
import os

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "png")

index = np.arange(256)
cmap = np.zeros((256, 3), dtype=np.uint8)
for j in range(8):
    for channel in range(3):
        cmap[:, channel] |= (((index >> (3 * j + channel)) & 1) << (7 - j)).astype(np.uint8)
np.save(os.path.join(OUT, "voc_palette.npy"), cmap)

for path in sorted(glob.glob(os.path.join(OUT, "ours", "*.png"))):
    with Image.open(path) as im:
        im.load()
        pixels = np.asarray(im)
        np.save(path[:-4] + ".pillow.npy", pixels.astype(np.uint8))
        if im.mode == "P":
            palette = np.array(im.getpalette(), dtype=np.uint8).reshape(-1, 3)
            np.save(path[:-4] + ".palette.npy", palette)
        print(os.path.basename(path), im.mode, pixels.shape)
