// GlobalAveragePoolBackward: the gradient of the plane mean y[n, c] = (1/HW)·Σ x[n, c, :, :]
// (Tensors/GlobalAveragePool.swift), which pools the CAM network's layer-4 features before its
// classifier during training (DESIGN §6). Every pixel of a plane gets dy[n, c] / (H·W), divided
// like PyTorch's mean backward.

import Tensors

/// dL/dx of `globalAveragePool` for an input of shape `inputShape` ([N, C, H, W]) given the
/// gradient of its output ([N, C, 1, 1] or [N, C]).
public func globalAveragePoolBackward(outputGradient dy: Tensor, inputShape: [Int]) -> Tensor {
    precondition(inputShape.count == 4, "globalAveragePoolBackward: input shape \(inputShape) is not [N, C, H, W]")
    let planes = inputShape[0] * inputShape[1], size = inputShape[2] * inputShape[3]
    precondition(dy.count == planes && (dy.shape == [inputShape[0], inputShape[1], 1, 1]
                                            || dy.shape == [inputShape[0], inputShape[1]]),
                 "globalAveragePoolBackward: output gradient \(dy.shape) does not fit input \(inputShape)")
    precondition(size > 0, "globalAveragePoolBackward: input shape \(inputShape) has an empty plane")
    let divisor = Float(size)
    var dx = Tensor(shape: inputShape)
    dx.scalars.withUnsafeMutableBufferPointer { dx in
        for plane in 0..<planes {
            let value = dy.scalars[plane] / divisor
            let base = plane &* size
            for i in base..<(base &+ size) { dx[i] = value }
        }
    }
    return dx
}
