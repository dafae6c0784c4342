// ConcatBackward: the gradient of `concatChannels` (Tensors/Concat.swift), which joins the
// IRNet head levels along the channel dim (DESIGN §6: 5 × 32 → 160 boundary channels; 768 and
// 448 displacement channels). Each input gets back its own slice of channels of dy.

import Tensors

/// dL/dxᵢ of `concatChannels([x₀, x₁, …])` given the gradient of the result and the channel
/// count of each input: dy split along dim 1.
public func concatChannelsBackward(outputGradient dy: Tensor, channels: [Int]) -> [Tensor] {
    precondition(dy.rank >= 2, "concatChannelsBackward: output gradient \(dy.shape) has no channel dim")
    let total = dy.shape[1]
    precondition(channels.allSatisfy { $0 >= 0 } && channels.reduce(0, +) == total,
                 "concatChannelsBackward: channel counts \(channels) do not add up to \(total)")
    let batch = dy.shape[0], spatial = dy.shape.dropFirst(2).reduce(1, *)
    var offset = 0
    var parts: [Tensor] = []
    for count in channels {
        var shape = dy.shape
        shape[1] = count
        var part = Tensor(shape: shape)
        let block = count * spatial
        part.scalars.withUnsafeMutableBufferPointer { part in
            dy.scalars.withUnsafeBufferPointer { dy in
                guard block > 0, let source = dy.baseAddress, let target = part.baseAddress else { return }
                for n in 0..<batch {
                    (target + n * block).update(from: source + (n * total + offset) * spatial, count: block)
                }
            }
        }
        parts.append(part)
        offset += count
    }
    return parts
}
