"""SplitMix64, bit-identical to Sources/Tensors/SeededRandom.swift.

Golden generators build their weights and inputs with this, so the Swift tests can rebuild the
same tensors from the seed instead of committing them. SplitMix64's state is a counter
(state_i = seed + (i + 1) * gamma mod 2^64), so a whole tensor is drawn in one vectorised step.
"""
import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class SeededRandom:
    def __init__(self, seed: int):
        self.state = np.uint64(seed & ((1 << 64) - 1))

    def bits(self, count: int) -> np.ndarray:
        """The next count 64-bit outputs."""
        with np.errstate(over="ignore"):
            steps = np.arange(1, count + 1, dtype=np.uint64)
            states = self.state + steps * GAMMA
            self.state = self.state + np.uint64(count) * GAMMA
            return _mix(states)

    def unit(self, count: int) -> np.ndarray:
        """count floats in [0, 1): top 24 bits times 2^-24 (exact in float32)."""
        top = (self.bits(count) >> np.uint64(40)).astype(np.float32)
        return top * np.float32(2.0 ** -24)

    def symmetric(self, shape, scale: float) -> np.ndarray:
        """(2u - 1) * scale in float32 arithmetic, row-major, like SeededRandom.tensor."""
        count = int(np.prod(shape)) if len(shape) else 1
        u = self.unit(count)
        values = (u * np.float32(2) - np.float32(1)) * np.float32(scale)
        return values.astype(np.float32).reshape(shape)
