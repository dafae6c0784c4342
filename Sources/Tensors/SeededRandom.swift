// SeededRandom: a SplitMix64 generator that Fixtures/Generators/seeded_random.py implements
// bit for bit, so tests can rebuild large weight tensors from a seed instead of committing them.
// SplitMix64 (Steele, Lea, Flood 2014): state += golden gamma, then a 64-bit finaliser.
// Floats come from the top 24 bits, so every value is exact in Float32 and in Python.

public struct SeededRandom: RandomNumberGenerator, Sendable {
    /// The whole generator: `SeededRandom(seed: state)` continues exactly where this one is
    /// (what a resumed training run restores).
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float uniformly distributed in [0, 1): the top 24 bits scaled by 2^-24.
    public mutating func nextUnit() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A float uniformly distributed in [-scale, scale): (2u - 1) * scale, computed in Float32.
    public mutating func nextSymmetric(scale: Float) -> Float {
        (nextUnit() * 2 - 1) * scale
    }

    /// A tensor of the given shape filled with `nextSymmetric(scale:)` in row-major order.
    public mutating func tensor(shape: [Int], scale: Float) -> Tensor {
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        for i in values.indices { values[i] = nextSymmetric(scale: scale) }
        return Tensor(shape: shape, scalars: values)
    }
}
