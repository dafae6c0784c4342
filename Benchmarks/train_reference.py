"""Training-step time of the reference CAM network (jiwoon-ahn/irn step/train_cam.py) on PyTorch
CPU, for the train-cam rows of Docs/Benchmarks.md, beside `irn bench train-cam` (same shapes,
same machine).

One step = resnet50_cam.Net forward (stage-2 output detached), F.multilabel_soft_margin_loss,
zero_grad, backward, PolyOptimizer.step (lr 0.1 / 1.0, weight decay 1e-4), as train_cam.py runs
it, with torch.set_num_threads(--threads) (default 2). Cases: full width on --batch x 3 x 512 x 512
crops, and width 0.25 on --batch x 3 x 128 x 128. Weights are random (the seeded rule of
Fixtures/Generators/seeded_weights.py); speed does not depend on them. Each figure is the best
and the median wall time of --repeat steps after one warm-up, as images per second.

Run from the repository root, with a checkout of the reference code:
    git --git-dir=<mirror of jiwoon-ahn/irn> archive HEAD | tar -x -C /tmp/irn-ref
    IRN_REFERENCE=/path/to/irn /path/to/python Benchmarks/train_reference.py [--threads 2] [--batch 4]
"""
import argparse
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "Generators"))
import networks  # noqa: E402  (imports the reference modules from IRN_REFERENCE)
from misc import torchutils  # noqa: E402  (from the reference checkout, on the path now)


def net(width):
    with networks.backbone_width(width):
        model = networks.CAM_MODULE.Net()
    if width != 1:
        model.classifier = nn.Conv2d(networks.level_channels(width)[4], 20, 1, bias=False)
        model.newly_added = nn.ModuleList([model.classifier])
    return networks.fill(model, 1)


def step_time(width, crop, batch, repeat):
    model = net(width)
    groups = model.trainable_parameters()
    optimizer = torchutils.PolyOptimizer([
        {"params": groups[0], "lr": 0.1, "weight_decay": 1e-4},
        {"params": groups[1], "lr": 1.0, "weight_decay": 1e-4},
    ], lr=0.1, weight_decay=1e-4, max_step=1000000)
    model.train()
    images = torch.randn(batch, 3, crop, crop)
    labels = torch.zeros(batch, 20)
    for n in range(batch):
        labels[n, (n * 7) % 20] = 1

    def step():
        loss = F.multilabel_soft_margin_loss(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    step()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        runs.append(time.perf_counter() - start)
    return min(runs), statistics.median(runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print("PyTorch %s, %s, %d threads, batch %d" % (torch.__version__, platform.processor() or platform.machine(),
                                                     args.threads, args.batch))
    for label, width, crop in (("full width", 1, 512), ("width 0.25", 0.25, 128)):
        best, median = step_time(width, crop, args.batch, args.repeat)
        print("train-cam step, %-10s %dx3x%dx%d  best %8.1f ms (%.2f img/s)  median %8.1f ms (%.2f img/s)"
              % (label, args.batch, crop, crop, best * 1e3, args.batch / best, median * 1e3, args.batch / median))


if __name__ == "__main__":
    main()
