// BilinearResize: bilinear resampling of the last two dims, equal to PyTorch's
// `F.interpolate(mode='bilinear')` with either `align_corners`, given an output size or a scale
// factor. It resizes CAMs to the stride-4 and full-resolution grids and upsamples the IRNet
// head features ×2 / ×4 (DESIGN §6), and PAMR's mask (align_corners=True).
// Per axis (PyTorch's area_pixel_compute_scale / _source_index, in Float):
//   scale = (in−1)/(out−1) if alignCorners (0 when out = 1), else 1/scaleFactor if a factor was
//   given, else in/out; source = scale·o (alignCorners) or max(scale·(o+½)−½, 0); equal sizes
//   copy. Value = (row y0 at x0,x1 blended by x) · λy0 + (row y1 likewise) · λy1.

/// Resizes the last two dims of `x` ([..., H, W]) to `height` × `width` bilinearly.
/// Equals `F.interpolate(x, size=(height, width), mode='bilinear', align_corners=alignCorners)`.
public func resizeBilinear(_ x: Tensor, height: Int, width: Int, alignCorners: Bool) -> Tensor {
    resizeBilinear(x, height: height, width: width, alignCorners: alignCorners,
                   heightScale: nil, widthScale: nil)
}

/// Resizes the last two dims of `x` by `scaleFactor` (output ⌊H·s⌋ × ⌊W·s⌋), sampling with
/// 1/scaleFactor as PyTorch does when `recompute_scale_factor` is not set. Equals
/// `F.interpolate(x, scale_factor=scaleFactor, mode='bilinear', align_corners=alignCorners)`.
public func resizeBilinear(_ x: Tensor, scaleFactor: Double, alignCorners: Bool) -> Tensor {
    resizeBilinear(x, heightScale: scaleFactor, widthScale: scaleFactor, alignCorners: alignCorners)
}

/// Resizes by separate factors for height and width (see `resizeBilinear(_:scaleFactor:alignCorners:)`).
public func resizeBilinear(_ x: Tensor, heightScale: Double, widthScale: Double,
                           alignCorners: Bool) -> Tensor {
    let (height, width) = scaledSize(x.shape, heightScale, widthScale)
    return resizeBilinear(x, height: height, width: width, alignCorners: alignCorners,
                          heightScale: heightScale, widthScale: widthScale)
}

/// Fast kernel: each needed input row is blended along x once into a cached row (two are kept,
/// as consecutive output rows share source rows), then two cached rows are blended along y
/// with SIMD over the output width. Threads over planes.
func resizeBilinear(_ x: Tensor, height outHeight: Int, width outWidth: Int, alignCorners: Bool,
                    heightScale: Double?, widthScale: Double?) -> Tensor {
    let (planes, inHeight, inWidth) = checkResizeArguments(x.shape, outHeight, outWidth)
    let rows = BilinearTaps(inputSize: inHeight, outputSize: outHeight, alignCorners: alignCorners,
                            scaleFactor: heightScale)
    let columns = BilinearTaps(inputSize: inWidth, outputSize: outWidth, alignCorners: alignCorners,
                               scaleFactor: widthScale)
    let outputShape: [Int] = x.shape.dropLast(2) + [outHeight, outWidth]
    guard planes > 0 else { return Tensor(shape: outputShape) }

    return Tensor(shape: outputShape, uninitializedBy: { output in
        x.scalars.withUnsafeBufferPointer { input in
            let src = input.baseAddress!, dst = output.baseAddress!
            let cost = outHeight * outWidth * 3 + min(inHeight, 2 * outHeight) * outWidth * 4
            forEachChunk(count: planes, costPerItem: cost) { range in
                let cache = UnsafeMutablePointer<Float>.allocate(capacity: 2 &* outWidth)
                defer { cache.deallocate() }
                let slots = (cache, cache + outWidth)
                for plane in range {
                    let planeIn = src + plane &* inHeight &* inWidth
                    let planeOut = dst + plane &* outHeight &* outWidth
                    var held = (-1, -1)  // input row blended into each slot

                    func fill(_ slot: Int, row: Int) {
                        let line = planeIn + row &* inWidth
                        let target = slot == 0 ? slots.0 : slots.1
                        columns.withTaps { x0, x1, w0, w1 in
                            for o in 0 ..< outWidth {
                                target[o] = line[x0[o]] * w0[o] + line[x1[o]] * w1[o]
                            }
                        }
                        if slot == 0 { held.0 = row } else { held.1 = row }
                    }

                    for oy in 0 ..< outHeight {
                        let y0 = rows.index0[oy], y1 = rows.index1[oy]
                        let s0: Int
                        if held.0 == y0 { s0 = 0 } else if held.1 == y0 { s0 = 1 } else {
                            s0 = held.0 == y1 ? 1 : 0
                            fill(s0, row: y0)
                        }
                        let s1: Int
                        if held.0 == y1 { s1 = 0 } else if held.1 == y1 { s1 = 1 } else {
                            s1 = 1 &- s0
                            fill(s1, row: y1)
                        }
                        let top = UnsafePointer(s0 == 0 ? slots.0 : slots.1)
                        let bottom = UnsafePointer(s1 == 0 ? slots.0 : slots.1)
                        let out = planeOut + oy &* outWidth
                        let l0 = rows.lambda0[oy], l1 = rows.lambda1[oy]
                        let v0 = FloatVector(repeating: l0), v1 = FloatVector(repeating: l1)
                        var i = 0
                        while i &+ vectorWidth <= outWidth {
                            out.setVector(top.vector(at: i) * v0 + bottom.vector(at: i) * v1, at: i)
                            i &+= vectorWidth
                        }
                        while i < outWidth {
                            out[i] = top[i] * l0 + bottom[i] * l1
                            i &+= 1
                        }
                    }
                }
            }
        }
    })
}

/// Plain-loop twin of `resizeBilinear`: every output element computed on its own from its four
/// source elements. `heightScale` / `widthScale` are the scale factors of the factor form
/// (nil: size form); the output size is given explicitly either way.
public func resizeBilinearNaive(_ x: Tensor, height outHeight: Int, width outWidth: Int,
                                alignCorners: Bool, heightScale: Double? = nil,
                                widthScale: Double? = nil) -> Tensor {
    let (planes, inHeight, inWidth) = checkResizeArguments(x.shape, outHeight, outWidth)
    let scaleY = bilinearScale(inputSize: inHeight, outputSize: outHeight,
                               alignCorners: alignCorners, scaleFactor: heightScale)
    let scaleX = bilinearScale(inputSize: inWidth, outputSize: outWidth,
                               alignCorners: alignCorners, scaleFactor: widthScale)
    var result = Tensor(shape: x.shape.dropLast(2) + [outHeight, outWidth])
    for plane in 0 ..< planes {
        for oy in 0 ..< outHeight {
            let (y0, y1, ly0, ly1) = bilinearTap(oy, scale: scaleY, inputSize: inHeight,
                                                 outputSize: outHeight, alignCorners: alignCorners)
            for ox in 0 ..< outWidth {
                let (x0, x1, lx0, lx1) = bilinearTap(ox, scale: scaleX, inputSize: inWidth,
                                                     outputSize: outWidth, alignCorners: alignCorners)
                func at(_ y: Int, _ x2: Int) -> Float { x.scalars[(plane * inHeight + y) * inWidth + x2] }
                let upper = at(y0, x0) * lx0 + at(y0, x1) * lx1
                let lower = at(y1, x0) * lx0 + at(y1, x1) * lx1
                result.scalars[(plane * outHeight + oy) * outWidth + ox] = upper * ly0 + lower * ly1
            }
        }
    }
    return result
}

/// The output size of the scale-factor form: ⌊in · factor⌋ per axis, computed in Double like
/// PyTorch's `F.interpolate`.
private func scaledSize(_ shape: [Int], _ heightScale: Double, _ widthScale: Double) -> (Int, Int) {
    precondition(shape.count >= 2, "resizeBilinear: input of shape \(shape) needs [..., H, W]")
    precondition(heightScale > 0 && widthScale > 0 && heightScale.isFinite && widthScale.isFinite,
                 "resizeBilinear: scale factors \(heightScale), \(widthScale) must be positive")
    let height = (Double(shape[shape.count - 2]) * heightScale).rounded(.down)
    let width = (Double(shape[shape.count - 1]) * widthScale).rounded(.down)
    precondition(height >= 1 && width >= 1 && height < 0x1p40 && width < 0x1p40,
                 "resizeBilinear: scaling \(shape) by \(heightScale)×\(widthScale) gives no valid size")
    return (Int(height), Int(width))
}

private func checkResizeArguments(_ shape: [Int], _ outHeight: Int, _ outWidth: Int)
    -> (planes: Int, height: Int, width: Int) {
    precondition(shape.count >= 2, "resizeBilinear: input of shape \(shape) needs [..., H, W]")
    let height = shape[shape.count - 2], width = shape[shape.count - 1]
    precondition(height > 0 && width > 0 && outHeight > 0 && outWidth > 0,
                 "resizeBilinear: cannot resize \(shape) to \(outHeight)×\(outWidth)")
    return (shape.dropLast(2).reduce(1, *), height, width)
}

/// Source-to-destination coordinate ratio of one axis (PyTorch's area_pixel_compute_scale).
func bilinearScale(inputSize: Int, outputSize: Int, alignCorners: Bool, scaleFactor: Double?) -> Float {
    if alignCorners {
        return outputSize > 1 ? Float(inputSize - 1) / Float(outputSize - 1) : 0
    }
    if let factor = scaleFactor, factor > 0 {
        return Float(1.0 / factor)
    }
    return Float(inputSize) / Float(outputSize)
}

/// The two source indices and their weights for output index `o` along one axis (PyTorch's
/// area_pixel_compute_source_index followed by its index/lambda guards).
func bilinearTap(_ o: Int, scale: Float, inputSize: Int, outputSize: Int, alignCorners: Bool)
    -> (index0: Int, index1: Int, lambda0: Float, lambda1: Float) {
    if inputSize == outputSize { return (o, o, 1, 0) }
    let source: Float
    if alignCorners {
        source = scale * Float(o)
    } else {
        let centred = scale * (Float(o) + 0.5) - 0.5
        source = centred < 0 ? 0 : centred
    }
    let index0 = min(Int(source.rounded(.down)), inputSize - 1)
    let lambda1 = min(max(source - Float(index0), 0), 1)
    let index1 = index0 < inputSize - 1 ? index0 + 1 : index0
    return (index0, index1, 1 - lambda1, lambda1)
}

/// Precomputed `bilinearTap`s of every output index of one axis: the two source indices and
/// their weights, as PyTorch's upsample_bilinear2d computes them (also used by the backward pass).
public struct BilinearTaps {
    public private(set) var index0: [Int] = [], index1: [Int] = []
    public private(set) var lambda0: [Float] = [], lambda1: [Float] = []

    public init(inputSize: Int, outputSize: Int, alignCorners: Bool, scaleFactor: Double?) {
        let scale = bilinearScale(inputSize: inputSize, outputSize: outputSize,
                                  alignCorners: alignCorners, scaleFactor: scaleFactor)
        for o in 0 ..< outputSize {
            let tap = bilinearTap(o, scale: scale, inputSize: inputSize, outputSize: outputSize,
                                  alignCorners: alignCorners)
            index0.append(tap.index0); index1.append(tap.index1)
            lambda0.append(tap.lambda0); lambda1.append(tap.lambda1)
        }
    }

    /// The four arrays as unsafe pointers, for the inner loops.
    public func withTaps<R>(_ body: (UnsafePointer<Int>, UnsafePointer<Int>, UnsafePointer<Float>,
                              UnsafePointer<Float>) -> R) -> R {
        index0.withUnsafeBufferPointer { i0 in
            index1.withUnsafeBufferPointer { i1 in
                lambda0.withUnsafeBufferPointer { l0 in
                    lambda1.withUnsafeBufferPointer { l1 in
                        body(i0.baseAddress!, i1.baseAddress!, l0.baseAddress!, l1.baseAddress!)
                    }
                }
            }
        }
    }
}
