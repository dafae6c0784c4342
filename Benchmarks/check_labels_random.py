"""Randomised check of `irn sem-seg` and `irn ins-seg` against the reference's label steps.

Each seed draws a scene of stage files: an image of 1...169 pixels a side, 1...5 classes, CAMs
(smooth, sparse, a single blob, all zero, thresholded), a boundary map (smooth, uniform noise,
zero, sparse ones) and a displacement field (smooth, zero, pointing at 1...5 centres, noise up to
a scale of 100 stride-4 pixels); half the seeds also draw the reference's --beta (1...40),
--exp_times (0...10) and background threshold (0.05...0.9), passed to both sides as the same
options. The release binary labels the files; the reference's functions
(jiwoon-ahn/irn: propagate_to_edge, find_centroids_with_refinement, cluster_centroids,
separte_score_by_mask, detect_instance, with run_sample.py's settings; called through
Fixtures/Generators/reference_labels.py, as for the label fixtures) label the same arrays.
Printed per seed: OK, or what differs, with the largest gap between the two best reference
scores at the differing pixels (a gap near 1e-6 is a float32 near-tie, not a defect). Run from the repository root after `swift build -c release`:
    IRN_REFERENCE=/path/to/irn venv/bin/python Benchmarks/check_labels_random.py [FIRST_SEED] [COUNT]
Needs NumPy, SciPy, scikit-image, Pillow and PyTorch (CPU).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image
from scipy import ndimage

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Fixtures", "Generators"))
from reference_labels import instances as reference_instances  # noqa: E402  (loads IRN_REFERENCE)
from reference_labels import semantic as reference_semantic  # noqa: E402

IRN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".build", "release", "irn")


def smooth(rng, shape, sigma):
    return ndimage.gaussian_filter(rng.random(shape), sigma)


def unit_range(a):
    a = a - a.min()
    return a / (a.max() + 1e-12)


def random_cam(rng, h4, w4):
    kind = rng.integers(0, 5)
    if kind == 0:
        c = unit_range(smooth(rng, (h4, w4), rng.uniform(0.5, 3))) ** rng.uniform(1, 4)
    elif kind == 1:
        c = rng.random((h4, w4)) * (rng.random((h4, w4)) < 0.3)
    elif kind == 2:
        cy, cx, r = rng.uniform(0, h4), rng.uniform(0, w4), rng.uniform(1, max(2, max(h4, w4) / 2))
        yy, xx = np.mgrid[0:h4, 0:w4]
        c = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
    elif kind == 3:
        c = np.zeros((h4, w4))
    else:
        c = np.maximum(smooth(rng, (h4, w4), 2) - 0.5, 0)
    c = c.astype(np.float32)
    return c / (c.max() + 1e-5)  # make_cam's normalisation


def random_scene(rng):
    height, width = (rng.integers(1, 14, 2) if rng.integers(0, 4) == 0 else rng.integers(14, 170, 2)).tolist()
    h4, w4 = (height - 1) // 4 + 1, (width - 1) // 4 + 1
    keys = np.sort(rng.choice(20, int(rng.integers(1, 6)), replace=False)).astype(np.int64)
    cam = np.stack([random_cam(rng, h4, w4) for _ in keys]).astype(np.float32)
    if cam.max() == 0:
        cam[0, 0, 0] = 0.5  # all-zero CAMs are the "blank" fixture's case
    kind = rng.integers(0, 4)
    if kind == 0:
        edge = unit_range(smooth(rng, (h4, w4), rng.uniform(0.5, 2))) ** rng.uniform(1, 4)
    elif kind == 1:
        edge = rng.random((h4, w4))
    elif kind == 2:
        edge = np.zeros((h4, w4))
    else:
        edge = (rng.random((h4, w4)) < 0.2).astype(np.float64)
    kind = rng.integers(0, 4)
    if kind == 0:
        dp = np.stack([ndimage.gaussian_filter(rng.normal(0, rng.choice([1, 5, 30]), (h4, w4)), 2) for _ in range(2)])
    elif kind == 1:
        dp = np.zeros((2, h4, w4))
    elif kind == 2:
        count = int(rng.integers(1, 6))
        centres = np.stack([rng.uniform(0, h4, count), rng.uniform(0, w4, count)], 1)
        yy, xx = np.mgrid[0:h4, 0:w4].astype(np.float64)
        owner = ((yy[None] - centres[:, 0, None, None]) ** 2 + (xx[None] - centres[:, 1, None, None]) ** 2).argmin(0)
        dp = np.stack([centres[owner, 0] - yy, centres[owner, 1] - xx]) + rng.normal(0, 0.5, (2, h4, w4))
    else:
        dp = rng.normal(0, rng.choice([0.5, 3, 100]), (2, h4, w4))
    return keys, cam, edge.astype(np.float32), dp.astype(np.float32), (height, width)


def random_settings(rng):
    # Half the scenes use run_sample.py's defaults; the others the reference's options drawn at
    # random (its code fixes the radius at 5).
    if rng.integers(0, 2) == 0:
        return {"beta": 10, "exp_times": 8, "background": 0.25}
    return {"beta": float(rng.choice([1, 2.5, 5, 10, 20, 40])), "exp_times": int(rng.integers(0, 11)),
            "background": float(rng.choice([0.05, 0.15, 0.25, 0.4, 0.6, 0.9]))}


def ours(folder, keys, cam, edge, dp, size, settings):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    cam_path, boundary_path = os.path.join(folder, "x_cam.npz"), os.path.join(folder, "x_boundary.npz")
    np.savez(cam_path, keys=keys, cam=cam, size=np.array(size, np.int64))
    np.savez(boundary_path, edge=edge, dp=dp)
    out = os.path.join(folder, "out")
    for command in ["sem-seg", "ins-seg"]:
        options = ["--beta", str(settings["beta"]), "--exp-times", str(settings["exp_times"]),
                   "--bg-threshold", str(settings["background"])]
        done = subprocess.run([IRN, command, "--cam", cam_path, "--boundary", boundary_path, "--out", out] + options,
                              capture_output=True, text=True)
        if done.returncode != 0:
            return None, None, done.stderr.strip()
    semantic = np.array(Image.open(os.path.join(out, "sem_seg", "x_cam.png")))
    stored = np.load(os.path.join(out, "ins_seg", "x_cam.npz"))
    return semantic, {name: stored[name] for name in ["score", "mask", "class"]}, None


def top_two_gap(scores, where):
    ordered = np.sort(scores, 0)
    return float((ordered[-1] - ordered[-2])[where].max())


def main():
    first = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    folder = tempfile.mkdtemp(prefix="irn-labels-random-")
    failures = 0
    for seed in range(first, first + count):
        rng = np.random.default_rng(seed)
        keys, cam, edge, dp, size = random_scene(rng)
        settings = random_settings(rng)
        expected_semantic, semantic_scores = reference_semantic(keys, cam, edge, size, **settings)
        expected, _, instance_scores = reference_instances(keys, cam, edge, dp, size, **settings)
        semantic, found, error = ours(folder, keys, cam, edge, dp, size, settings)
        notes = []
        if error:
            notes.append("irn failed: " + error)
        else:
            differ = semantic != expected_semantic
            if differ.any():
                notes.append("sem-seg: %d pixels differ (top-two gap %.1e)" % (differ.sum(), top_two_gap(semantic_scores, differ)))
            if len(found["score"]) != len(expected["score"]):
                notes.append("ins-seg: %d instances, reference %d" % (len(found["score"]), len(expected["score"])))
            else:
                if not np.array_equal(found["class"], expected["class"]):
                    notes.append("ins-seg: classes %s, reference %s" % (found["class"], expected["class"]))
                differ = found["mask"].astype(bool) != expected["mask"].astype(bool)
                if differ.any():
                    notes.append("ins-seg: %d mask pixels differ (top-two gap %.1e)"
                                 % (differ.sum(), top_two_gap(instance_scores, differ.any(0))))
                if len(found["score"]):
                    worst = float(np.abs(found["score"] - expected["score"].astype(np.float32)).max())
                    if worst > 1e-3:
                        notes.append("ins-seg: score differs by %.3g" % worst)
        failures += bool(notes)
        print("seed %d: %dx%d, %d classes, beta %g, exp-times %d, background %g, %d instances: %s"
              % (seed, size[0], size[1], len(keys), settings["beta"], settings["exp_times"], settings["background"],
                 len(expected["score"]), "; ".join(notes) or "OK"), flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    print("%d of %d scenes differ" % (failures, count))


main()
