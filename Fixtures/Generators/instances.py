"""Golden outputs of instance extraction (IRNet §5), computed by the reference implementation.

Writes Fixtures/instances/{components,refinement,clusters,detection}/*.npy using the reference's
own functions from step/make_ins_seg_labels.py (find_centroids_with_refinement,
cluster_centroids, separte_score_by_mask, detect_instance) and scikit-image's measure.label.
The reference code is imported from a checkout outside this repository, named by the
environment variable IRN_REFERENCE; nothing of it is copied here. Make the checkout with
    git clone https://github.com/jiwoon-ahn/irn /tmp/irn-ref   (or `git archive` of a mirror)
and run from the repository root:
    IRN_REFERENCE=/path/to/irn /path/to/venv/bin/python Fixtures/Generators/instances.py
(needs numpy, scikit-image, torch; see Fixtures/README.md, "Regenerating goldens").

At import time the reference needs CUDA and pydensecrf, and uses `np.bool` (absent from NumPy
1.24-1.26): this script stubs pydensecrf, makes `Tensor.cuda` a no-op and, where missing,
aliases `np.bool` to `np.bool_`, all at run time, without touching the reference's files.

Inputs: seeded cases are rebuilt by the Swift tests (Tests/InstancesTests) from the seed with
SeededRandom (seeded_random.py here, bit-identical); hand-made inputs are stored beside their
outputs (`*_mask.npy`, `*_dp.npy`, `*_cams.npy`, `*_walked.npy`). Each seeded case here and its
twin in the Swift tests must list the same seed, shape and scale.
"""
import os
import sys
import types

import numpy as np
import skimage.measure
import torch
import torch.nn.functional as F

from seeded_random import SeededRandom

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "instances")


def load_reference():
    root = os.environ.get("IRN_REFERENCE")
    if not root or not os.path.isdir(os.path.join(root, "step")):
        sys.exit("set IRN_REFERENCE to a checkout of jiwoon-ahn/irn")
    if not hasattr(np, "bool"):  # the reference's default dtype; NumPy 1.24-1.26 lack the name
        np.bool = np.bool_
    crf = types.ModuleType("pydensecrf")
    crf.densecrf = types.ModuleType("pydensecrf.densecrf")
    crf.utils = types.ModuleType("pydensecrf.utils")
    crf.utils.unary_from_labels = None
    sys.modules.update({"pydensecrf": crf, "pydensecrf.densecrf": crf.densecrf,
                        "pydensecrf.utils": crf.utils})
    torch.Tensor.cuda = lambda self, *args, **kwargs: self
    sys.path.insert(0, root)
    here = os.getcwd()
    os.chdir(root)  # the reference loads voc12/cls_labels.npy relative to its root on import
    try:
        import step.make_ins_seg_labels as ins
        from misc import pyutils
    finally:
        os.chdir(here)
    return ins, pyutils


INS, PYUTILS = load_reference()


def save(folder, name, array):
    path = os.path.join(OUT, folder)
    os.makedirs(path, exist_ok=True)
    np.save(os.path.join(path, name + ".npy"), np.ascontiguousarray(array))


# ---------------------------------------------------------------- connected components

def spiral(height, width):
    mask = np.zeros((height, width), bool)
    top, left, bottom, right = 0, 0, height - 1, width - 1
    while top <= bottom and left <= right:
        mask[top, left:right + 1] = True
        mask[top:bottom + 1, right] = True
        if bottom - top >= 2:
            mask[bottom, left:right + 1] = True
        if right - left >= 2:
            mask[top + 2:bottom + 1, left] = True
        top, left, bottom, right = top + 2, left + 2, bottom - 2, right - 2
        if top <= bottom and left - 2 >= 0:
            mask[top, left - 1] = True
    return mask


def combs(height, width):
    """Teeth hanging from a bar at the bottom: the union of provisional labels happens late."""
    mask = np.zeros((height, width), bool)
    mask[:, ::2] = True
    mask[-1, :] = True
    mask[0, 1] = True
    mask[3, 5:9] = True
    return mask


def diagonals(height, width):
    y, x = np.mgrid[:height, :width]
    return ((x + y) % 4 == 0) | ((x - y) % 5 == 0)


# (case, seed, height, width, probability of foreground); mask = unit(h*w) < p.
RANDOM_MASKS = [
    ("random_a", 201, 16, 21, 0.5),
    ("random_b", 202, 23, 17, 0.35),
    ("random_c", 203, 9, 40, 0.6),
    ("row", 204, 1, 33, 0.5),
    ("column", 205, 29, 1, 0.5),
    ("percolating", 206, 30, 30, 0.45),
]


def components():
    cases = []
    for case, seed, height, width, p in RANDOM_MASKS:
        cases.append((case, SeededRandom(seed).unit(height * width).reshape(height, width) < np.float32(p), False))
    y, x = np.mgrid[:11, :14]
    made = {
        "checkerboard": (y + x) % 2 == 0,
        "spiral": spiral(17, 19),
        "combs": combs(12, 15),
        "diagonals": diagonals(13, 18),
        "single_pixel": np.ones((1, 1), bool),
        "lonely_pixel": np.pad(np.ones((1, 1), bool), ((2, 3), (4, 1))),
        "empty": np.zeros((6, 5), bool),
        "full": np.ones((7, 9), bool),
    }
    cases += [(name, mask, True) for name, mask in made.items()]
    for case, mask, stored in cases:
        if stored:
            save("components", case + "_mask", mask)
        for connectivity in (1, 2):
            labels = skimage.measure.label(mask, connectivity=connectivity, background=0)
            assert labels.max() < 2 ** 15
            save("components", f"{case}_c{connectivity}", labels.astype(np.int16))


# ---------------------------------------------------------------- centroid refinement

class RoundSpy:
    """Stands in for the reference module's `np` to record the float32 centroids it rounds."""

    def __init__(self):
        self.rounded = []

    def __getattr__(self, name):
        return getattr(np, name)

    def round(self, array, *args, **kwargs):
        self.rounded.append(np.array(array, copy=True))
        return np.round(array, *args, **kwargs)


def refine(displacement, iterations):
    spy = RoundSpy()
    INS.np = spy
    try:
        centroids = INS.find_centroids_with_refinement(displacement, iterations)
    finally:
        INS.np = np
    positions = np.stack(spy.rounded, 0)
    assert positions.dtype == np.float32 and positions.shape == displacement.shape
    return positions, centroids.astype(np.int32)


def handmade_field():
    """Four touching instances of two classes on an 18×23 map, plus strong background.

    Each instance pixel points at its instance centre (plus noise of ±0.4); background pixels
    point away from the image centre by about 6 pixels; two isolated background pixels have
    weak displacement, forming small clusters that no centroid needs to land in.
    """
    height, width = 18, 23
    y, x = np.mgrid[:height, :width].astype(np.float64)
    instance = np.zeros((height, width), np.int64)  # 0 background, 1..4 instances
    instance[2:10, 1:9] = 1
    instance[2:11, 9:15] = 2
    instance[10:17, 2:10] = 4
    instance[(y - 11) ** 2 + (x - 17) ** 2 <= 26] = 3
    centres = {1: (5.5, 4.5), 2: (6.0, 11.5), 3: (11.0, 17.0), 4: (13.0, 5.5)}
    noise = SeededRandom(301).symmetric((2, height, width), 0.4).astype(np.float64)
    dy = np.zeros((height, width))
    dx = np.zeros((height, width))
    for k, (cy, cx) in centres.items():
        inside = instance == k
        dy[inside] = cy - y[inside]
        dx[inside] = cx - x[inside]
    outside = instance == 0
    ry, rx = y - (height - 1) / 2, x - (width - 1) / 2
    norm = np.maximum(np.hypot(ry, rx), 1e-3)
    dy[outside] = 6 * ry[outside] / norm[outside]
    dx[outside] = 6 * rx[outside] / norm[outside]
    displacement = np.stack([dy, dx]) + noise
    for py, px in ((0, 20), (17, 21)):
        displacement[:, py, px] = (0.1, -0.2)
    classes = np.where(instance == 0, -1, np.where((instance == 1) | (instance == 2), 0, 1))
    return displacement.astype(np.float32), classes


def smooth_field(seed, height, width, scale):
    """A sum of four plane waves per component, drawn from the seed (float64, then float32)."""
    parameters = SeededRandom(seed).unit(2 * 4 * 3).astype(np.float64).reshape(2, 4, 3)
    y, x = np.mgrid[:height, :width].astype(np.float64)
    planes = []
    for component in range(2):
        plane = np.zeros((height, width))
        for fy, fx, phase in parameters[component]:
            plane += np.sin(fy * 0.7 * y + (fx - 0.5) * 0.9 * x + phase * 6.283)
        planes.append(scale * plane / 4)
    return np.stack(planes).astype(np.float32)


def halves_field(height, width):
    """±0.5 steps that park points at exact .5 positions (round half to even, both ways).

    A row pattern +0.5 on even rows, −0.5 on odd ones parks a point at even + 0.5 (rounded
    down); the opposite pattern parks it at odd + 0.5 (rounded up). The row component uses one
    pattern or the other by pairs of columns, the column component likewise by pairs of rows.
    """
    y, x = np.mgrid[:height, :width]
    dy = np.where((y + x // 2) % 2 == 0, 0.5, -0.5)
    dx = np.where((x + y // 2) % 2 == 0, 0.5, -0.5)
    return np.stack([dy, dx]).astype(np.float32)


# (case, seed, height, width, scale, iterations); displacement = symmetric([2,h,w], scale).
RANDOM_FIELDS = [
    ("random_s3", 311, 13, 11, 3.0, 300),
    ("random_s15", 312, 9, 31, 15.0, 300),
    ("random_s1_7steps", 313, 14, 10, 1.0, 7),
    ("random_one_step", 314, 6, 8, 4.0, 1),
    ("random_zero_steps", 315, 3, 4, 4.0, 0),
    ("one_pixel", 316, 1, 1, 2.0, 300),
    ("one_row", 317, 1, 7, 2.0, 300),
    ("one_column", 318, 6, 1, 2.0, 300),
]


def refinement_and_clusters():
    fields = []
    for case, seed, height, width, scale, iterations in RANDOM_FIELDS:
        fields.append((case, SeededRandom(seed).symmetric((2, height, width), scale), iterations, False))
    handmade, _ = handmade_field()
    fields += [
        ("handmade", handmade, 300, True),
        ("smooth", smooth_field(321, 19, 25, 6.0), 300, True),
        ("halves", halves_field(9, 10), 300, True),
    ]
    for case, displacement, iterations, stored in fields:
        if stored:
            save("refinement", case + "_dp", displacement)
        positions, centroids = refine(displacement, iterations)
        save("refinement", case + "_positions", positions)
        save("refinement", case + "_centroids", centroids)
        clusters = INS.cluster_centroids(centroids, displacement)
        save("clusters", case + "_onehot", clusters.astype(bool))


# ---------------------------------------------------------------- instance CAMs and detection

def box_blur(planes, times):
    for _ in range(times):
        padded = np.pad(planes, ((0, 0), (1, 1), (1, 1)), mode="edge")
        planes = sum(padded[:, dy:dy + planes.shape[1], dx:dx + planes.shape[2]]
                     for dy in range(3) for dx in range(3)) / 9
    return planes


def detection_stage(walked, keys, instances, threshold, name):
    """The reference's ins-seg step after the random walk, on already normalised maps."""
    height, width = walked.shape[1:]
    scores = torch.from_numpy(walked)
    padded = F.pad(scores, (0, 0, 0, 0, 1, 0), value=threshold)
    shape = torch.argmax(padded, 0).numpy()
    masks = PYUTILS.to_one_hot(shape, maximum_val=len(keys) * instances + 1)[1:]
    class_ids = np.repeat(np.asarray(keys, np.int64), instances)
    detected = INS.detect_instance(walked, masks, class_ids, max_fragment_size=height * width * 0.01)
    save("detection", name + "_score", detected["score"].astype(np.float32))
    save("detection", name + "_mask", detected["mask"].astype(bool))
    save("detection", name + "_class", detected["class"].astype(np.int64))


def normalised(maps):
    maps = torch.from_numpy(np.ascontiguousarray(maps, np.float32))
    return (maps / torch.max(maps)).numpy()


def instance_cams_and_detection():
    displacement, classes = handmade_field()
    height, width = displacement.shape[1:]
    noise = SeededRandom(331).unit(2 * height * width).reshape(2, height, width)
    cams = np.stack([(classes == k) * np.float32(0.9) + np.float32(0.1) * noise[k] for k in range(2)])
    cams = cams.astype(np.float32)
    save("detection", "handmade_cams", cams)
    centroids = INS.find_centroids_with_refinement(displacement)
    clusters = INS.cluster_centroids(centroids, displacement)
    instance_cams = INS.separte_score_by_mask(torch.from_numpy(cams), clusters).numpy()
    assert instance_cams.dtype == np.float32
    save("detection", "handmade_instance_cams", instance_cams)

    # A stand-in for the random walk: blurred instance CAMs plus noise, then normalised.
    flat = instance_cams.reshape(-1, height, width).astype(np.float64)
    jitter = SeededRandom(332).unit(flat.size).reshape(flat.shape).astype(np.float64)
    walked = normalised(box_blur(flat, 2) + 0.15 * jitter)
    save("detection", "handmade_walked", walked)
    detection_stage(walked, [3, 14], clusters.shape[0], 0.25, "handmade")

    # Noise-dominated maps: many fragments, several below 1% of the image.
    noisy = normalised(box_blur(SeededRandom(341).unit(6 * 13 * 17).reshape(6, 13, 17).astype(np.float64), 1))
    save("detection", "noisy_walked", noisy)
    detection_stage(noisy, [0, 7, 19], 2, 0.4, "noisy")

    # detect_instance on arbitrary, overlapping masks (some empty), scores of both signs.
    random = SeededRandom(351)
    scores = random.symmetric((5, 11, 14), 1.0)
    masks = random.unit(5 * 11 * 14).reshape(5, 11, 14) < np.float32(0.45)
    masks[2] = False
    masks[4] = True
    save("detection", "overlapping_masks", masks)
    detected = INS.detect_instance(scores, masks, np.array([4, 4, 9, 1, 2], np.int64),
                                   max_fragment_size=11 * 14 * 0.01)
    save("detection", "overlapping_score", detected["score"].astype(np.float32))
    save("detection", "overlapping_mask", detected["mask"].astype(bool))
    save("detection", "overlapping_class", detected["class"].astype(np.int64))


if __name__ == "__main__":
    components()
    refinement_and_clusters()
    instance_cams_and_detection()
