// VectorAccess: unaligned SIMD8 loads and stores on Float pointers, the building block of the
// non-GEMM kernels in Tensors (elementwise, pooling, group norm, resize, padding). Eight lanes
// fill one AVX2 register; without AVX the compiler splits them, so the code stays portable.
// No paper equation here: plumbing for DESIGN §2 ("SIMD over the innermost dimension").

/// The vector type of the non-GEMM kernels.
@usableFromInline typealias FloatVector = SIMD8<Float>

/// Lanes in `FloatVector`.
@usableFromInline let vectorWidth = 8

extension UnsafePointer where Pointee == Float {
    /// Eight consecutive floats starting at element `i` (no alignment needed).
    @inlinable @inline(__always)
    func vector(at i: Int) -> FloatVector {
        UnsafeRawPointer(self + i).loadUnaligned(as: FloatVector.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Eight consecutive floats starting at element `i` (no alignment needed).
    @inlinable @inline(__always)
    func vector(at i: Int) -> FloatVector {
        UnsafeRawPointer(self + i).loadUnaligned(as: FloatVector.self)
    }

    /// Stores eight floats at elements `i ..< i + 8` (no alignment needed).
    @inlinable @inline(__always)
    func setVector(_ value: FloatVector, at i: Int) {
        UnsafeMutableRawPointer(self + i).storeBytes(of: value, as: FloatVector.self)
    }
}

/// The larger of two floats with PyTorch's max-pool rule: a NaN in either operand wins.
@inlinable @inline(__always)
func maximumPropagatingNaN(_ current: Float, _ candidate: Float) -> Float {
    (candidate > current || candidate.isNaN) ? candidate : current
}

/// Lane-wise `maximumPropagatingNaN`.
@inlinable @inline(__always)
func maximumPropagatingNaN(_ current: FloatVector, _ candidate: FloatVector) -> FloatVector {
    current.replacing(with: candidate, where: (candidate .> current) .| (candidate .!= candidate))
}
