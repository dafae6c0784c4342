"""Golden data for Pipeline's Pillow-equal resize and the CAM input preprocessing.

Run: venv/bin/python Fixtures/Generators/pillow_resize.py   (Pillow 13.0.0, NumPy 2.x)
Writes Fixtures/pillow_resize/:
  cases.npy          int64 [N, 7]: seed, channels, in_w, in_h, out_w, out_h, filter code
                     (0 nearest, 1 box, 2 bilinear, 3 hamming, 4 bicubic, 5 lanczos).
                     Inputs are rebuilt from the seed: in_h*in_w*channels samples, each the top
                     byte of the next SeededRandom (SplitMix64) output, row-major HWC.
                     Modes: 1 L, 2 LA, 3 RGB, 4 RGBA.
  outputs.npy        uint8 [sum of out_h*out_w*channels]: Pillow's results, concatenated.
  photo_crop.npy     uint8 [48, 64, 3]: chelsea.png (../shared/testdata/photos) at x 150..213,
                     y 80..127.
  photo_scale050.npy / photo_scale150.npy / photo_scale200.npy: that crop rescaled as the
                     reference rescales a CAM scale (sides np.round(side * s), BICUBIC).
  photo_cam_input_scale050.npy  float32 [2, 3, 24, 32]: the scale-0.5 crop normalised with
                     ImageNet mean/std in float64 and stored float32, channel-major, stacked
                     with its left-right flip (the reference's per-scale CAM batch).
  rescaled_sizes.npy float64 [M, 5]: height, width, scale, np.round(height*scale),
                     np.round(width*scale).
"""
import os
import sys

import numpy as np
import PIL
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from seeded_random import SeededRandom  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "pillow_resize")
PHOTOS = os.path.join(HERE, "..", "..", "..", "shared", "testdata", "photos")
MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}
FILTERS = [Image.Resampling.NEAREST, Image.Resampling.BOX, Image.Resampling.BILINEAR,
           Image.Resampling.HAMMING, Image.Resampling.BICUBIC, Image.Resampling.LANCZOS]
BICUBIC = 4


def seeded_pixels(seed, width, height, channels):
    top = SeededRandom(seed).bits(width * height * channels) >> np.uint64(56)
    return top.astype(np.uint8).reshape(height, width, channels)


def pillow_resize(pixels, width, height, code):
    image = Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels,
                            MODES[pixels.shape[2]])
    out = np.asarray(image.resize((width, height), FILTERS[code]))
    return out.reshape(height, width, pixels.shape[2])


def reference_rescale(pixels, scale):
    """The reference's CAM-scale rescale: np.round of each side, BICUBIC, unchanged if equal."""
    height, width = pixels.shape[:2]
    size = (int(np.round(height * scale)), int(np.round(width * scale)))
    if size == (height, width):
        return pixels
    return np.asarray(Image.fromarray(pixels).resize(size[::-1], Image.Resampling.BICUBIC))


def normalised_pair(pixels):
    """ImageNet normalisation as the reference computes it, then [image, flipped image]."""
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    planes = np.empty(pixels.shape, np.float32)
    for c in range(3):
        planes[..., c] = (pixels[..., c] / 255.0 - mean[c]) / std[c]
    chw = planes.transpose(2, 0, 1)
    return np.stack([chw, chw[:, :, ::-1]]).astype(np.float32)


def main():
    print("Pillow", PIL.__version__, "NumPy", np.__version__)
    os.makedirs(OUT, exist_ok=True)

    # Hand-picked cases: non-integer shrink (0.37), halving, 1.5x and 2x growth, mixed
    # directions, one-pixel sides, every mode, every filter, a tall strip (h > 100 w), and
    # both pass orders.
    named = [
        (11, 3, 27, 19, 10, 7, BICUBIC), (12, 3, 27, 19, 14, 10, BICUBIC),
        (13, 3, 27, 19, 40, 28, BICUBIC), (14, 3, 27, 19, 54, 38, BICUBIC),
        (15, 3, 7, 13, 20, 5, BICUBIC), (16, 3, 1, 9, 5, 4, BICUBIC),
        (17, 3, 5, 1, 1, 3, BICUBIC), (18, 3, 1, 1, 3, 2, BICUBIC),
        (19, 1, 19, 11, 7, 25, BICUBIC), (20, 1, 16, 16, 6, 6, BICUBIC),
        (21, 4, 13, 9, 20, 7, BICUBIC), (22, 2, 9, 7, 4, 11, BICUBIC),
        (23, 3, 3, 130, 2, 9, BICUBIC), (24, 3, 31, 3, 31, 8, BICUBIC),
        (25, 3, 8, 21, 17, 21, BICUBIC),
        # Pass order on both sides of Pillow 13's rule (vertical first iff the height loses
        # more than twice as many pixels as the width); each pair differs by one pixel.
        (60, 3, 40, 40, 21, 1, BICUBIC), (61, 3, 40, 40, 20, 1, BICUBIC),
        (62, 3, 40, 40, 31, 20, BICUBIC), (63, 3, 40, 40, 30, 20, BICUBIC),
        (64, 1, 40, 40, 32, 22, BICUBIC), (65, 1, 40, 40, 31, 22, BICUBIC),
    ]
    for code in range(6):
        named.append((30 + code, 3, 27, 19, 10, 31, code))
        named.append((40 + code, 1, 12, 17, 29, 6, code))
        named.append((50 + code, 4, 11, 10, 6, 15, code))
    rng = np.random.default_rng(20240607)
    cases = list(named)
    for i in range(130):
        channels = int(rng.integers(1, 5))
        in_w, in_h = (int(v) for v in rng.integers(1, 18, size=2))
        out_w, out_h = (int(v) for v in rng.integers(1, 23, size=2))
        code = BICUBIC if rng.random() < 0.6 else int(rng.integers(0, 6))
        cases.append((1000 + i, channels, in_w, in_h, out_w, out_h, code))

    outputs = []
    for seed, channels, in_w, in_h, out_w, out_h, code in cases:
        pixels = seeded_pixels(seed, in_w, in_h, channels)
        outputs.append(pillow_resize(pixels, out_w, out_h, code).reshape(-1))
    np.save(os.path.join(OUT, "cases.npy"), np.array(cases, dtype=np.int64))
    np.save(os.path.join(OUT, "outputs.npy"), np.concatenate(outputs).astype(np.uint8))

    photo = np.asarray(Image.open(os.path.join(PHOTOS, "chelsea.png")).convert("RGB"))
    crop = np.ascontiguousarray(photo[80:128, 150:214])
    np.save(os.path.join(OUT, "photo_crop.npy"), crop)
    for scale, name in [(0.5, "050"), (1.5, "150"), (2.0, "200")]:
        np.save(os.path.join(OUT, f"photo_scale{name}.npy"), reference_rescale(crop, scale))
    np.save(os.path.join(OUT, "photo_cam_input_scale050.npy"),
            normalised_pair(reference_rescale(crop, 0.5)))

    sizes = []
    for height, width in [(375, 500), (500, 375), (333, 201), (281, 500), (1, 1), (3, 5),
                          (7, 9), (365, 487), (17, 9), (600, 400)]:
        for scale in [0.5, 1.0, 1.5, 2.0, 0.37, 0.7, 1.25, 1 / 3]:
            sizes.append((height, width, scale, np.round(height * scale), np.round(width * scale)))
    np.save(os.path.join(OUT, "rescaled_sizes.npy"), np.array(sizes, dtype=np.float64))
    print(len(cases), "cases,", sum(o.size for o in outputs), "output bytes")


if __name__ == "__main__":
    main()
