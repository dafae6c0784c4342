// SigmoidBackward: the gradient of y = 1 / (1 + e^−x) (Tensors/Activations.swift), which turns
// IRNet's boundary logits into the edge map before the affinity loss (DESIGN §6).
// dy/dx = y·(1 − y), so dx = dy·(1 − y)·y, formed from the output in that order like
// PyTorch's sigmoid_backward.

import Tensors

/// dL/dx of `sigmoid` given its output `output` and the gradient of that output.
public func sigmoidBackward(outputGradient dy: Tensor, output y: Tensor) -> Tensor {
    precondition(dy.shape == y.shape, "sigmoidBackward: output gradient \(dy.shape) and output \(y.shape) differ")
    var dx = dy
    dx.scalars.withUnsafeMutableBufferPointer { dx in
        y.scalars.withUnsafeBufferPointer { y in
            for i in 0..<dx.count { dx[i] = dx[i] * (1 - y[i]) * y[i] }
        }
    }
    return dx
}
