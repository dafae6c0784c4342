"""Golden outputs of the reference's CAM step (step/make_cam.py) and of its EdgeDisplacement
inference on a real photograph, for Tests/PipelineTests/ClassActivationMapsTests.swift and
BoundaryMapsTests.swift.

The photograph is a downscaled crop of chelsea.png (CC0, Stefan van der Walt; bundled with
scikit-image, see the shared test photos), written once as Fixtures/make_cam/chelsea_45x58.png;
all outputs are computed from that PNG. The networks are the reference's own modules with the
seeded weights of seeded_weights.py at width 0.25 (narrowed as networks.py does), because
a full-width network on four scales is too slow for a debug-build unit test; the full-width
comparison is the end-to-end check Benchmarks/check_cam_cli.py.
Per scale the reference's dataset glue (VOC12ClassificationDatasetMSF.__getitem__) is
followed with its own functions (imutils.pil_rescale, TorchvisionNormalize, HWC_to_CHW), then
make_cam's per-image arithmetic (imutils.get_strided_size / get_strided_up_size,
F.interpolate, adaptive_max_pool2d). Outputs in Fixtures/make_cam/:
  chelsea_45x58.png            the input
  cam_keys.npy                 int64 [2] (7 cat, 11 dog)
  cam_cam.npy, cam_high_res.npy  float32 [2, 12, 15], [2, 45, 58]
  boundary_edge.npy, boundary_dp.npy  float32 [12, 15], [2, 12, 15] (crop_size 64)
Run:
  git --git-dir=<mirror of jiwoon-ahn/irn> archive HEAD | tar -x -C /tmp/irn-ref
  IRN_REFERENCE=/path/to/irn venv/bin/python Fixtures/Generators/make_cam.py
"""
import importlib
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import networks  # sets up the reference modules (IRN_REFERENCE) and the seeded networks

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "make_cam")
PHOTO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "testdata", "photos", "chelsea.png")
SCALES = (1.0, 0.5, 1.5, 2.0)
KEYS = (7, 11)
WIDTH = 0.25
CROP_SIZE = 64



def import_dataloader():
    """voc12.dataloader loads voc12/cls_labels.npy relative to the working folder."""
    here = os.getcwd()
    os.chdir(os.environ["IRN_REFERENCE"])
    try:
        return importlib.import_module("voc12.dataloader")
    finally:
        os.chdir(here)


imutils = importlib.import_module("misc.imutils")
dataloader = import_dataloader()


def msf_pairs(img, scales):
    """The per-scale [image, mirror] batches VOC12ClassificationDatasetMSF yields."""
    normalize = dataloader.TorchvisionNormalize()
    pairs = []
    for s in scales:
        s_img = img if s == 1 else imutils.pil_rescale(img, s, order=3)
        s_img = imutils.HWC_to_CHW(normalize(s_img))
        pairs.append(torch.from_numpy(np.ascontiguousarray(np.stack([s_img, np.flip(s_img, -1)], axis=0))))
    return pairs


def make_cam(model, img, scales, keys):
    """make_cam._work for one image, on the CPU: returns (keys, strided cam, high_res)."""
    size = img.shape[:2]
    strided_size = imutils.get_strided_size(size, 4)
    strided_up_size = imutils.get_strided_up_size(size, 16)
    with torch.no_grad():
        outputs = [model(pair) for pair in msf_pairs(img, scales)]
        strided_cam = torch.sum(torch.stack(
            [F.interpolate(torch.unsqueeze(o, 0), strided_size, mode="bilinear", align_corners=False)[0]
             for o in outputs]), 0)
        highres_cam = [F.interpolate(torch.unsqueeze(o, 1), strided_up_size, mode="bilinear", align_corners=False)
                       for o in outputs]
        highres_cam = torch.sum(torch.stack(highres_cam, 0), 0)[:, 0, :size[0], :size[1]]
        label = torch.zeros(20)
        label[list(keys)] = 1
        valid_cat = torch.nonzero(label)[:, 0]
        strided_cam = strided_cam[valid_cat]
        strided_cam /= F.adaptive_max_pool2d(strided_cam, (1, 1)) + 1e-5
        highres_cam = highres_cam[valid_cat]
        highres_cam /= F.adaptive_max_pool2d(highres_cam, (1, 1)) + 1e-5
    return valid_cat.numpy(), strided_cam.numpy(), highres_cam.numpy()


def edge_displacement(model, img):
    """The scale-1 pair through EdgeDisplacement, as make_sem_seg_labels feeds it."""
    with torch.no_grad():
        edge, dp = model(msf_pairs(img, (1.0,))[0])
    return edge[0].numpy(), dp.numpy()


def photo():
    source = Image.open(PHOTO).convert("RGB")
    small = source.resize((87, 58), Image.LANCZOS)
    return np.asarray(small.crop((14, 6, 72, 51)))  # 58 x 45


def save(name, array):
    np.save(os.path.join(OUT, name + ".npy"), array)
    print("%-20s %-14s %s max|x| %.4g" % (name, array.shape, array.dtype, float(np.abs(array).max())))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    png = os.path.join(OUT, "chelsea_45x58.png")
    Image.fromarray(photo()).save(png)
    img = np.asarray(Image.open(png).convert("RGB"))
    keys, cam, high_res = make_cam(networks.cam_network(WIDTH), img, SCALES, KEYS)
    save("cam_keys", keys.astype(np.int64))
    save("cam_cam", cam.astype(np.float32))
    save("cam_high_res", high_res.astype(np.float32))
    edge, dp = edge_displacement(networks.irn_network(WIDTH, crop_size=CROP_SIZE), img)
    save("boundary_edge", edge.astype(np.float32))
    save("boundary_dp", dp.astype(np.float32))


if __name__ == "__main__":
    main()
