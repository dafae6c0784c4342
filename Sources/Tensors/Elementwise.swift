// Elementwise: addition, subtraction and multiplication of equal-shape tensors and of a tensor
// with a scalar, as new tensors (`+`, `-`, `*`) and in place (`+=`, `-=`, `*=`). Used by the
// network heads (residual sums, mean-shift subtraction) and the propagation stage
// (CAM · (1 − boundary), DESIGN §3, §6). Each result is one IEEE operation per element, so
// it equals PyTorch's `torch.add` / `torch.sub` / `torch.mul` bit for bit.

// MARK: - Kernels

/// out[i] = op(a[i], b[i]) over `count` elements, eight lanes at a time.
@inline(__always)
private func combine(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                     into out: UnsafeMutablePointer<Float>, count: Int,
                     _ vectorOp: (FloatVector, FloatVector) -> FloatVector,
                     _ scalarOp: (Float, Float) -> Float) {
    var i = 0
    while i &+ vectorWidth <= count {
        out.setVector(vectorOp(a.vector(at: i), b.vector(at: i)), at: i)
        i &+= vectorWidth
    }
    while i < count {
        out[i] = scalarOp(a[i], b[i])
        i &+= 1
    }
}

/// out[i] = op(a[i], s) over `count` elements (out may alias a).
@inline(__always)
private func combine(_ a: UnsafePointer<Float>, scalar s: Float,
                     into out: UnsafeMutablePointer<Float>, count: Int,
                     _ vectorOp: (FloatVector, FloatVector) -> FloatVector,
                     _ scalarOp: (Float, Float) -> Float) {
    let splat = FloatVector(repeating: s)
    var i = 0
    while i &+ vectorWidth <= count {
        out.setVector(vectorOp(a.vector(at: i), splat), at: i)
        i &+= vectorWidth
    }
    while i < count {
        out[i] = scalarOp(a[i], s)
        i &+= 1
    }
}

@inline(__always)
private func elementwise(_ lhs: Tensor, _ rhs: Tensor, _ name: String,
                         _ vectorOp: (FloatVector, FloatVector) -> FloatVector,
                         _ scalarOp: (Float, Float) -> Float) -> Tensor {
    precondition(lhs.shape == rhs.shape, "\(name): shapes \(lhs.shape) and \(rhs.shape) differ")
    let count = lhs.count
    return Tensor(shape: lhs.shape, uninitializedBy: { out in
        guard count > 0 else { return }
        lhs.scalars.withUnsafeBufferPointer { a in
            rhs.scalars.withUnsafeBufferPointer { b in
                combine(a.baseAddress!, b.baseAddress!, into: out.baseAddress!, count: count,
                        vectorOp, scalarOp)
            }
        }
    })
}

@inline(__always)
private func elementwiseInPlace(_ lhs: inout Tensor, _ rhs: Tensor, _ name: String,
                                _ vectorOp: (FloatVector, FloatVector) -> FloatVector,
                                _ scalarOp: (Float, Float) -> Float) {
    precondition(lhs.shape == rhs.shape, "\(name): shapes \(lhs.shape) and \(rhs.shape) differ")
    let count = lhs.count
    rhs.scalars.withUnsafeBufferPointer { b in
        lhs.scalars.withUnsafeMutableBufferPointer { out in
            guard count > 0 else { return }
            combine(UnsafePointer(out.baseAddress!), b.baseAddress!, into: out.baseAddress!,
                    count: count, vectorOp, scalarOp)
        }
    }
}

@inline(__always)
private func elementwise(_ lhs: Tensor, scalar: Float,
                         _ vectorOp: (FloatVector, FloatVector) -> FloatVector,
                         _ scalarOp: (Float, Float) -> Float) -> Tensor {
    let count = lhs.count
    return Tensor(shape: lhs.shape, uninitializedBy: { out in
        guard count > 0 else { return }
        lhs.scalars.withUnsafeBufferPointer { a in
            combine(a.baseAddress!, scalar: scalar, into: out.baseAddress!, count: count,
                    vectorOp, scalarOp)
        }
    })
}

@inline(__always)
private func elementwiseInPlace(_ lhs: inout Tensor, scalar: Float,
                                _ vectorOp: (FloatVector, FloatVector) -> FloatVector,
                                _ scalarOp: (Float, Float) -> Float) {
    let count = lhs.count
    lhs.scalars.withUnsafeMutableBufferPointer { out in
        guard count > 0 else { return }
        combine(UnsafePointer(out.baseAddress!), scalar: scalar, into: out.baseAddress!,
                count: count, vectorOp, scalarOp)
    }
}

// MARK: - Operators

extension Tensor {
    /// Element-by-element sum of two tensors of the same shape.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        elementwise(lhs, rhs, "+", { $0 + $1 }, { $0 + $1 })
    }

    /// Element-by-element difference of two tensors of the same shape.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        elementwise(lhs, rhs, "-", { $0 - $1 }, { $0 - $1 })
    }

    /// Element-by-element (Hadamard) product of two tensors of the same shape.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        elementwise(lhs, rhs, "*", { $0 * $1 }, { $0 * $1 })
    }

    /// Adds `rhs` (same shape) to every element of `lhs`, in place.
    public static func += (lhs: inout Tensor, rhs: Tensor) {
        elementwiseInPlace(&lhs, rhs, "+=", { $0 + $1 }, { $0 + $1 })
    }

    /// Subtracts `rhs` (same shape) from `lhs`, in place.
    public static func -= (lhs: inout Tensor, rhs: Tensor) {
        elementwiseInPlace(&lhs, rhs, "-=", { $0 - $1 }, { $0 - $1 })
    }

    /// Multiplies `lhs` by `rhs` (same shape) element by element, in place.
    public static func *= (lhs: inout Tensor, rhs: Tensor) {
        elementwiseInPlace(&lhs, rhs, "*=", { $0 * $1 }, { $0 * $1 })
    }

    /// `lhs` with `rhs` added to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        elementwise(lhs, scalar: rhs, { $0 + $1 }, { $0 + $1 })
    }

    /// `rhs` with `lhs` added to every element.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor {
        elementwise(rhs, scalar: lhs, { $1 + $0 }, { $1 + $0 })
    }

    /// `lhs` with `rhs` subtracted from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor {
        elementwise(lhs, scalar: rhs, { $0 - $1 }, { $0 - $1 })
    }

    /// `lhs` minus each element of `rhs` (for example `1 - boundary`).
    public static func - (lhs: Float, rhs: Tensor) -> Tensor {
        elementwise(rhs, scalar: lhs, { $1 - $0 }, { $1 - $0 })
    }

    /// Every element of `lhs` multiplied by `rhs`.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        elementwise(lhs, scalar: rhs, { $0 * $1 }, { $0 * $1 })
    }

    /// Every element of `rhs` multiplied by `lhs`.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor {
        elementwise(rhs, scalar: lhs, { $1 * $0 }, { $1 * $0 })
    }

    /// Every element negated.
    public static prefix func - (operand: Tensor) -> Tensor {
        elementwise(operand, scalar: 0, { a, _ in -a }, { a, _ in -a })
    }

    /// Adds `rhs` to every element, in place.
    public static func += (lhs: inout Tensor, rhs: Float) {
        elementwiseInPlace(&lhs, scalar: rhs, { $0 + $1 }, { $0 + $1 })
    }

    /// Subtracts `rhs` from every element, in place.
    public static func -= (lhs: inout Tensor, rhs: Float) {
        elementwiseInPlace(&lhs, scalar: rhs, { $0 - $1 }, { $0 - $1 })
    }

    /// Multiplies every element by `rhs`, in place.
    public static func *= (lhs: inout Tensor, rhs: Float) {
        elementwiseInPlace(&lhs, scalar: rhs, { $0 * $1 }, { $0 * $1 })
    }
}
