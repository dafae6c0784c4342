"""Seeded network parameters, the twin of Sources/Networks/SeededWeights.swift.

Every tensor gets its own SeededRandom (seeded_random.py), seeded by 64-bit FNV-1a of the
tensor's UTF-8 name starting from 0xcbf29ce484222325 XOR the base seed, so its values depend
only on (seed, name, shape). Rule by name and rank (u: uniform in [-1, 1) times the scale,
float32 arithmetic, row-major):
  ...running_var                 1 + u*0.2
  mean_shift.running_mean        u*0.5;  any other ...running_mean: u*0.1
  ...weight of rank >= 2         u*sqrt(3 / fan_in), fan_in = product of dims 1..
  ...weight of rank 1            1 + u*0.1   (batch / group norm gamma)
  anything else                  u*0.1       (biases, beta)
Imported by the network generators (networks.py); not run on its own.
"""
import math
import numpy as np
from seeded_random import SeededRandom

MASK = (1 << 64) - 1


def generator_seed(name: str, seed: int) -> int:
    h = 0xCBF29CE484222325 ^ (seed & MASK)
    for byte in name.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def distribution(name: str, shape) -> tuple:
    """(scale, offset) of the rule for one tensor."""
    if name.endswith("running_var"):
        return 0.2, 1.0
    if name == "mean_shift.running_mean":
        return 0.5, 0.0
    if name.endswith("running_mean"):
        return 0.1, 0.0
    if name.endswith("weight"):
        if len(shape) >= 2:
            fan_in = max(1, int(np.prod(shape[1:])))
            return float(np.float32(math.sqrt(3.0 / fan_in))), 0.0
        return 0.1, 1.0
    return 0.1, 0.0


def seeded_tensor(name: str, shape, seed: int) -> np.ndarray:
    scale, offset = distribution(name, tuple(shape))
    values = SeededRandom(generator_seed(name, seed)).symmetric(tuple(shape), scale)
    if offset != 0.0:
        values = (values + np.float32(offset)).astype(np.float32)
    return values
