// Activations: ReLU and the logistic sigmoid, as new tensors and in place. ReLU follows every
// conv of ResNet50 and the IRNet heads; the sigmoid turns the boundary logits into the edge map
// (DESIGN §6, IRNet: boundary = sigmoid(mean of the two logits)). Both equal PyTorch's
// `torch.relu` (NaN passes through) and `torch.sigmoid`; the sigmoid is evaluated in a form
// that never overflows: 1 / (1 + e^-x) for x ≥ 0 and e^x / (1 + e^x) for x < 0.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// max(x, 0) for every element; NaN stays NaN, like `torch.relu`.
public func relu(_ x: Tensor) -> Tensor {
    Tensor(shape: x.shape, uninitializedBy: { output in
        x.scalars.withUnsafeBufferPointer { input in
            guard let src = input.baseAddress else { return }
            reluKernel(src, output.baseAddress!, count: input.count)
        }
    })
}

/// The logistic function 1 / (1 + e^−x) of every element, like `torch.sigmoid`.
public func sigmoid(_ x: Tensor) -> Tensor {
    Tensor(shape: x.shape, uninitializedBy: { output in
        x.scalars.withUnsafeBufferPointer { input in
            for i in input.indices { output[i] = sigmoid(input[i]) }
        }
    })
}

/// The logistic function of one value, without overflow for large |x|: with e = e^−|x|,
/// 1 / (1 + e) for x ≥ 0 and e / (1 + e) otherwise (both formed, then one picked, so the
/// loop over a tensor has no unpredictable branch). NaN stays NaN.
@inlinable
public func sigmoid(_ x: Float) -> Float {
    let e = expf(-abs(x))
    let denominator = 1 + e
    let positive = 1 / denominator, negative = e / denominator
    return x >= 0 ? positive : negative
}

extension Tensor {
    /// Replaces every element by max(element, 0), in place (NaN stays NaN).
    public mutating func applyReLU() {
        scalars.withUnsafeMutableBufferPointer { buffer in
            guard let p = buffer.baseAddress else { return }
            reluKernel(UnsafePointer(p), p, count: buffer.count)
        }
    }

    /// Replaces every element by its logistic sigmoid, in place.
    public mutating func applySigmoid() {
        scalars.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = sigmoid(buffer[i]) }
        }
    }
}

/// dst[i] = src[i] < 0 ? 0 : src[i] (dst may alias src).
private func reluKernel(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
    let zero = FloatVector(repeating: 0)
    var i = 0
    while i &+ vectorWidth <= count {
        let v = src.vector(at: i)
        dst.setVector(v.replacing(with: zero, where: v .< zero), at: i)
        i &+= vectorWidth
    }
    while i < count {
        let v = src[i]
        dst[i] = v < 0 ? 0 : v
        i &+= 1
    }
}
