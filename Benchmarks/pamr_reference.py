"""Times PAMR on a 375×500 photograph with K = 21 masks (10 iterations, dilations 1, 2, 4, 8,
12, 24): the reference PyTorch module of visinf/1-stage-wseg (models/mods/pamr.py) on the CPU
with torch.set_num_threads(2), then this package's release build on the same inputs, and
checks that both give the same masks.

Inputs: rows 0..374, columns 50..549 of ../shared/testdata/photos/coffee.png, normalised as the
reference's training step feeds PAMR (x / 255, ImageNet normalise, denorm; float32), and a
stride-4 mask [1, 21, 94, 125] = softmax of SeededRandom(7001).symmetric(shape, 4) over the
classes. They, and the reference output, are written to PAMR_BENCH_DIR (default
/tmp/pamr-bench) as .npy files; Tests/PropagationTests/PAMRBenchmarkTests.swift reads them,
times `PAMR().affinities` and `PAMR().refine`, and compares the result with the reference.

Run from the repository root:
    PAMR_REFERENCE=/path/to/1-stage-wseg /path/to/venv/bin/python Benchmarks/pamr_reference.py
Options: --repeats N (timed runs per side, default 3), --no-swift (time the reference only).
The Swift side is built with `swift build -c release --build-tests -Xswiftc -enable-testing` (scratch path
.build-bench unless SWIFT_SCRATCH is set) and run with `swift test -c release --skip-build`.
"""
import argparse
import importlib.util
import os
import platform
import re
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Fixtures", "Generators"))
from seeded_random import SeededRandom  # noqa: E402

PHOTO = os.path.join(ROOT, "..", "shared", "testdata", "photos", "coffee.png")
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
DILATIONS = [1, 2, 4, 8, 12, 24]


def load_reference():
    root = os.environ.get("PAMR_REFERENCE")
    if not root:
        raise SystemExit("set PAMR_REFERENCE to the root of a visinf/1-stage-wseg checkout")
    spec = importlib.util.spec_from_file_location(
        "reference_pamr", os.path.join(root, "models", "mods", "pamr.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inputs():
    photo = np.asarray(Image.open(PHOTO).convert("RGB"))[0:375, 50:550]
    x = torch.from_numpy(np.ascontiguousarray(photo)).permute(2, 0, 1).contiguous()
    x = x.to(torch.float32).div(255)
    mean = torch.as_tensor(MEAN, dtype=torch.float32)[:, None, None]
    std = torch.as_tensor(STD, dtype=torch.float32)[:, None, None]
    x = x.sub(mean).div(std)
    for channel, (m, s) in enumerate(zip(MEAN, STD)):
        x[channel].mul_(s).add_(m)
    logits = torch.from_numpy(SeededRandom(7001).symmetric((1, 21, 94, 125), 4.0))
    return x[None].contiguous(), F.softmax(logits, dim=1).contiguous()


def time_reference(module, image, mask, repeats):
    pamr = module.PAMR(10, DILATIONS)
    with torch.no_grad():
        out = pamr(image, mask)  # warm-up
        times, cpu_times = [], []
        for _ in range(repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            out = pamr(image, mask)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
    return out, times, cpu_times


def run_swift(bench_dir):
    scratch = os.environ.get("SWIFT_SCRATCH", ".build-bench")
    env = dict(os.environ, PAMR_BENCH_DIR=bench_dir)
    # irnTests imports its module with @testable, so the release test build needs -enable-testing.
    subprocess.run(["swift", "build", "-c", "release", "--build-tests", "-Xswiftc", "-enable-testing",
                    "--scratch-path", scratch],
                   cwd=ROOT, check=True)
    result = subprocess.run(["swift", "test", "-c", "release", "--skip-build", "--scratch-path",
                             scratch, "--filter", "PAMRBenchmarkTests"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "PAMR bench" in line]
    for line in lines:
        print(line)
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:])
        raise SystemExit("the Swift benchmark failed")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-swift", action="store_true")
    args = parser.parse_args()

    torch.set_num_threads(2)
    bench_dir = os.environ.get("PAMR_BENCH_DIR", "/tmp/pamr-bench")
    os.makedirs(bench_dir, exist_ok=True)
    module = load_reference()
    image, mask = inputs()
    out, times, cpu_times = time_reference(module, image, mask, args.repeats)
    for name, array in (("image", image), ("mask", mask), ("expected", out)):
        np.save(os.path.join(bench_dir, name + ".npy"), array.numpy())
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"PAMR reference (PyTorch CPU): image {tuple(image.shape)}, mask {tuple(mask.shape)}, "
          f"10 iterations, dilations {DILATIONS}")
    print("PAMR reference: wall " + ", ".join(f"{t * 1000:.0f} ms" for t in times)
          + f" (median {np.median(times) * 1000:.0f} ms wall, "
          f"{np.median(cpu_times) * 1000:.0f} ms CPU)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) before the Swift run: {load:.1f}")
    if not args.no_swift:
        run_swift(bench_dir)


if __name__ == "__main__":
    main()
