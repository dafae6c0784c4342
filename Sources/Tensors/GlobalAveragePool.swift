// GlobalAveragePool: the mean of each H×W plane of an NCHW tensor, giving [N, C, 1, 1]. The CAM
// network pools layer-4 features with it before the 1×1 classifier during training (reference
// `torchutils.gap2d`, DESIGN §6); equals `x.mean((2, 3), keepdim=True)` in PyTorch.
// Each plane is summed in eight-lane Float blocks whose sums add up in Double, then divided.

/// The average of every H×W plane of `x` ([N, C, H, W]) as an [N, C, 1, 1] tensor.
public func globalAveragePool(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4, "globalAveragePool: input of shape \(x.shape) is not [N, C, H, W]")
    let planes = x.shape[0] * x.shape[1]
    let size = x.shape[2] * x.shape[3]
    precondition(size > 0, "globalAveragePool: input of shape \(x.shape) has an empty plane")
    var result = Tensor(shape: [x.shape[0], x.shape[1], 1, 1])
    x.scalars.withUnsafeBufferPointer { input in
        result.scalars.withUnsafeMutableBufferPointer { output in
            guard let src = input.baseAddress, let dst = output.baseAddress else { return }
            for plane in 0 ..< planes {
                let p = src + plane &* size
                var total = 0.0
                var blockStart = 0
                while blockStart < size {
                    let blockEnd = min(blockStart &+ 2048, size)
                    var acc = FloatVector()
                    var i = blockStart
                    while i &+ vectorWidth <= blockEnd {
                        acc += p.vector(at: i)
                        i &+= vectorWidth
                    }
                    var tail: Float = 0
                    while i < blockEnd { tail += p[i]; i &+= 1 }
                    total += Double(acc.sum() + tail)
                    blockStart = blockEnd
                }
                dst[plane] = Float(total / Double(size))
            }
        }
    }
    return result
}
