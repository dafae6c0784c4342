"""Training speed of the reference IRNet (jiwoon-ahn/irn step/train_irn.py) on PyTorch CPU, for
the train-irn rows of Docs/Benchmarks.md, beside `irn bench train-irn` (same cases, same
machine).

One step is what train_irn does per batch: AffinityDisplacementLoss.forward (frozen backbone,
both branches, the four loss maps), the label-weighted loss arithmetic, zero_grad, backward
and the PolyOptimizer step (boundary branch lr 0.1, displacement branch 1.0, weight decay
1e-4). Cases (name, backbone width, crop, batch):
  full      width 1,    512 x 512 crops, batch 2
  quarter   width 0.25, 128 x 128 crops, batch 8
Weights are random (the seeded rule of Fixtures/Generators/seeded_weights.py), images seeded
noise, labels two class rectangles and an unsure band; speed does not depend on them. Prints
the best and median wall time of --repeat steps after one warm-up, and images/s of the best.

Run from the repository root, with a checkout of the reference code:
    git --git-dir=<mirror of jiwoon-ahn/irn> archive HEAD | tar -x -C /tmp/irn-ref
    IRN_REFERENCE=/tmp/irn-ref /work/venv/bin/python Benchmarks/train_irn_reference.py [--threads 2]
"""
import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "Generators"))
import networks  # noqa: E402  (imports the reference modules from IRN_REFERENCE)
from seeded_random import SeededRandom  # noqa: E402

CASES = [("full", 1, 512, 2), ("quarter", 0.25, 128, 8)]


def labels(height, width, shift):
    out = np.zeros((height, width), np.uint8)
    out[height // 8 + 1:height // 2, width // 8 + shift + 1:width // 2] = 15
    out[height // 2 + 3:, width // 2 + 1:] = 7
    out[height // 2:height // 2 + 3, :] = 255
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.Tensor.cuda = lambda self, *a, **k: self
    nn.Module.cuda = lambda self, *a, **k: self
    root = os.environ["IRN_REFERENCE"]
    sys.path.insert(0, root)
    here = os.getcwd()
    os.chdir(root)
    try:
        from misc import indexing, torchutils
        import voc12.dataloader as dataloader
    finally:
        os.chdir(here)
    print("torch %s, %d threads, %s" % (torch.__version__, args.threads, platform.processor() or platform.machine()))

    for name, width, crop, batch in CASES:
        path_index = indexing.PathIndex(radius=10, default_size=(crop // 4, crop // 4))
        with networks.backbone_width(width):
            model = networks.IRN_MODULE.AffinityDisplacementLoss(path_index)
        networks.narrow_irn_heads(model, width)
        networks.fill(model, 3)
        labeler = dataloader.GetAffinityLabelFromIndices(path_index.src_indices, path_index.dst_indices)
        per_image = [labeler(labels(crop // 4, crop // 4, k)) for k in range(batch)]
        bg_pos, fg_pos, neg = (torch.stack([p[k] for p in per_image]) for k in range(3))
        img = torch.from_numpy(SeededRandom(9).symmetric((batch, 3, crop, crop), 2.0))
        groups = model.trainable_parameters()
        optimizer = torchutils.PolyOptimizer([
            {"params": groups[0], "lr": 0.1, "weight_decay": 1e-4},
            {"params": groups[1], "lr": 1.0, "weight_decay": 1e-4},
        ], lr=0.1, weight_decay=1e-4, max_step=1000)
        model.train()

        def step():
            pos, negative, dp_fg, dp_bg = model(img, True)
            bg = torch.sum(bg_pos * pos) / (torch.sum(bg_pos) + 1e-5)
            fg = torch.sum(fg_pos * pos) / (torch.sum(fg_pos) + 1e-5)
            pos_term = bg / 2 + fg / 2
            neg_term = torch.sum(neg * negative) / (torch.sum(neg) + 1e-5)
            fg_term = torch.sum(dp_fg * torch.unsqueeze(fg_pos, 1)) / (2 * torch.sum(fg_pos) + 1e-5)
            bg_term = torch.sum(dp_bg * torch.unsqueeze(bg_pos, 1)) / (2 * torch.sum(bg_pos) + 1e-5)
            total = (pos_term + neg_term) / 2 + (fg_term + bg_term) / 2
            optimizer.zero_grad()
            total.backward()
            optimizer.step()

        step()
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            step()
            runs.append(time.perf_counter() - start)
        best = min(runs)
        print("%-8s width %-4s %dx3x%dx%d  best %8.1f ms  median %8.1f ms  %6.2f img/s"
              % (name, width, batch, crop, crop, best * 1e3, statistics.median(runs) * 1e3, batch / best))


if __name__ == "__main__":
    main()
