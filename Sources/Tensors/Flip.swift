// Flip: mirroring along the last dim (left-right), like `torch.flip(x, [-1])`. The CAM and
// IRNet inference run each image together with its mirror image and flip the mirrored outputs
// back before averaging (DESIGN §3, §6).

/// `x` with the order of its last dim reversed. Equals `torch.flip(x, [-1])`.
public func flipHorizontal(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 1, "flipHorizontal: a scalar tensor has no last dim")
    let width = x.shape[x.rank - 1]
    guard x.count > 0 else { return x }
    let rows = x.count / width
    return Tensor(shape: x.shape, uninitializedBy: { output in
        x.scalars.withUnsafeBufferPointer { input in
            let src = input.baseAddress!, dst = output.baseAddress!
            for row in 0 ..< rows {
                let from = src + row &* width, to = dst + row &* width
                let last = width &- 1
                for i in 0 ..< width { to[i] = from[last &- i] }
            }
        }
    })
}
