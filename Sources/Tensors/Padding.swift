// Padding: growing the last two dims of a tensor by whole rows and columns, like PyTorch's
// `F.pad(x, (left, right, top, bottom), mode=...)` with non-negative amounts. Constant padding
// zero-pads the IRNet input to its fixed size (DESIGN §6) and gives the relation-mining CAMs
// their background plane; replicate padding repeats the edge pixels, as PAMR's neighbourhoods
// need (DESIGN §6). `padConstant` / `padReplicate` copy whole rows; the `...Naive` twins map
// every output element back to its source on its own.

/// `x` ([..., H, W]) with `left` / `right` columns and `top` / `bottom` rows of `value` added.
/// Equals `F.pad(x, (left, right, top, bottom), mode='constant', value=value)`.
public func padConstant(_ x: Tensor, left: Int, right: Int, top: Int, bottom: Int,
                        value: Float = 0) -> Tensor {
    pad(x, left: left, right: right, top: top, bottom: bottom, replicate: false, value: value)
}

/// `x` ([..., H, W]) extended by `left` / `right` columns and `top` / `bottom` rows that repeat
/// its nearest edge element. Equals `F.pad(x, (left, right, top, bottom), mode='replicate')`.
public func padReplicate(_ x: Tensor, left: Int, right: Int, top: Int, bottom: Int) -> Tensor {
    pad(x, left: left, right: right, top: top, bottom: bottom, replicate: true, value: 0)
}

/// Plain-loop twin of `padConstant`.
public func padConstantNaive(_ x: Tensor, left: Int, right: Int, top: Int, bottom: Int,
                             value: Float = 0) -> Tensor {
    let g = PaddingGeometry(x.shape, left, right, top, bottom, replicate: false)
    var result = Tensor(shape: g.outputShape, repeating: value)
    for plane in 0 ..< g.planes {
        for oy in 0 ..< g.outHeight {
            for ox in 0 ..< g.outWidth {
                let y = oy - top, x2 = ox - left
                if y >= 0, y < g.height, x2 >= 0, x2 < g.width {
                    result.scalars[(plane * g.outHeight + oy) * g.outWidth + ox] =
                        x.scalars[(plane * g.height + y) * g.width + x2]
                }
            }
        }
    }
    return result
}

/// Plain-loop twin of `padReplicate`.
public func padReplicateNaive(_ x: Tensor, left: Int, right: Int, top: Int, bottom: Int) -> Tensor {
    let g = PaddingGeometry(x.shape, left, right, top, bottom, replicate: true)
    var result = Tensor(shape: g.outputShape)
    for plane in 0 ..< g.planes {
        for oy in 0 ..< g.outHeight {
            for ox in 0 ..< g.outWidth {
                let y = min(max(oy - top, 0), g.height - 1)
                let x2 = min(max(ox - left, 0), g.width - 1)
                result.scalars[(plane * g.outHeight + oy) * g.outWidth + ox] =
                    x.scalars[(plane * g.height + y) * g.width + x2]
            }
        }
    }
    return result
}

private func pad(_ x: Tensor, left: Int, right: Int, top: Int, bottom: Int, replicate: Bool,
                 value: Float) -> Tensor {
    let g = PaddingGeometry(x.shape, left, right, top, bottom, replicate: replicate)
    guard g.outputShape.reduce(1, *) > 0 else { return Tensor(shape: g.outputShape) }
    let (height, width, outHeight, outWidth) = (g.height, g.width, g.outHeight, g.outWidth)
    return Tensor(shape: g.outputShape, uninitializedBy: { output in
        x.scalars.withUnsafeBufferPointer { input in
            let dst = output.baseAddress!
            // An empty input plane can only be constant-padded: every element is `value`.
            guard height > 0, width > 0, let src = input.baseAddress else {
                dst.update(repeating: value, count: output.count)
                return
            }
            for plane in 0 ..< g.planes {
                let planeIn = src + plane &* height &* width
                let planeOut = dst + plane &* outHeight &* outWidth
                for oy in 0 ..< outHeight {
                    let out = planeOut + oy &* outWidth
                    var y = oy &- top
                    if replicate {
                        y = min(max(y, 0), height &- 1)
                    } else if y < 0 || y >= height {
                        out.update(repeating: value, count: outWidth)
                        continue
                    }
                    let row = planeIn + y &* width
                    out.update(repeating: replicate ? row[0] : value, count: left)
                    (out + left).update(from: row, count: width)
                    (out + (left &+ width)).update(repeating: replicate ? row[width &- 1] : value,
                                                 count: right)
                }
            }
        }
    })
}

/// Sizes of one padding call.
private struct PaddingGeometry {
    let planes, height, width, outHeight, outWidth: Int
    let outputShape: [Int]

    init(_ shape: [Int], _ left: Int, _ right: Int, _ top: Int, _ bottom: Int, replicate: Bool) {
        precondition(shape.count >= 2, "pad: input of shape \(shape) needs [..., H, W]")
        precondition(left >= 0 && right >= 0 && top >= 0 && bottom >= 0,
                     "pad: amounts (\(left), \(right), \(top), \(bottom)) must not be negative")
        height = shape[shape.count - 2]
        width = shape[shape.count - 1]
        precondition(!replicate || (height > 0 && width > 0),
                     "padReplicate: input of shape \(shape) has no edge to repeat")
        planes = shape.dropLast(2).reduce(1, *)
        outHeight = height + top + bottom
        outWidth = width + left + right
        outputShape = shape.dropLast(2) + [outHeight, outWidth]
    }
}
