// PAMRVector: the SIMD and threading plumbing of the PAMR kernels (PAMR+Affinities.swift,
// PAMR+Iterations.swift): unaligned 8-lane loads and stores on Float pointers (rows are split
// over threads by Tensors' forEachChunk). No paper equation here; DESIGN §7
// ("memory-bound: SIMD over pixels, threads over channels or rows").
import Tensors

/// Vector access of the PAMR kernels.
enum PAMRVector {
    /// The vector type: eight lanes fill one AVX2 register.
    typealias Lanes = SIMD8<Float>

    /// Lanes per vector.
    static let width = 8

    /// Eight floats starting at `pointer` (no alignment needed).
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    /// Stores eight floats starting at `pointer` (no alignment needed).
    @inline(__always)
    static func store(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
    }

    /// |x| of every lane (the sign bit cleared, exactly like the scalar `abs`).
    @inline(__always)
    static func magnitude(_ x: Lanes) -> Lanes {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Lanes.self)
    }
}
