// Crop: a rectangular window of the last two dims, like the slice x[..., top:top+h, left:left+w]
// in PyTorch. It trims the IRNet outputs back to the stride-4 size, the level-3..5 features to
// level 2's size and the high-resolution CAMs to the image size (DESIGN §6). Rows are copied
// whole; the window must lie inside the input.

/// The `height` × `width` window of `x` ([..., H, W]) whose first element is (`top`, `left`).
/// Equals `x[..., top:top+height, left:left+width]` for a window inside the input.
public func crop(_ x: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
    precondition(x.rank >= 2, "crop: input of shape \(x.shape) needs [..., H, W]")
    let inHeight = x.shape[x.rank - 2], inWidth = x.shape[x.rank - 1]
    precondition(top >= 0 && left >= 0 && height >= 0 && width >= 0
                    && top + height <= inHeight && left + width <= inWidth,
                 "crop: window (top \(top), left \(left), \(height)×\(width)) is outside \(x.shape)")
    let planes = x.shape.dropLast(2).reduce(1, *)
    let outputShape: [Int] = x.shape.dropLast(2) + [height, width]
    guard outputShape.reduce(1, *) > 0 else { return Tensor(shape: outputShape) }
    return Tensor(shape: outputShape, uninitializedBy: { output in
        x.scalars.withUnsafeBufferPointer { input in
            let src = input.baseAddress!, dst = output.baseAddress!
            for plane in 0 ..< planes {
                let start: Int = (plane &* inHeight &+ top) &* inWidth &+ left
                let planeIn = src + start
                let planeOut = dst + plane &* height &* width
                for y in 0 ..< height {
                    (planeOut + y &* width).update(from: planeIn + y &* inWidth, count: width)
                }
            }
        }
    })
}
