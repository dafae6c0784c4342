"""Goldens for Sources/Pipeline/TrainingAugmentation.swift from the reference's own transforms
(jiwoon-ahn/irn misc/imutils.py and the order of voc12/dataloader.py), for
Tests/PipelineTests/TrainingAugmentationTests.swift.

The reference draws from Python's `random`; here its four functions (randint, random,
getrandbits, randrange) are replaced at runtime by fixed values, so the Swift test can pass the
same values (AugmentationDraws) and compare the outputs whole. Input: Fixtures/make_cam/
chelsea_45x58.png (RGB, 58x45) and a seeded label map of its size (values 0, 3, 15, 255).
Writes Fixtures/training_augmentation/:
  label.npy                 uint8 [45, 58] the input label map
  <case>_image.npy          float32 [3, S, S] the augmented, normalised CHW image
  <case>_label.npy          uint8 [S, S] the label map transformed with it (IRN-style cases)
Cases: cam (resize_long, flip, random crop), irn (rescale, no flip, random crop, label),
irn_flip (rescale, flip, random crop, label), none (top-left crop with padding, label).
Run from the repository root:
  IRN_REFERENCE=/tmp/irn-ref /work/venv/bin/python Fixtures/Generators/training_augmentation.py
(needs numpy, Pillow, pydensecrf — imported by imutils — and the reference checkout).
"""
import importlib
import os
import sys

import numpy as np
from PIL import Image

from seeded_random import SeededRandom

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "training_augmentation")

sys.path.insert(0, os.environ.get("IRN_REFERENCE", "/tmp/irn-ref"))
imutils = importlib.import_module("misc.imutils")


class Draws:
    """Stands in for the `random` module inside imutils: returns queued values, checking that
    each is in the range the reference asked for."""

    def __init__(self, values):
        self.values = list(values)

    def pop(self, kind):
        got_kind, value = self.values.pop(0)
        assert got_kind == kind, (kind, got_kind)
        return value

    def randint(self, a, b):
        v = self.pop("randint")
        assert a <= v <= b
        return v

    def random(self):
        return self.pop("random")

    def getrandbits(self, k):
        return self.pop("getrandbits")

    def randrange(self, n):
        v = self.pop("randrange")
        assert 0 <= v < n, (v, n)
        return v


def normalize(img):
    """voc12.dataloader.TorchvisionNormalize (not imported: the dataloader reads files at import)."""
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    out = np.empty_like(img, np.float32)
    for c in range(3):
        out[..., c] = (img[..., c] / 255. - mean[c]) / std[c]
    return out


def cam_case(img, draws, crop):
    """VOC12ClassificationDataset.__getitem__ with resize_long, hor_flip, random crop."""
    imutils.random = Draws(draws)
    img = imutils.random_resize_long(img, 40, 80)
    img = normalize(img)
    img = imutils.random_lr_flip(img)
    img = imutils.random_crop(img, crop, 0)
    assert not imutils.random.values
    return imutils.HWC_to_CHW(img), None


def irn_case(img, label, draws, crop, scale_range=(0.5, 1.5)):
    """VOC12SegmentationDataset.__getitem__ with rescale, hor_flip, random crop."""
    imutils.random = Draws(draws)
    img, label = imutils.random_scale((img, label), scale_range=scale_range, order=(3, 0))
    img = normalize(img)
    img, label = imutils.random_lr_flip((img, label))
    img, label = imutils.random_crop((img, label), crop, (0, 255))
    assert not imutils.random.values
    return imutils.HWC_to_CHW(img), label


def none_case(img, label, crop):
    """The non-random crop method: normalise, top-left crop (image 0, label 255)."""
    img = imutils.top_left_crop(normalize(img), crop, 0)
    return imutils.HWC_to_CHW(img), imutils.top_left_crop(label, crop, 255)


def main():
    os.makedirs(OUT, exist_ok=True)
    img = np.asarray(Image.open(os.path.join(ROOT, "make_cam", "chelsea_45x58.png")).convert("RGB"))
    u = SeededRandom(11).symmetric(img.shape[:2], 1.0)
    label = np.select([u < -0.5, u < 0.2, u < 0.8], [0, 3, 15], 255).astype(np.uint8)
    np.save(os.path.join(OUT, "label.npy"), label)
    cases = {
        # long side 70 -> 70x54... crop 56: width 70 > 56 (source offset 9), height 54 < 56 (canvas 1)
        "cam": cam_case(img, [("randint", 70), ("getrandbits", 1), ("randrange", 9), ("randrange", 1)], 56),
        # scale 0.73 -> 42x33 (h x w), crop 32: width 42 > 32 (offset 7), height 33 > 32 (offset 1)
        "irn": irn_case(img, label, [("random", 0.23), ("getrandbits", 0), ("randrange", 7), ("randrange", 1)], 32),
        # scale 1.21 -> 70x54, crop 48: both larger
        "irn_flip": irn_case(img, label, [("random", 0.71), ("getrandbits", 1), ("randrange", 13),
                                          ("randrange", 5)], 48),
        # top-left crop 64 of the 58x45 image: padded right and below
        "none": none_case(img, label, 64),
    }
    for name, (image, lab) in cases.items():
        np.save(os.path.join(OUT, name + "_image.npy"), np.ascontiguousarray(image, dtype=np.float32))
        print(name, image.shape)
        if lab is not None:
            np.save(os.path.join(OUT, name + "_label.npy"), np.ascontiguousarray(lab, dtype=np.uint8))


if __name__ == "__main__":
    main()
