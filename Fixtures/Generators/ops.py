"""Golden outputs of the non-GEMM tensor operations, computed by PyTorch (CPU, float32).

Writes Fixtures/ops/<op>/<case>.npy. Only outputs are stored: every input is rebuilt by the Swift
tests from the same seed with SeededRandom (seeded_random.py here, bit-identical to
Sources/Tensors/SeededRandom.swift), so each case below and its twin in
Tests/TensorsTests/<Op>Tests.swift must list the same seed, shape and scale.

Run from the repository root:
    /path/to/venv/bin/python Fixtures/Generators/ops.py
(needs torch and numpy; see Fixtures/README.md, "Regenerating goldens").
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

from seeded_random import SeededRandom

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ops")
torch.set_num_threads(1)


def rand(seed, shape, scale):
    return SeededRandom(seed).symmetric(shape, scale)


def save(op, case, array):
    folder = os.path.join(OUT, op)
    os.makedirs(folder, exist_ok=True)
    array = np.ascontiguousarray(array)
    assert array.dtype in (np.float32, np.float64), array.dtype
    np.save(os.path.join(folder, f"{case}.npy"), array)


def t(array):
    return torch.from_numpy(np.ascontiguousarray(array))


# Group norm: (case, seed, shape, groups, input scale, affine). Weight and bias are drawn
# after the input from the same generator: weight = 1 + U(-0.5, 0.5), bias = U(-1, 1).
GROUP_NORM = [
    ("g4", 101, (2, 32, 3, 5), 4, 2.0, True),
    ("g8", 102, (2, 32, 3, 5), 8, 2.0, True),
    ("g16", 103, (1, 32, 4, 3), 16, 2.0, True),
    ("odd_g4", 104, (1, 12, 7, 1), 4, 3.0, True),
    ("single_element_groups", 105, (2, 8, 1, 1), 8, 1.0, True),
    ("offset_large_values", 106, (1, 16, 5, 9), 4, 1000.0, True),
    ("no_affine", 107, (2, 6, 5, 3), 3, 2.0, False),
    ("rank3", 108, (2, 8, 11), 2, 2.0, True),
]


def group_norm():
    for case, seed, shape, groups, scale, affine in GROUP_NORM:
        random = SeededRandom(seed)
        x = random.symmetric(shape, scale)
        if case == "offset_large_values":
            x = (x + np.float32(5000)).astype(np.float32)
        channels = shape[1]
        weight = bias = None
        if affine:
            weight = t(random.symmetric((channels,), 0.5) + np.float32(1))
            bias = t(random.symmetric((channels,), 1.0))
        save("group_norm", case, F.group_norm(t(x), groups, weight, bias, eps=1e-5).numpy())


# Activations: random values at two scales plus a fixed list of extremes.
EXTREMES = np.array([-1000, -100, -88.5, -30, -17, -1, -1e-3, -0.0, 0.0, 1e-3, 1, 17, 30, 88.5,
                     100, 1000, float("inf"), float("-inf")], dtype=np.float32)


def activations():
    for case, seed, shape, scale in [("small", 201, (2, 3, 5, 7), 4.0), ("large", 202, (3, 41), 120.0)]:
        x = t(rand(seed, shape, scale))
        save("activations", f"relu_{case}", torch.relu(x).numpy())
        save("activations", f"sigmoid_{case}", torch.sigmoid(x).numpy())
    save("activations", "relu_extremes", torch.relu(t(EXTREMES)).numpy())
    save("activations", "sigmoid_extremes", torch.sigmoid(t(EXTREMES)).numpy())


# Elementwise: a = rand(301, shape, 3), b = rand(302, shape, 3); scalars 0.37 and -1.75.
def elementwise():
    shape = (2, 3, 5, 7)
    a, b = t(rand(301, shape, 3.0)), t(rand(302, shape, 3.0))
    save("elementwise", "add", (a + b).numpy())
    save("elementwise", "sub", (a - b).numpy())
    save("elementwise", "mul", (a * b).numpy())
    save("elementwise", "add_scalar", (a + 0.37).numpy())
    save("elementwise", "sub_scalar", (a - 0.37).numpy())
    save("elementwise", "rsub_scalar", (1 - a).numpy())
    save("elementwise", "mul_scalar", (a * -1.75).numpy())
    save("elementwise", "neg", (-a).numpy())


# Max pooling: (case, seed, shape, kernel, stride, padding).
MAX_POOL = [
    ("resnet_odd", 401, (1, 3, 9, 11), 3, 2, 1),
    ("resnet_even", 402, (2, 2, 8, 8), 3, 2, 1),
    ("k2_s2", 403, (1, 2, 7, 7), 2, 2, 0),
    ("k3_s1_p1", 404, (1, 2, 10, 13), 3, 1, 1),
    ("k5_s3_p2", 405, (1, 2, 6, 5), 5, 3, 2),
    ("one_pixel_k3_s2_p1", 406, (1, 2, 1, 1), 3, 2, 1),
    ("one_pixel_k1", 407, (1, 1, 1, 1), 1, 1, 0),
    ("wide_rank3", 408, (2, 3, 37), 3, 2, 1),
    ("nan", 409, (1, 2, 7, 9), 3, 2, 1),
]
# The "nan" case has NaN at flat indices NAN_INDICES of its input: PyTorch's window holds NaN.
NAN_INDICES = [5, 40, 100]


def max_pool():
    for case, seed, shape, kernel, stride, padding in MAX_POOL:
        x = rand(seed, shape, 2.0)
        if case == "nan":
            x.reshape(-1)[NAN_INDICES] = np.nan
        x = t(x)
        save("max_pool", case, F.max_pool2d(x, kernel, stride, padding).numpy())


GLOBAL_AVERAGE_POOL = [
    ("odd", 501, (2, 5, 7, 9)),
    ("one_pixel", 502, (1, 3, 1, 1)),
    ("column", 503, (1, 4, 13, 1)),
    ("large_plane", 504, (1, 2, 45, 47)),
]


def global_average_pool():
    for case, seed, shape in GLOBAL_AVERAGE_POOL:
        x = t(rand(seed, shape, 2.0))
        save("global_average_pool", case, x.mean((2, 3), keepdim=True).numpy())


# Bilinear resize, size form: (case, seed, input shape, output size); both align_corners.
# PyTorch's CPU kernel takes another code path when out_h + out_w > 128, hence the wide cases.
RESIZE_SIZE = [
    ("7x9_to_13x5", 601, (1, 2, 7, 9), (13, 5)),
    ("7x9_to_14x18", 602, (1, 2, 7, 9), (14, 18)),
    ("7x9_to_28x36", 603, (1, 1, 7, 9), (28, 36)),
    ("5x6_to_1x1", 604, (2, 1, 5, 6), (1, 1)),
    ("1x1_to_3x4", 605, (1, 2, 1, 1), (3, 4)),
    ("8x8_to_4x4", 606, (1, 2, 8, 8), (4, 4)),
    ("11x3_to_11x10", 607, (1, 2, 11, 3), (11, 10)),
    ("3x40_to_2x127", 608, (1, 2, 3, 40), (2, 127)),
]
# Scale-factor form: (case, seed, input shape, factor).
RESIZE_SCALE = [
    ("7x9_x2", 621, (1, 2, 7, 9), 2.0),
    ("7x9_x4", 622, (1, 1, 7, 9), 4.0),
    ("7x9_x0.5", 623, (1, 2, 7, 9), 0.5),
    ("7x9_x1.5", 624, (1, 2, 7, 9), 1.5),
    ("11x13_x0.37", 625, (1, 2, 11, 13), 0.37),
    ("3x3_x1.2_same_size", 626, (1, 1, 3, 3), 1.2),
    ("5x7_x2.6", 627, (1, 1, 5, 7), 2.6),
    ("1x1_x3", 628, (1, 2, 1, 1), 3.0),
    ("2x43_x3", 629, (1, 1, 2, 43), 3.0),
]


def resize():
    for align in (False, True):
        suffix = "ac" if align else "hp"
        for case, seed, shape, size in RESIZE_SIZE:
            x = t(rand(seed, shape, 2.0))
            y = F.interpolate(x, size=size, mode="bilinear", align_corners=align)
            save("resize", f"size_{case}_{suffix}", y.numpy())
        for case, seed, shape, factor in RESIZE_SCALE:
            x = t(rand(seed, shape, 2.0))
            y = F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=align)
            save("resize", f"scale_{case}_{suffix}", y.numpy())


# Padding: (case, seed, shape, (left, right, top, bottom), mode, value).
PADDING = [
    ("constant_mixed", 701, (1, 2, 5, 7), (1, 2, 3, 0), "constant", 0.5),
    ("constant_one_pixel", 702, (1, 1, 1, 1), (2, 2, 2, 2), "constant", 0.0),
    ("constant_bottom_right", 703, (2, 3, 5, 6), (0, 4, 0, 3), "constant", 0.0),
    ("replicate_mixed", 704, (1, 2, 5, 7), (2, 1, 0, 3), "replicate", 0.0),
    ("replicate_one_pixel", 705, (1, 1, 1, 1), (2, 3, 1, 4), "replicate", 0.0),
    ("replicate_wider_than_input", 706, (1, 1, 2, 3), (4, 5, 3, 2), "replicate", 0.0),
]


def padding():
    for case, seed, shape, pads, mode, value in PADDING:
        x = t(rand(seed, shape, 2.0))
        if mode == "constant":
            y = F.pad(x, pads, mode="constant", value=value)
        else:
            y = F.pad(x, pads, mode="replicate")
        save("padding", case, y.numpy())


# Crop: (case, seed, shape, (top, left, height, width)); the reference is plain slicing.
CROP = [
    ("inner", 801, (2, 3, 6, 9), (1, 2, 4, 5)),
    ("whole", 802, (1, 2, 3, 4), (0, 0, 3, 4)),
    ("one_pixel", 803, (1, 2, 5, 5), (4, 0, 1, 1)),
    ("top_left_rank3", 804, (3, 7, 8), (0, 0, 5, 3)),
]


def crop():
    for case, seed, shape, (top, left, height, width) in CROP:
        x = t(rand(seed, shape, 2.0))
        save("crop", case, x[..., top:top + height, left:left + width].numpy())


FLIP = [
    ("nchw", 901, (2, 3, 4, 7)),
    ("one_column", 902, (1, 2, 3, 1)),
    ("rank1", 903, (9,)),
]


def flip():
    for case, seed, shape in FLIP:
        x = t(rand(seed, shape, 2.0))
        save("flip", case, torch.flip(x, [-1]).numpy())


# Concat: the parts are rand(seed + i, shape_i, 2).
CONCAT = [
    ("three_parts", 1001, [(2, 3, 4, 5), (2, 1, 4, 5), (2, 4, 4, 5)]),
    ("one_pixel", 1011, [(1, 2, 1, 1), (1, 3, 1, 1)]),
]


def concat():
    for case, seed, shapes in CONCAT:
        parts = [t(rand(seed + i, shape, 2.0)) for i, shape in enumerate(shapes)]
        save("concat", case, torch.cat(parts, dim=1).numpy())


def sample():
    """Bilinear point sampling with the reference's displacement-following expression
    (IRNet step/make_ins_seg_labels.py, find_centroids_with_refinement), evaluated in NumPy:
    planes rand(1101, (2, 5, 7), 2); points y = u·(H−1), x = u·(W−1) from SeededRandom(1102)
    (24 points, y draws then x draws) plus the four corners and two lattice points.
    Stored: float64 values [2, 30] (the reference forms the sum in float64)."""
    planes = rand(1101, (2, 5, 7), 2.0)
    height, width = 5, 7
    random = SeededRandom(1102)
    ys = random.unit(24) * np.float32(height - 1)
    xs = random.unit(24) * np.float32(width - 1)
    ys = np.concatenate([ys, np.array([0, 0, 4, 4, 2, 3], np.float32)]).astype(np.float32)
    xs = np.concatenate([xs, np.array([0, 6, 0, 6, 3, 5], np.float32)]).astype(np.float32)
    uy, dy = np.ceil(ys).astype(np.int32), np.floor(ys).astype(np.int32)
    ux, dx = np.ceil(xs).astype(np.int32), np.floor(xs).astype(np.int32)
    y_c, x_c = ys - dy, xs - dx
    values = []
    for d in planes:
        values.append(d[uy, ux] * y_c * x_c + d[dy, ux] * (1 - y_c) * x_c
                      + d[uy, dx] * y_c * (1 - x_c) + d[dy, dx] * (1 - y_c) * (1 - x_c))
    save("sample", "points", np.stack(values))


if __name__ == "__main__":
    group_norm()
    activations()
    elementwise()
    max_pool()
    global_average_pool()
    resize()
    padding()
    crop()
    flip()
    concat()
    sample()
