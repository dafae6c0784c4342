"""Times the memory-bound stages and the image decoders of this package next to the reference
implementations, in one session on one machine, and prints a Markdown table with ratios.

  irn bench pamr   vs  PAMR of visinf/1-stage-wseg (models/mods/pamr.py), PyTorch CPU, 2 threads
  irn bench crf    vs  pydensecrf (PyPI pydensecrf2), the IRN relation-mining parameters
  irn bench decode vs  Pillow (Image.open + load) on the same PNG and JPEG files
  irn bench walk   vs  the reference's dense propagate_to_edge (only with --dense-walk: it
                       takes about 20 minutes and 2.7 GB on a 2-core machine)

PAMR and the CRF run on rows 0..374, columns 50..549 of ../shared/testdata/photos/coffee.png
(375×500, a VOC-sized image) with 21 classes; the CRF labels follow StageBench.crfBenchLabels.
Run from the repository root after `swift build -c release`:
    PAMR_REFERENCE=/path/to/1-stage-wseg [IRN_REFERENCE=/path/to/irn] \
        venv/bin/python Benchmarks/compare_stages.py [--repeats 3] [--dense-walk]
Needs torch, numpy, pillow, pydensecrf2 in the venv.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTDATA = os.path.join(ROOT, "..", "shared", "testdata")
IRN = os.path.join(ROOT, ".build", "release", "irn")
DILATIONS = [1, 2, 4, 8, 12, 24]


def best_of(repeats, body):
    body()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def irn_bench(subject, *arguments):
    output = subprocess.run([IRN, "bench", subject, "--json", *arguments], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output)


def bench_photo():
    photo = np.asarray(Image.open(os.path.join(TESTDATA, "photos", "coffee.png")).convert("RGB"))
    crop = np.ascontiguousarray(photo[0:375, 50:550])
    path = "/tmp/irn-bench-coffee-375x500.png"
    Image.fromarray(crop).save(path)
    return crop, path


def reference_pamr(image, repeats):
    root = os.environ.get("PAMR_REFERENCE")
    if not root:
        return None
    spec = importlib.util.spec_from_file_location("pamr", os.path.join(root, "models", "mods", "pamr.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pamr = module.PAMR(num_iter=10, dilations=DILATIONS)
    x = torch.from_numpy(image.astype(np.float32) / 255).permute(2, 0, 1)[None].contiguous()
    mask = torch.softmax(torch.rand(1, 21, 94, 125), dim=1)
    with torch.no_grad():
        return best_of(repeats, lambda: pamr(x, mask))


def reference_crf(image, repeats):
    import pydensecrf.densecrf as dcrf
    from pydensecrf.utils import unary_from_labels
    h, w = image.shape[:2]
    rgb = image.astype(np.int64)
    labels = ((rgb[..., 0] + 3 * rgb[..., 1] + 7 * rgb[..., 2]) // 16) % 21

    def run():
        d = dcrf.DenseCRF2D(w, h, 21)
        d.setUnaryEnergy(unary_from_labels(labels, 21, gt_prob=0.7, zero_unsure=False))
        d.addPairwiseGaussian(sxy=3, compat=3)
        d.addPairwiseBilateral(sxy=50, srgb=5, rgbim=np.ascontiguousarray(image), compat=10)
        np.argmax(np.array(d.inference(10)).reshape((21, h, w)), axis=0)
    return best_of(repeats, run)


def reference_decode(path, repeats):
    def run():
        with Image.open(path) as im:
            im.load()
    return best_of(repeats, run)


def reference_walk():
    root = os.environ.get("IRN_REFERENCE")
    if not root:
        return None
    sys.path.insert(0, root)
    torch.Tensor.cuda = lambda self, *a, **k: self
    from misc import indexing
    edge = torch.rand(1, 94, 125)
    cams = torch.rand(21, 94, 125)
    start = time.perf_counter()
    with torch.no_grad():
        indexing.propagate_to_edge(cams, edge, beta=10, exp_times=8, radius=5)
    return (time.perf_counter() - start) * 1e3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dense-walk", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    image, photo_path = bench_photo()
    files = [os.path.join(TESTDATA, "photos", "coffee.png"), os.path.join(TESTDATA, "photos", "astronaut.png"),
             os.path.join(TESTDATA, "jpeg", "astronaut_q95_420_base.jpg"),
             os.path.join(TESTDATA, "jpeg", "astronaut_q95_420_prog.jpg"),
             os.path.join(TESTDATA, "jpeg", "coffee_q50_444_base.jpg")]
    files = [f for f in files if os.path.exists(f)]
    rows = []
    ours = irn_bench("pamr", "--image", photo_path, "--repeat", str(args.repeats))
    rows.append(("PAMR, 21 classes, 375×500, 10 iterations", ours["results"][0]["ms"],
                 reference_pamr(image, max(1, args.repeats // 3)), "PyTorch PAMR (1-stage-wseg)"))
    ours = irn_bench("crf", "--image", photo_path, "--repeat", str(args.repeats))
    rows.append(("dense CRF, 21 labels, 375×500, IRN preset", ours["results"][0]["ms"],
                 reference_crf(image, args.repeats), "pydensecrf"))
    ours = irn_bench("decode", "--files", ",".join(files), "--repeat", str(10 * args.repeats))
    for path, result in zip(files, ours["results"]):
        rows.append((f"decode {os.path.basename(path)} ({result['shape']})", result["ms"],
                     reference_decode(path, 10 * args.repeats), "Pillow"))
    ours = irn_bench("walk", "--repeat", str(args.repeats))
    rows.append(("random walk, 21×94×125, 2^8 steps (" + ours["results"][0]["name"].split(", ")[-1] + ")",
                 ours["results"][0]["ms"], reference_walk() if args.dense_walk else None,
                 "dense propagate_to_edge"))
    print(f"machine: {ours['cpu']}, {ours['processors']} processors, {ours['build']}, commit {ours['commit']}")
    print()
    print("| stage | this package (ms) | reference (ms) | reference | speed-up |")
    print("|---|---:|---:|---|---:|")
    for name, mine, theirs, who in rows:
        ratio = f"{theirs / mine:.1f}×" if theirs else "—"
        theirs_text = f"{theirs:.1f}" if theirs else "not run"
        print(f"| {name} | {mine:.1f} | {theirs_text} | {who} | {ratio} |")


if __name__ == "__main__":
    main()
