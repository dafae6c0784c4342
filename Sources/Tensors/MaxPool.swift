// MaxPool: 2-D max pooling over the last two dims, with PyTorch's `max_pool2d` semantics
// (dilation 1, ceil_mode false): out = ⌊(H + 2·padding − kernel) / stride⌋ + 1, padded cells
// never win (they count as −∞), and a NaN anywhere in a window makes that output NaN. ResNet50
// uses kernel 3, stride 2, padding 1 after its stem (DESIGN §6, x1 at stride 4).
// `maxPool2d` is separable (column maxima, then strided row maxima, both eight lanes wide);
// `maxPool2dNaive` scans each window in PyTorch's order.

/// Max pooling of `x` ([..., H, W]) with a square `kernel`, `stride` (default: `kernel`) and
/// `padding` cells of −∞ on every side (at most kernel / 2, as PyTorch requires).
/// Equals `torch.nn.functional.max_pool2d(x, kernel, stride, padding)`.
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    let stride = stride ?? kernel
    let g = MaxPoolGeometry(x.shape, kernel: kernel, stride: stride, padding: padding)
    guard g.outputShape.reduce(1, *) > 0 else { return Tensor(shape: g.outputShape) }
    let (height, width, outHeight, outWidth) = (g.height, g.width, g.outHeight, g.outWidth)
    let rowLength = width &+ 2 &* padding

    return Tensor(shape: g.outputShape, uninitializedBy: { output in
        x.scalars.withUnsafeBufferPointer { input in
            let src = input.baseAddress!, dst = output.baseAddress!
            forEachChunk(count: g.planes, costPerItem: outHeight * (kernel * width + kernel * outWidth)) { range in
                // Column maxima of the current window rows, with `padding` cells of −∞ each side
                // (and slack for the 16-wide loads of `rowMaxima`).
                let columns = UnsafeMutablePointer<Float>.allocate(capacity: rowLength &+ 16)
                defer { columns.deallocate() }
                columns.initialize(repeating: -.infinity, count: rowLength &+ 16)
                let inner = columns + padding
                for plane in range {
                    let planeIn = src + plane &* height &* width
                    let planeOut = dst + plane &* outHeight &* outWidth
                    for oy in 0 ..< outHeight {
                        let top = oy &* stride &- padding
                        let firstRow = max(top, 0), endRow = min(top &+ kernel, height)
                        inner.update(from: planeIn + firstRow &* width, count: width)
                        var y = firstRow &+ 1
                        while y < endRow {
                            let row = planeIn + y &* width
                            var i = 0
                            while i &+ vectorWidth <= width {
                                inner.setVector(maximumPropagatingNaN(inner.vector(at: i), row.vector(at: i)), at: i)
                                i &+= vectorWidth
                            }
                            while i < width {
                                inner[i] = maximumPropagatingNaN(inner[i], row[i])
                                i &+= 1
                            }
                            y &+= 1
                        }
                        rowMaxima(UnsafePointer(columns), into: planeOut + oy &* outWidth,
                                  count: outWidth, kernel: kernel, stride: stride)
                    }
                }
            }
        }
    })
}

/// out[o] = max over k < kernel of columns[o · stride + k], eight outputs at a time (stride 1:
/// shifted loads; stride 2: even/odd halves of 16-wide loads; else gathered lanes), NaN
/// winning like in PyTorch. `columns` must hold 16 readable elements past the last window.
@inline(__always)
private func rowMaxima(_ columns: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                       count: Int, kernel: Int, stride: Int) {
    var o = 0
    while o &+ vectorWidth <= count {
        let base = columns + o &* stride
        var m: FloatVector
        switch stride {
        case 1:
            m = base.vector(at: 0)
            for k in 1 ..< kernel { m = maximumPropagatingNaN(m, base.vector(at: k)) }
        case 2:
            m = UnsafeRawPointer(base).loadUnaligned(as: SIMD16<Float>.self).evenHalf
            for k in 1 ..< kernel {
                let wide = UnsafeRawPointer(base + (k & ~1)).loadUnaligned(as: SIMD16<Float>.self)
                m = maximumPropagatingNaN(m, k & 1 == 0 ? wide.evenHalf : wide.oddHalf)
            }
        default:
            m = FloatVector(repeating: 0)
            for lane in 0 ..< vectorWidth { m[lane] = base[lane &* stride] }
            for k in 1 ..< kernel {
                var v = FloatVector(repeating: 0)
                for lane in 0 ..< vectorWidth { v[lane] = base[lane &* stride &+ k] }
                m = maximumPropagatingNaN(m, v)
            }
        }
        out.setVector(m, at: o)
        o &+= vectorWidth
    }
    while o < count {
        let window = columns + o &* stride
        var m = window[0]
        for k in 1 ..< kernel { m = maximumPropagatingNaN(m, window[k]) }
        out[o] = m
        o &+= 1
    }
}

/// Plain-loop twin of `maxPool2d`: every window scanned row by row like PyTorch's CPU kernel
/// (start at −∞, take a value when it is greater or NaN), skipping cells outside the input.
public func maxPool2dNaive(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    let stride = stride ?? kernel
    let g = MaxPoolGeometry(x.shape, kernel: kernel, stride: stride, padding: padding)
    var result = Tensor(shape: g.outputShape)
    for plane in 0 ..< g.planes {
        for oy in 0 ..< g.outHeight {
            for ox in 0 ..< g.outWidth {
                var m = -Float.infinity
                for ky in 0 ..< kernel {
                    for kx in 0 ..< kernel {
                        let y = oy * stride - padding + ky, x2 = ox * stride - padding + kx
                        guard y >= 0, y < g.height, x2 >= 0, x2 < g.width else { continue }
                        let v = x.scalars[(plane * g.height + y) * g.width + x2]
                        if v > m || v.isNaN { m = v }
                    }
                }
                result.scalars[(plane * g.outHeight + oy) * g.outWidth + ox] = m
            }
        }
    }
    return result
}

/// Sizes of one max-pooling call, checked the way PyTorch checks them.
private struct MaxPoolGeometry {
    let planes, height, width, outHeight, outWidth: Int
    let outputShape: [Int]

    init(_ shape: [Int], kernel: Int, stride: Int, padding: Int) {
        precondition(shape.count >= 2, "maxPool2d: input of shape \(shape) needs [..., H, W]")
        precondition(kernel > 0 && stride > 0, "maxPool2d: kernel \(kernel) and stride \(stride) must be positive")
        precondition(padding >= 0 && padding <= kernel / 2,
                     "maxPool2d: padding \(padding) must be between 0 and half the kernel \(kernel)")
        height = shape[shape.count - 2]
        width = shape[shape.count - 1]
        planes = shape.dropLast(2).reduce(1, *)
        precondition(height > 0 && width > 0, "maxPool2d: input of shape \(shape) has an empty plane")
        precondition(height + 2 * padding >= kernel && width + 2 * padding >= kernel,
                     "maxPool2d: kernel \(kernel) is larger than the padded input \(shape)")
        outHeight = (height + 2 * padding - kernel) / stride + 1
        outWidth = (width + 2 * padding - kernel) / stride + 1
        outputShape = shape.dropLast(2) + [outHeight, outWidth]
    }
}
