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
    var result = x
    result.applyReLU()
    return result
}

/// The logistic function 1 / (1 + e^−x) of every element, like `torch.sigmoid`.
public func sigmoid(_ x: Tensor) -> Tensor {
    var result = x
    result.applySigmoid()
    return result
}

/// The logistic function of one value, without overflow for large |x|.
@inlinable
public func sigmoid(_ x: Float) -> Float {
    if x >= 0 {
        return 1 / (1 + expf(-x))
    }
    let e = expf(x)  // also the NaN path: NaN stays NaN
    return e / (1 + e)
}

extension Tensor {
    /// Replaces every element by max(element, 0), in place (NaN stays NaN).
    public mutating func applyReLU() {
        let count = self.count
        scalars.withUnsafeMutableBufferPointer { buffer in
            guard let p = buffer.baseAddress else { return }
            let zero = FloatVector(repeating: 0)
            var i = 0
            while i &+ vectorWidth <= count {
                let v = p.vector(at: i)
                p.setVector(v.replacing(with: zero, where: v .< zero), at: i)
                i &+= vectorWidth
            }
            while i < count {
                if p[i] < 0 { p[i] = 0 }
                i &+= 1
            }
        }
    }

    /// Replaces every element by its logistic sigmoid, in place.
    public mutating func applySigmoid() {
        scalars.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices {
                buffer[i] = sigmoid(buffer[i])
            }
        }
    }
}
