"""End-to-end check of `irn cam` and `irn boundary` against the reference implementation at full
width, on a 375 x 500 crop of a real photograph (coffee.png from the shared test photos).

1. Builds the reference's training modules with seeded full-width weights
   (Fixtures/Generators/seeded_weights.py): resnet50_cam.Net and
   resnet50_irn.AffinityDisplacementLoss, and saves their state dicts with torch.save exactly
   as the reference's train_cam / train_irn steps do (model.state_dict() of the training class).
2. Runs the reference's inference on them: the CAM module loaded strictly from that file through
   make_cam's per-image arithmetic (Fixtures/Generators/make_cam.py mirrors the glue), and
   EdgeDisplacement (crop_size 512) loaded as make_sem_seg_labels loads it (strict=False).
3. Runs the release `irn cam` / `irn boundary` on the same .pth files and image, and prints the
   max abs errors of cam, high_res, edge and dp and both run times.
Run (after `swift build -c release`):
  IRN_REFERENCE=/path/to/irn venv/bin/python Benchmarks/check_cam_cli.py [path/to/irn]
"""
import os
import subprocess
import sys
import time

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Fixtures", "Generators"))
import make_cam as golden  # noqa: E402  (sets up the reference modules)
import networks  # noqa: E402

WORK = "/tmp/irn-check-cam-cli"
PHOTO = os.path.join(HERE, "..", "..", "shared", "testdata", "photos", "coffee.png")
KEYS = (4, 10)
SCALES = (1.0, 0.5, 1.5, 2.0)


def seeded_state_dicts():
    with networks.backbone_width(1):
        cam = networks.CAM_MODULE.Net()
        path_index = networks.INDEXING.PathIndex(radius=10, default_size=(512 // 4, 512 // 4))
        irn = networks.IRN_MODULE.AffinityDisplacementLoss(path_index)
    networks.fill(cam, networks.WEIGHT_SEED)
    networks.fill(irn, networks.WEIGHT_SEED)
    cam_path, irn_path = os.path.join(WORK, "res50_cam.pth"), os.path.join(WORK, "res50_irn.pth")
    torch.save(cam.state_dict(), cam_path)
    torch.save(irn.state_dict(), irn_path)
    return cam_path, irn_path


def reference(cam_path, irn_path, img):
    with networks.backbone_width(1):
        cam_model = networks.CAM_MODULE.CAM()
        irn_model = networks.IRN_MODULE.EdgeDisplacement(crop_size=512)
    cam_model.load_state_dict(torch.load(cam_path), strict=True)
    cam_model.eval()
    irn_model.load_state_dict(torch.load(irn_path), strict=False)
    irn_model.eval()
    start = time.time()
    keys, cam, high_res = golden.make_cam(cam_model, img, SCALES, KEYS)
    cam_seconds = time.time() - start
    start = time.time()
    edge, dp = golden.edge_displacement(irn_model, img)
    boundary_seconds = time.time() - start
    return (keys, cam, high_res, cam_seconds), (edge, dp, boundary_seconds)


def ours(irn_binary, cam_path, irn_path, image_path):
    out = os.path.join(WORK, "out")
    start = time.time()
    subprocess.run([irn_binary, "cam", "--weights", cam_path, "--image", image_path, "--classes",
                    ",".join(str(k) for k in KEYS), "--out", out, "--verbose"], check=True)
    cam_seconds = time.time() - start
    start = time.time()
    subprocess.run([irn_binary, "boundary", "--weights", irn_path, "--image", image_path, "--out", out,
                    "--verbose"], check=True)
    boundary_seconds = time.time() - start
    stem = os.path.splitext(os.path.basename(image_path))[0]
    return (np.load(os.path.join(out, "cam", stem + ".npz")), cam_seconds,
            np.load(os.path.join(out, "boundary", stem + ".npz")), boundary_seconds)


def main():
    irn_binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", ".build", "release", "irn")
    os.makedirs(WORK, exist_ok=True)
    torch.set_num_threads(2)
    image_path = os.path.join(WORK, "coffee_375x500.png")
    Image.open(PHOTO).convert("RGB").crop((50, 0, 550, 375)).save(image_path)
    img = np.asarray(Image.open(image_path).convert("RGB"))
    cam_path, irn_path = seeded_state_dicts()
    (keys, cam, high_res, ref_cam_s), (edge, dp, ref_boundary_s) = reference(cam_path, irn_path, img)
    our_cam, our_cam_s, our_boundary, our_boundary_s = ours(irn_binary, cam_path, irn_path, image_path)
    assert list(our_cam["keys"]) == list(keys), (our_cam["keys"], keys)
    assert list(our_cam["size"]) == list(img.shape[:2])
    for name, ours_, theirs in (("cam", our_cam["cam"], cam), ("high_res", our_cam["high_res"], high_res),
                                ("edge", our_boundary["edge"], edge), ("dp", our_boundary["dp"], dp)):
        assert ours_.shape == theirs.shape, (name, ours_.shape, theirs.shape)
        error = float(np.abs(ours_ - theirs).max())
        print("%-9s %-16s max|ref| %.4g  max abs error %.3g" % (name, theirs.shape, float(np.abs(theirs).max()), error))
    print("cam:      reference %.2f s, irn %.2f s (4 scales, 2 classes)" % (ref_cam_s, our_cam_s))
    print("boundary: reference %.2f s, irn %.2f s (crop 512)" % (ref_boundary_s, our_boundary_s))


if __name__ == "__main__":
    main()
