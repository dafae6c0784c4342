"""Writes Fixtures/labels/: stage files (cam/<scene>.npz, boundary/<scene>.npz) of three small scenes and the
semantic and instance labels the reference implementation (jiwoon-ahn/irn) makes from them.

The reference is not part of this repository. Point IRN_REFERENCE at a checkout of it (the
folder that holds misc/indexing.py and step/make_ins_seg_labels.py), then run, from the
repository root:
    IRN_REFERENCE=/path/to/irn python3 Fixtures/Generators/labels.py
Needs NumPy, SciPy, scikit-image and PyTorch (CPU). torch.Tensor.cuda is replaced by the
identity at run time. The network is replaced by the stage files: everything after the
model call of the reference's sem-seg and ins-seg steps runs on them, calling the reference's
own functions (propagate_to_edge, find_centroids_with_refinement, cluster_centroids,
separte_score_by_mask, detect_instance) with the settings of its run_sample.py.

Scenes: "touching" (image 61x77, stride-4 map 16x20): two classes, four instances of which
several touch, a displacement field pointing at each instance's centre, CAMs as blurred
masks, a boundary map high between instances; "smooth" (image 45x38): three classes, smooth
random CAMs, boundary and displacement; "blank" (image 23x30): two classes whose CAMs are
nonzero only where the boundary is exactly 1, so the walk starts from zero everywhere and the
reference divides 0 by 0 (every pixel takes the first class, instance scores are NaN).
Also writes reference_ins/<scene>.npy, the detection dict as the reference's ins-seg step saves
it (np.save of {'score', 'mask', 'class'}: a pickle of NumPy arrays).
"""
import os

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

from reference_labels import instances, semantic

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "labels")
os.makedirs(os.path.join(out, "cam"), exist_ok=True)
os.makedirs(os.path.join(out, "boundary"), exist_ok=True)
os.makedirs(os.path.join(out, "reference_ins"), exist_ok=True)


def touching_scene():
    height, width = 61, 77
    h4, w4 = (height - 1) // 4 + 1, (width - 1) // 4 + 1
    yy, xx = np.mgrid[0:h4, 0:w4].astype(np.float32)
    # Instances on the stride-4 grid: (class key, centre y, centre x, radius y, radius x).
    objects = [(7, 5.0, 5.0, 4.5, 4.5), (7, 5.0, 12.5, 4.5, 4.0), (11, 11.5, 8.0, 4.0, 6.0),
               (11, 11.0, 16.5, 4.5, 3.5)]
    owner = np.full((h4, w4), -1, np.int64)
    best = np.full((h4, w4), 1.0, np.float32)
    for i, (_, cy, cx, ry, rx) in enumerate(objects):
        d = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2
        take = d < best
        owner[take] = i
        best[take] = d[take]
    keys = np.array([7, 11], np.int64)
    cam = np.zeros((2, h4, w4), np.float32)
    dp = np.zeros((2, h4, w4), np.float32)
    for i, (key, cy, cx, _, _) in enumerate(objects):
        inside = owner == i
        k = int(np.where(keys == key)[0][0])
        cam[k][inside] = 1.0
        dp[0][inside] = (cy - yy)[inside]
        dp[1][inside] = (cx - xx)[inside]
    for k in range(2):
        cam[k] = ndimage.gaussian_filter(cam[k], 1.2).astype(np.float32)
        cam[k] /= cam[k].max() + 1e-5
    # Boundary: high where the owner changes between 4-neighbours (instances or background).
    edge = np.zeros((h4, w4), np.float32)
    change_y = owner[1:, :] != owner[:-1, :]
    change_x = owner[:, 1:] != owner[:, :-1]
    edge[1:, :][change_y] = 1
    edge[:-1, :][change_y] = 1
    edge[:, 1:][change_x] = 1
    edge[:, :-1][change_x] = 1
    edge = np.clip(ndimage.gaussian_filter(edge, 0.7) * 1.5, 0, 1).astype(np.float32)
    edge = (0.02 + 0.96 * edge).astype(np.float32)
    return keys, cam, edge, dp.astype(np.float32), (height, width)


def smooth_scene():
    rng = np.random.default_rng(20240611)
    height, width = 45, 38
    h4, w4 = (height - 1) // 4 + 1, (width - 1) // 4 + 1
    keys = np.array([0, 8, 14], np.int64)
    cam = np.stack([ndimage.gaussian_filter(rng.random((h4, w4)), 1.5) for _ in keys]).astype(np.float32)
    cam -= cam.min(axis=(1, 2), keepdims=True)
    cam /= cam.max(axis=(1, 2), keepdims=True) + 1e-5
    cam = cam.astype(np.float32) ** 2
    edge = ndimage.gaussian_filter(rng.random((h4, w4)), 1.0)
    edge = ((edge - edge.min()) / (edge.max() - edge.min())) ** 3
    edge = edge.astype(np.float32)
    dp = np.stack([ndimage.gaussian_filter(rng.normal(0, 30, (h4, w4)), 2.0) for _ in range(2)]).astype(np.float32)
    return keys, cam.astype(np.float32), edge, dp, (height, width)


def blank_scene():
    rng = np.random.default_rng(20261122)
    height, width = 23, 30
    h4, w4 = (height - 1) // 4 + 1, (width - 1) // 4 + 1
    keys = np.array([4, 17], np.int64)
    edge = (rng.random((h4, w4)) < 0.3).astype(np.float32)
    cam = (rng.random((2, h4, w4)) * edge).astype(np.float32)
    cam /= cam.max(axis=(1, 2), keepdims=True) + 1e-5
    dp = np.zeros((2, h4, w4), np.float32)
    dp[1, :, : w4 // 2] = 3.0  # the left half drifts right onto the still right half
    return keys, cam.astype(np.float32), edge, dp, (height, width)


def high_res(cam, size):
    # A full-resolution companion for the CAM file (not read by the label stages).
    up = F.interpolate(torch.from_numpy(cam)[None], scale_factor=4, mode="bilinear", align_corners=False)
    return up[0, :, :size[0], :size[1]].numpy().astype(np.float32)


for name, scene in [("touching", touching_scene), ("smooth", smooth_scene), ("blank", blank_scene)]:
    keys, cam, edge, dp, size = scene()
    np.savez(os.path.join(out, "cam", f"{name}.npz"), keys=keys, cam=cam, high_res=high_res(cam, size),
             size=np.array(size, np.int64))
    np.savez(os.path.join(out, "boundary", f"{name}.npz"), edge=edge, dp=dp)
    labels, _ = semantic(keys, cam, edge, size)
    np.save(os.path.join(out, f"{name}_sem_seg.npy"), labels)
    detected, clusters, _ = instances(keys, cam, edge, dp, size)
    np.save(os.path.join(out, f"{name}_ins_score.npy"), detected["score"].astype(np.float32))
    np.save(os.path.join(out, f"{name}_ins_class.npy"), detected["class"].astype(np.int64))
    np.save(os.path.join(out, f"{name}_ins_mask.npy"), detected["mask"].astype(np.uint8))
    # The file the reference's ins-seg step itself writes: np.save of the detection dict.
    np.save(os.path.join(out, "reference_ins", f"{name}.npy"), detected)
    print(name, "labels", np.unique(labels, return_counts=True), "clusters", clusters,
          "instances", len(detected["score"]), detected["class"], detected["score"])
