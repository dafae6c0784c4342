"""The reference's label steps after the network call, as functions on arrays: what
jiwoon-ahn/irn's step/make_sem_seg_labels.py and step/make_ins_seg_labels.py do with a CAM file
and the EdgeDisplacement output (propagate_to_edge, find_centroids_with_refinement,
cluster_centroids, separte_score_by_mask, detect_instance; run_sample.py's settings).

Imported by Fixtures/Generators/labels.py and Benchmarks/check_labels_random.py. Importing it
loads the reference from the checkout named by IRN_REFERENCE (the folder that holds
misc/indexing.py) and replaces torch.Tensor.cuda by the identity, so the reference runs on the CPU.
"""
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

_reference = os.environ.get("IRN_REFERENCE")
if not _reference or not os.path.isfile(os.path.join(_reference, "misc", "indexing.py")):
    sys.exit("set IRN_REFERENCE to a checkout of jiwoon-ahn/irn (the folder holding misc/indexing.py)")
sys.path.insert(0, _reference)
torch.Tensor.cuda = lambda self, *args, **kwargs: self  # run the reference on the CPU
warnings.filterwarnings("ignore")
if not hasattr(np, "bool"):
    np.bool = bool  # the reference's pyutils.to_one_hot uses the old alias
from misc import indexing  # noqa: E402
_here = os.getcwd()
os.chdir(_reference)  # its dataloader module reads voc12/cls_labels.npy relative to its root
from step import make_ins_seg_labels as _ins  # noqa: E402
os.chdir(_here)

BETA, EXP_TIMES, RADIUS = 10, 8, 5          # run_sample.py defaults
SEM_BG, INS_BG = 0.25, 0.25                  # sem_seg_bg_thres, ins_seg_bg_thres


def _walked(cam, edge, size, background, beta, exp_times):
    # propagate_to_edge, x4 bilinear upsampling, crop, division by the global maximum.
    walk = indexing.propagate_to_edge(cam, torch.from_numpy(edge), beta=beta, exp_times=exp_times, radius=RADIUS)
    up = F.interpolate(walk, scale_factor=4, mode="bilinear", align_corners=False)[:, 0, :size[0], :size[1]]
    up = up / torch.max(up)
    return up, F.pad(up, (0, 0, 0, 0, 1, 0), value=background)


def semantic(keys, cam, edge, size, beta=BETA, exp_times=EXP_TIMES, background=SEM_BG):
    """Labels (0 background, key + 1) and the scores they are the argmax of ([1 + K, H, W]).
    The reference's --beta, --exp_times and --sem_seg_bg_thres may be given; the radius is 5 in
    its code."""
    padded_keys = np.pad(keys + 1, (1, 0), mode="constant")
    _, scores = _walked(torch.from_numpy(cam), edge, size, background, beta, exp_times)
    return padded_keys[torch.argmax(scores, dim=0).numpy()].astype(np.uint8), scores.numpy()


def instances(keys, cam, edge, dp, size, beta=BETA, exp_times=EXP_TIMES, background=INS_BG):
    """The detection dictionary (score, mask, class), the number of clusters, and the scores the
    instance shapes are the argmax of. No instance at all (np.stack of nothing in the reference)
    gives empty arrays. --beta, --exp_times and --ins_seg_bg_thres as for `semantic`."""
    centroids = _ins.find_centroids_with_refinement(dp)
    instance_map = _ins.cluster_centroids(centroids, dp)
    instance_cam = _ins.separte_score_by_mask(torch.from_numpy(cam), instance_map)
    up, scores = _walked(instance_cam, edge, size, background, beta, exp_times)
    num_classes, num_instances = len(keys), instance_map.shape[0]
    shape = torch.argmax(scores, 0).numpy()
    shape = np.eye(num_instances * num_classes + 1, dtype=bool)[shape].transpose(2, 0, 1)[1:]
    class_id = np.repeat(keys, num_instances)
    try:
        detected = _ins.detect_instance(up.numpy(), shape, class_id, max_fragment_size=size[0] * size[1] * 0.01)
    except ValueError:
        detected = {"score": np.zeros(0, np.float32), "mask": np.zeros((0,) + tuple(size), np.uint8),
                    "class": np.zeros(0, np.int64)}
    return detected, num_instances, scores.numpy()
