"""Writes Fixtures/propagation/*.npy: golden path indices, path affinities and random-walk
results computed by the reference implementation's own misc/indexing.py (jiwoon-ahn/irn).

The reference is not part of this repository. Point IRN_REFERENCE at a checkout of it (the
folder that holds misc/indexing.py), then run, from the repository root:
    IRN_REFERENCE=/path/to/irn python3 Fixtures/Generators/random_walk.py
Needs NumPy and PyTorch (CPU). The reference moves tensors to CUDA in places; here
torch.Tensor.cuda is replaced by the identity at run time so everything stays on the CPU.
Inputs come from SeededRandom (seeded_random.py), so the Swift tests rebuild them from seeds.
"""
import os
import sys
import warnings

import numpy as np
import torch

from seeded_random import SeededRandom

reference = os.environ.get("IRN_REFERENCE") or (sys.argv[1] if len(sys.argv) > 1 else None)
if not reference or not os.path.isfile(os.path.join(reference, "misc", "indexing.py")):
    sys.exit("set IRN_REFERENCE to a checkout of jiwoon-ahn/irn (the folder holding misc/indexing.py)")
sys.path.insert(0, reference)
torch.Tensor.cuda = lambda self, *args, **kwargs: self  # run the reference on the CPU
warnings.filterwarnings("ignore", category=UserWarning)
from misc import indexing  # noqa: E402

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "propagation")
os.makedirs(out, exist_ok=True)


def save(name, array):
    np.save(os.path.join(out, name), array)


def boundary_map(seed, height, width, cubed):
    """Uniform [0, 1) values from SeededRandom, optionally cubed (u*u*u in float32) so most
    pixels are far from a boundary, as in a real boundary map."""
    u = SeededRandom(seed).unit(height * width).reshape(height, width)
    return (u * u * u).astype(np.float32) if cubed else u


# 1. PathIndex: directions, paths, source / destination / path indices for a map size.
for radius, height, width, with_paths in [(5, 12, 17, False), (5, 7, 11, True),
                                          (10, 11, 20, True), (10, 14, 23, False)]:
    index = indexing.PathIndex(radius=radius, default_size=(height, width))
    stem = f"path_index_r{radius}_{height}x{width}"
    save(f"{stem}_directions.npy", index.search_dst.astype(np.int32))             # [D, 2]
    rows = []
    direction = 0
    for group in index.search_paths:                                              # [Dg, L, 2]
        for path in group:
            rows.extend([direction, int(dy), int(dx)] for dy, dx in path)
            direction += 1
    save(f"{stem}_paths.npy", np.asarray(rows, dtype=np.int32))                   # [P, 3]
    save(f"{stem}_sources.npy", index.src_indices.astype(np.int32))               # [N]
    save(f"{stem}_destinations.npy", index.dst_indices.astype(np.int32))          # [D, N]
    if with_paths:
        flat = np.concatenate([g.reshape(-1) for g in index.path_indices])
        save(f"{stem}_path_indices.npy", flat.astype(np.int32))                   # groups, row-major

# 2. edge_to_affinity on a boundary map of the PathIndex's own size (the training layout).
for radius, height, width, seed in [(5, 12, 17, 21), (10, 14, 23, 22)]:
    index = indexing.PathIndex(radius=radius, default_size=(height, width))
    edge = torch.from_numpy(boundary_map(seed, height, width, cubed=False))
    affinity = indexing.edge_to_affinity(edge.unsqueeze(0), list(index.path_indices))
    save(f"affinity_r{radius}_{height}x{width}_seed{seed}.npy", affinity[0].numpy())  # [D, N]

# 3. propagate_to_edge: (x * (1 - edge)) . T^(2^exp_times), the reference's dense computation,
#    as it runs (float32) and in float64.
walks = [  # height, width, channels, radius, beta, exp_times, boundary seed, cubed
    (20, 24, 3, 5, 10, 8, 31, False),
    (20, 24, 3, 5, 10, 8, 33, True),
    (13, 17, 2, 3, 2.5, 5, 35, True),
    (9, 30, 4, 10, 10, 3, 37, True),
]
for height, width, channels, radius, beta, exp_times, edge_seed, cubed in walks:
    x_seed = edge_seed + 1
    edge = torch.from_numpy(boundary_map(edge_seed, height, width, cubed))
    x = torch.from_numpy(SeededRandom(x_seed).unit(channels * height * width).reshape(channels, height, width))
    with torch.no_grad():
        rw = indexing.propagate_to_edge(x, edge, radius=radius, beta=beta, exp_times=exp_times)
        # The same reference code in float64: the exact result up to ~1e-13, which shows how
        # much of the float32 difference is the reference's own rounding.
        rw64 = indexing.propagate_to_edge(x.double(), edge.double(), radius=radius, beta=beta,
                                          exp_times=exp_times)
    name = f"walk_{height}x{width}x{channels}_r{radius}_b{beta}_e{exp_times}_seed{edge_seed}"
    name += "_cubed" if cubed else ""
    save(name + ".npy", rw[:, 0].numpy().astype(np.float32))                       # [C, h, w]
    save(name + "_float64.npy", rw64[:, 0].numpy())                                 # [C, h, w]
print("wrote", out)
