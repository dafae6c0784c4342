// SeededRandom+Draws: the draws training needs from the seeded generator (SeededRandom.swift):
// uniform integers in a range without modulo bias (shuffling, crop offsets, long sides), uniform
// doubles (rescale factors), fair coins (flips) and standard normals (Kaiming initialisation).
// Deterministic for a seed on every platform; Python's `random` and torch's generators are not
// reproduced (DESIGN §6 "Training": exact comparisons use fixed batches instead).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

extension SeededRandom {
    /// A uniform integer in `range`: draws below the largest multiple of the range's size are
    /// kept (one draw almost always), the rest rejected, so no value is favoured.
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }  // the full 64-bit range
        let limit = UInt64.max - (UInt64.max % span + 1) % span
        var draw = next()
        while draw > limit { draw = next() }
        return range.lowerBound &+ Int(truncatingIfNeeded: draw % span)
    }

    /// A uniform Double in [0, 1) from the top 53 bits of one draw.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A fair coin: the top bit of one draw.
    public mutating func nextBit() -> Bool {
        next() >> 63 == 1
    }

    /// A standard normal draw: Box–Muller on two 53-bit uniforms, the cosine branch.
    public mutating func nextNormal() -> Double {
        let u1 = (Double(next() >> 11) + 1) * 0x1p-53  // (0, 1], so the logarithm is finite
        let u2 = Double(next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
