"""Forward-pass time of the reference networks (jiwoon-ahn/irn) on PyTorch CPU, for the
network rows of Docs/Benchmarks.md, beside `irn bench networks` (same sizes, same machine).

Times, with torch.set_num_threads(--threads) (default 2) and no autograd:
  cam   CAM.forward on a [image, flipped image] batch of 2 x 3 x 375 x 500
        (one scale of the multi-scale CAM step, VOC's most common image size)
  irn   EdgeDisplacement.forward on a 2 x 3 x 375 x 500 pair, padded inside to 512 x 512
Weights are random (the seeded rule of Fixtures/Generators/seeded_weights.py); speed does not
depend on them. Each figure is the best and the median wall time of --repeat runs after one
warm-up, and the median CPU time of all threads.

Run from the repository root, with a checkout of the reference code:
    git --git-dir=<mirror of jiwoon-ahn/irn> archive HEAD | tar -x -C /tmp/irn-ref
    IRN_REFERENCE=/path/to/irn /path/to/python Benchmarks/networks_reference.py [--threads 2]
"""
import argparse
import os
import platform
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "Generators"))
import networks  # noqa: E402  (imports the reference modules from IRN_REFERENCE)


def timings(repeat, body):
    """Best and median wall time, and the median CPU time of all threads (less sensitive to
    other processes on a shared machine)."""
    body()
    runs, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        body()
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(runs), statistics.median(runs), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    cam = networks.cam_network(1)
    irn = networks.irn_network(1, crop_size=512)
    pair = networks.pair(1, 375, 500)
    print("# reference networks, torch %s, %d threads, %s, %s" % (
        torch.__version__, args.threads, platform.processor() or platform.machine(), platform.node()))
    with torch.no_grad():
        for name, body in (("cam 2x3x375x500", lambda: cam(pair)),
                           ("irn EdgeDisplacement 2x3x375x500 -> 512x512", lambda: irn(pair))):
            best, median, cpu = timings(args.repeat, body)
            print("%-46s best %8.1f ms   median %8.1f ms   cpu %8.1f ms" % (name, best * 1e3, median * 1e3, cpu * 1e3))


if __name__ == "__main__":
    main()
