"""Writes Fixtures/seeded_random/*.npy: SplitMix64 outputs and derived floats for seed 42 and a
large seed, so the Swift twin (Sources/Tensors/SeededRandom.swift) is checked bit for bit.
Run: python3 Fixtures/Generators/make_seeded_random.py  (NumPy only)."""
import os
import numpy as np
from seeded_random import SeededRandom

out = os.path.join(os.path.dirname(__file__), "..", "seeded_random")
os.makedirs(out, exist_ok=True)
for seed in (42, 0xFFFFFFFFFFFFFFF0):
    np.save(os.path.join(out, f"bits_{seed}.npy"), SeededRandom(seed).bits(64))
    np.save(os.path.join(out, f"symmetric_{seed}.npy"), SeededRandom(seed).symmetric((4, 5, 3), 0.75))
