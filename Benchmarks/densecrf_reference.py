"""Times pydensecrf with IRNet's relation-mining call (misc/imutils.py crf_inference_label:
gt_prob 0.7, zero_unsure False, Gaussian sxy 3 compat 3, bilateral sxy 50 srgb 5 compat 10,
10 iterations) on a 375x500 image with 21 labels, and optionally the Swift DenseCRF on the same
input in the same run.

Input: ../shared/testdata/photos/coffee.png resized to 500x375 (Pillow bilinear); labels from 20
CAM-like maps of random Gaussian blobs (NumPy seed 21) padded with a constant 0.30 background and
argmaxed, as the reference's cam_to_ir_label step makes them.

Run from the repository root (NumPy, Pillow, pydensecrf from PyPI "pydensecrf2"):
    python3 Benchmarks/densecrf_reference.py --save /tmp/densecrf_bench [--repeat 3]
        [--swift [--scratch-path .build-bench]]   then also runs DenseCRFBenchmarkTests in a
                    release build (swift test -c release) on the saved input
The Swift test reads IRN_DENSECRF_BENCH=<save dir>, times DenseCRF on the same image and labels,
and checks its labels against pydensecrf's.
"""
import argparse
import os
import resource
import subprocess
import sys
import time

import numpy as np
from PIL import Image
import pydensecrf.densecrf as dcrf
from pydensecrf.utils import unary_from_labels

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..")
parser = argparse.ArgumentParser()
parser.add_argument("--photos", default=os.path.join(root, "..", "shared", "testdata", "photos"))
parser.add_argument("--save", default="/tmp/densecrf_bench")
parser.add_argument("--repeat", type=int, default=3)
parser.add_argument("--swift", action="store_true")
parser.add_argument("--scratch-path", default=".build-bench")
args = parser.parse_args()

h, w, n_labels = 375, 500, 21
img = np.asarray(Image.open(os.path.join(args.photos, "coffee.png")).convert("RGB").resize((w, h), Image.BILINEAR))
img = np.ascontiguousarray(img)
rng = np.random.default_rng(21)
yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
cams = np.zeros((n_labels - 1, h, w))
for c in range(n_labels - 1):
    for _ in range(2):
        cy, cx, s = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(0.05, 0.15) * h
        cams[c] += rng.uniform(0.5, 1) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
    cams[c] /= cams[c].max() + 1e-5
labels = np.argmax(np.pad(cams, ((1, 0), (0, 0), (0, 0)), mode="constant", constant_values=0.30), axis=0)


def crf_inference_label(img, labels, t=10, n_labels=21, gt_prob=0.7):
    d = dcrf.DenseCRF2D(img.shape[1], img.shape[0], n_labels)
    d.setUnaryEnergy(unary_from_labels(labels, n_labels, gt_prob=gt_prob, zero_unsure=False))
    d.addPairwiseGaussian(sxy=3, compat=3)
    d.addPairwiseBilateral(sxy=50, srgb=5, rgbim=np.ascontiguousarray(np.copy(img)), compat=10)
    q = np.array(d.inference(t)).reshape((n_labels, img.shape[0], img.shape[1]))
    return q


times = []
for _ in range(args.repeat):
    cpu = time.process_time()
    start = time.perf_counter()
    q = crf_inference_label(img, labels, n_labels=n_labels)
    times.append((time.perf_counter() - start, time.process_time() - cpu))
best = min(times)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pydensecrf crf_inference_label {h}x{w}, {n_labels} labels, 10 iterations: "
      f"best of {args.repeat} {best[0] * 1000:.0f} ms (CPU {best[1] * 1000:.0f} ms; all: "
      f"{', '.join(f'{t * 1000:.0f}' for t, _ in times)} ms); peak RSS {peak:.0f} MB")

os.makedirs(args.save, exist_ok=True)
np.save(os.path.join(args.save, "image.npy"), img)
np.save(os.path.join(args.save, "labels.npy"), labels.astype(np.uint8))
np.save(os.path.join(args.save, "map.npy"), np.argmax(q, axis=0).astype(np.uint8))
np.save(os.path.join(args.save, "probabilities.npy"), q.astype(np.float32))
print(f"input and pydensecrf's output saved in {args.save}; labels in use: {len(np.unique(labels))}")

if args.swift:
    env = dict(os.environ, IRN_DENSECRF_BENCH=os.path.abspath(args.save))
    command = ["swift", "test", "-c", "release", "--scratch-path", args.scratch_path,
               "--filter", "DenseCRFBenchmarkTests"]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    for line in (result.stdout + result.stderr).splitlines():
        if "DenseCRF" in line or "error" in line:
            print(line)
    sys.exit(result.returncode)
