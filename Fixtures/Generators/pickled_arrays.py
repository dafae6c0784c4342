"""Writes Fixtures/checkpoints/pickled_arrays.npy: a dict of NumPy arrays and PyTorch tensors saved
with numpy.save (one pickled object, as the reference's make_cam and ins-seg steps write their
outputs), and pickled_arrays_expected.npz: the same values as plain C-order little-endian arrays.

Entries cover what the reader must undo: every numeric NumPy type it accepts, a Fortran-order
array, a big-endian array, a 0-d array, an empty array, and PyTorch tensors that are strided
views (offset, step, transpose) of a larger storage, plus int64 and bool tensors.
Run from the repository root:  python3 Fixtures/Generators/pickled_arrays.py
Needs NumPy and PyTorch (CPU).
"""
import os

import numpy as np
import torch

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checkpoints")
rng = np.random.default_rng(20261122)
base = torch.from_numpy(rng.standard_normal((6, 8)).astype(np.float32))
values = {
    "float32": rng.standard_normal((2, 3, 4)).astype(np.float32),
    "float64": rng.standard_normal((3, 2)),
    "float16": rng.standard_normal((5,)).astype(np.float16),
    "int64": rng.integers(-2**40, 2**40, (4,)),
    "int32": rng.integers(-2**30, 2**30, (2, 2)).astype(np.int32),
    "int16": rng.integers(-3000, 3000, (3,)).astype(np.int16),
    "int8": rng.integers(-100, 100, (3,)).astype(np.int8),
    "uint8": rng.integers(0, 255, (2, 5)).astype(np.uint8),
    "bool": rng.random((3, 3)) < 0.5,
    "fortran": np.asfortranarray(rng.standard_normal((3, 4, 2)).astype(np.float32)),
    "big_endian": rng.standard_normal((2, 3)).astype(">f4"),
    "scalar": np.array(2.5, np.float32),
    "empty": np.zeros((0, 3), np.float32),
    "tensor_view": base[1:5, ::3],
    "tensor_transposed": base.t(),
    "tensor_int64": torch.nonzero(torch.tensor([0, 1, 0, 1, 1]))[:, 0],
    "tensor_bool": torch.from_numpy(rng.random((2, 3)) < 0.5),
}
np.save(os.path.join(out, "pickled_arrays.npy"), values)


def plain_array(value):
    array = value.numpy() if isinstance(value, torch.Tensor) else value
    return np.array(array, dtype=array.dtype.newbyteorder("<"), order="C", copy=True)


plain = {name: plain_array(value) for name, value in values.items()}
np.savez(os.path.join(out, "pickled_arrays_expected.npz"), **plain)
back = np.load(os.path.join(out, "pickled_arrays.npy"), allow_pickle=True).item()
for name, v in values.items():
    v = v.numpy() if isinstance(v, torch.Tensor) else v
    w = back[name].numpy() if isinstance(back[name], torch.Tensor) else back[name]
    assert np.array_equal(v, w) and np.array_equal(plain[name], v), name
print("pickled_arrays.npy", os.path.getsize(os.path.join(out, "pickled_arrays.npy")), "bytes,", len(values), "entries")
