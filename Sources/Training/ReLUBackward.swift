// ReLUBackward: the gradient of y = max(x, 0) (Tensors/Activations.swift), which follows every
// conv of ResNet50 and the IRNet heads (DESIGN §6). dx = dy where y > 0, else 0 — decided
// from the output, as PyTorch's autograd does for its in-place ReLU (threshold_backward on the
// result: zero where y ≤ 0), so x = 0 gets no gradient and a NaN output passes dy on.

import Tensors

/// dL/dx of `relu` given its output `output` and the gradient of that output.
public func reluBackward(outputGradient dy: Tensor, output y: Tensor) -> Tensor {
    precondition(dy.shape == y.shape, "reluBackward: output gradient \(dy.shape) and output \(y.shape) differ")
    var dx = dy
    dx.scalars.withUnsafeMutableBufferPointer { dx in
        y.scalars.withUnsafeBufferPointer { y in
            let zero = SIMD8<Float>(repeating: 0)
            let count = dx.count
            var i = 0
            if let g = dx.baseAddress, let v = y.baseAddress {
                while i &+ 8 <= count {
                    let gradient = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                    let value = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(g + i).storeBytes(
                        of: gradient.replacing(with: zero, where: value .<= zero), as: SIMD8<Float>.self)
                    i &+= 8
                }
            }
            while i < count {
                if y[i] <= 0 { dx[i] = 0 }
                i &+= 1
            }
        }
    }
    return dx
}
