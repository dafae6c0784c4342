"""Golden outputs of PAMR (pixel-adaptive mask refinement), computed by the reference PyTorch
module of "Single-Stage Semantic Segmentation from Image Labels" (visinf/1-stage-wseg,
models/mods/pamr.py) on the CPU in float32.

Writes Fixtures/pamr/*.npy:
  photo_crop.npy         uint8 [64, 80, 3]: chelsea.png (../shared/testdata/photos) rows 90..153,
                         columns 280..359.
  photo_image.npy        float32 [1, 3, 64, 80]: the crop as the reference's training step hands it
                         to PAMR: to_tensor (x / 255), Normalize(ImageNet mean, std), then the
                         dataset's denorm (x * std + mean), all in float32 (colour jitter skipped).
  photo_<case>_mask.npy  float32 input masks: softmax over K of SeededRandom logits.
  photo_<case>_out.npy   float32 [1, K, 64, 80]: PAMR(10, [1, 2, 4, 8, 12, 24]) of image and mask.
  random_<case>_out.npy  float32: cases whose image and mask are rebuilt in the Swift tests from
                         SeededRandom(seed).symmetric(shape, scale) (seeded_random.py).
  random_<case>_weights.npy  float32 [N, 8·D, H, W]: the softmax affinities of that case (once
                         per image and dilation set).

The reference module is imported from a checkout outside this repository, named by the
environment variable PAMR_REFERENCE (the root of a visinf/1-stage-wseg tree); only pamr.py is
loaded, by path. Run from the repository root:
    PAMR_REFERENCE=/path/to/1-stage-wseg /path/to/venv/bin/python Fixtures/Generators/pamr.py
(needs torch, numpy and pillow; see Fixtures/README.md, "Regenerating goldens").
"""
import importlib.util
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from seeded_random import SeededRandom

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "pamr")
PHOTO = os.path.join(HERE, "..", "..", "..", "shared", "testdata", "photos", "chelsea.png")
CROP = (90, 280, 64, 80)  # top, left, height, width
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
DILATIONS = [1, 2, 4, 8, 12, 24]

torch.set_num_threads(1)


def load_reference():
    root = os.environ.get("PAMR_REFERENCE")
    if not root:
        raise SystemExit("set PAMR_REFERENCE to the root of a visinf/1-stage-wseg checkout")
    path = os.path.join(root, "models", "mods", "pamr.py")
    spec = importlib.util.spec_from_file_location("reference_pamr", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def save(name, array):
    os.makedirs(OUT, exist_ok=True)
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(array))


def pipeline_image(crop):
    """The float image PAMR receives in the reference's training step (train.py: image_raw =
    denorm(image)), without the random colour jitter: torchvision's to_tensor divides by 255,
    Normalize subtracts the mean and divides by the std (float32 tensors), and
    PascalVOC.denorm multiplies by std and adds mean in place (Python scalars, float32 math)."""
    x = torch.from_numpy(crop).permute(2, 0, 1).contiguous().to(torch.float32).div(255)
    mean = torch.as_tensor(MEAN, dtype=torch.float32)[:, None, None]
    std = torch.as_tensor(STD, dtype=torch.float32)[:, None, None]
    x = x.sub(mean).div(std)
    for channel, (m, s) in enumerate(zip(MEAN, STD)):
        x[channel].mul_(s).add_(m)
    return x[None]


def softmax_mask(seed, shape, scale):
    logits = torch.from_numpy(SeededRandom(seed).symmetric(shape, scale))
    return F.softmax(logits, dim=1).contiguous()


def weights(module, image, dilations):
    """The softmax affinities PAMR.forward computes before its iterations, [N, 8·D, H, W]."""
    pamr = module.PAMR(1, dilations)
    std = pamr.aff_std(image)
    x = -pamr.aff_x(image) / (1e-8 + 0.1 * std)
    x = x.mean(1, keepdim=True)
    return F.softmax(x, 2)[:, 0]


# Photo cases: (case, mask seed, mask shape, logit scale). 16×20 is the stride-4 size of 64×80;
# 13×17 is a size that is no exact stride; 64×80 is the image size (resize is a copy).
PHOTO_CASES = [
    ("s4_k3", 1101, (1, 3, 16, 20), 3.0),
    ("odd_k4", 1102, (1, 4, 13, 17), 4.0),
    ("full_k2", 1103, (1, 2, 64, 80), 2.0),
]

# Random cases: (case, image seed, image shape, mask seed, mask shape, iterations, dilations).
# Images are SeededRandom.symmetric(shape, 1), masks SeededRandom.symmetric(shape, 1).
RANDOM_CASES = [
    ("small_iter1", 1201, (2, 3, 9, 11), 1202, (2, 3, 5, 6), 1, DILATIONS),
    ("small_iter3", 1201, (2, 3, 9, 11), 1202, (2, 3, 5, 6), 3, DILATIONS),
    ("tiny_iter3", 1203, (1, 3, 5, 4), 1204, (1, 2, 5, 4), 3, DILATIONS),
    ("four_channels_d13", 1205, (1, 4, 7, 6), 1206, (1, 5, 3, 3), 2, [1, 3]),
    ("row_d2", 1207, (1, 3, 1, 13), 1208, (1, 2, 1, 4), 3, [2, 1]),
]


def main():
    module = load_reference()
    top, left, height, width = CROP
    photo = np.asarray(Image.open(PHOTO).convert("RGB"))
    crop = np.ascontiguousarray(photo[top:top + height, left:left + width])
    save("photo_crop", crop)
    image = pipeline_image(crop)
    save("photo_image", image.numpy())
    pamr = module.PAMR(10, DILATIONS)
    for case, seed, shape, scale in PHOTO_CASES:
        mask = softmax_mask(seed, shape, scale)
        with torch.no_grad():
            out = pamr(image, mask)
        save(f"photo_{case}_mask", mask.numpy())
        save(f"photo_{case}_out", out.numpy())
        print(f"photo_{case}: mask {tuple(mask.shape)} -> {tuple(out.shape)}")

    weighed = set()
    for case, image_seed, image_shape, mask_seed, mask_shape, iterations, dilations in RANDOM_CASES:
        image = torch.from_numpy(SeededRandom(image_seed).symmetric(image_shape, 1.0))
        mask = torch.from_numpy(SeededRandom(mask_seed).symmetric(mask_shape, 1.0))
        with torch.no_grad():
            out = module.PAMR(iterations, dilations)(image, mask)
            save(f"random_{case}_out", out.numpy())
            if (image_seed, tuple(dilations)) not in weighed:  # once per image and dilations
                weighed.add((image_seed, tuple(dilations)))
                save(f"random_{case}_weights", weights(module, image, dilations).numpy())
        print(f"random_{case}: image {image_shape}, mask {mask_shape} -> {tuple(out.shape)}")


if __name__ == "__main__":
    main()
