// Concat: joining NCHW tensors along the channel dim, like `torch.cat(tensors, dim=1)`. The
// IRNet boundary branch concatenates its five 32-channel levels (160 channels) and the
// displacement branch merges its levels the same way (DESIGN §6).

/// The tensors (each [N, C_i, ...] with equal N and trailing dims) stacked along dim 1, giving
/// [N, ΣC_i, ...]. Equals `torch.cat(tensors, dim=1)`.
public func concatChannels(_ tensors: [Tensor]) -> Tensor {
    precondition(!tensors.isEmpty, "concatChannels: nothing to concatenate")
    let first = tensors[0].shape
    precondition(first.count >= 2, "concatChannels: tensors of shape \(first) have no channel dim")
    for t in tensors {
        precondition(t.rank == first.count && t.shape[0] == first[0]
                        && t.shape.dropFirst(2) == first.dropFirst(2),
                     "concatChannels: shape \(t.shape) does not match \(first) outside dim 1")
    }
    let batch = first[0]
    let spatial = first.dropFirst(2).reduce(1, *)
    let channels = tensors.reduce(0) { $0 + $1.shape[1] }
    var shape = first
    shape[1] = channels
    guard shape.reduce(1, *) > 0 else { return Tensor(shape: shape) }
    return Tensor(shape: shape, uninitializedBy: { output in
        let dst = output.baseAddress!
        var channelOffset = 0
        for t in tensors {
            let block = t.shape[1] &* spatial
            t.scalars.withUnsafeBufferPointer { input in
                guard let src = input.baseAddress, block > 0 else { return }
                for n in 0 ..< batch {
                    (dst + (n &* channels &+ channelOffset) &* spatial)
                        .update(from: src + n &* block, count: block)
                }
            }
            channelOffset += t.shape[1]
        }
    })
}
