"""Golden outputs of conv2d, batch-norm folding and matmul from PyTorch, for
Tests/TensorsTests/ConvGoldenTests.swift.

Inputs, weights and statistics are drawn from SeededRandom (seeded_random.py, the twin of
Sources/Tensors/SeededRandom.swift) in the order listed per case, so only the outputs are
written: Fixtures/conv_ops/<case>.npy (float32, a few KB each).
Run: /path/to/python Fixtures/Generators/conv_ops.py   (needs torch and numpy)
"""
import os
import numpy as np
import torch
import torch.nn.functional as F
from seeded_random import SeededRandom

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conv_ops")

# name, seed, input shape [N, C, H, W], weight shape [Cout, Cin, kh, kw], bias?, stride,
# padding, dilation. Draw order: input (scale 1), weight (scale 0.2), bias (scale 0.1).
CONV_CASES = [
    ("conv_stem_7x7s2", 101, (2, 3, 23, 21), (8, 3, 7, 7), True, (2, 2), (3, 3), (1, 1)),
    ("conv_3x3s2", 102, (1, 16, 17, 19), (12, 16, 3, 3), True, (2, 2), (1, 1), (1, 1)),
    ("conv_3x3_dilated", 103, (2, 8, 13, 11), (10, 8, 3, 3), True, (1, 1), (2, 2), (2, 2)),
    ("conv_1x1", 104, (1, 32, 9, 9), (24, 32, 1, 1), False, (1, 1), (0, 0), (1, 1)),
    ("conv_1x1s2", 105, (2, 12, 15, 15), (20, 12, 1, 1), True, (2, 2), (0, 0), (1, 1)),
    ("conv_asymmetric", 106, (1, 5, 14, 18), (7, 5, 3, 5), True, (1, 2), (1, 2), (2, 1)),
    ("conv_3x3_deep", 107, (1, 40, 10, 12), (20, 40, 3, 3), True, (1, 1), (1, 1), (1, 1)),
]


def conv_case(seed, x_shape, w_shape, has_bias):
    rng = SeededRandom(seed)
    x = rng.symmetric(x_shape, 1.0)
    w = rng.symmetric(w_shape, 0.2)
    b = rng.symmetric((w_shape[0],), 0.1) if has_bias else None
    return x, w, b


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    for name, seed, x_shape, w_shape, has_bias, stride, padding, dilation in CONV_CASES:
        x, w, b = conv_case(seed, x_shape, w_shape, has_bias)
        y = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                     stride=stride, padding=padding, dilation=dilation)
        np.save(os.path.join(OUT, name + ".npy"), y.numpy().astype(np.float32))

    # Batch norm (eval mode, eps 1e-5) after a 3x3 conv with bias, then ReLU.
    # Draw order: input, weight, bias, gamma, beta, mean (scale 0.5), variance = unit * 2 + 0.1.
    rng = SeededRandom(201)
    x = rng.symmetric((2, 6, 11, 13), 1.0)
    w = rng.symmetric((9, 6, 3, 3), 0.2)
    b = rng.symmetric((9,), 0.1)
    gamma = rng.symmetric((9,), 1.0) + np.float32(1.0)
    beta = rng.symmetric((9,), 0.5)
    mean = rng.symmetric((9,), 0.5)
    var = rng.unit(9) * np.float32(2.0) + np.float32(0.1)
    y = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride=1, padding=1)
    y = F.batch_norm(y, torch.from_numpy(mean), torch.from_numpy(var), torch.from_numpy(gamma),
                     torch.from_numpy(beta), training=False, eps=1e-5)
    np.save(os.path.join(OUT, "batchnorm_folding.npy"), y.numpy().astype(np.float32))
    np.save(os.path.join(OUT, "batchnorm_folding_relu.npy"), F.relu(y).numpy().astype(np.float32))

    # matmul [37, 53] x [53, 29]. Draw order: a, b (scale 1).
    rng = SeededRandom(301)
    a = rng.symmetric((37, 53), 1.0)
    bm = rng.symmetric((53, 29), 1.0)
    np.save(os.path.join(OUT, "matmul.npy"), (torch.from_numpy(a) @ torch.from_numpy(bm)).numpy())


if __name__ == "__main__":
    main()
