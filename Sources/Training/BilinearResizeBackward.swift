// BilinearResizeBackward: the gradient of bilinear resizing (Tensors/BilinearResize.swift,
// `F.interpolate(mode='bilinear')`; the IRNet heads' ×2 / ×4 upsampling, DESIGN §6). The
// forward is linear: out[oy, ox] = Σ λy·λx·in[y, x] over the two source rows y ∈ {y0, y1} and
// columns x ∈ {x0, x1} of each axis' tap. Its gradient is the adjoint: every source pixel
// accumulates dy[oy, ox]·λy·λx from each output that read it. Taps follow PyTorch's
// area_pixel_compute_scale / source_index in Float for both align_corners settings, size and
// scale-factor forms. The fast kernel applies the adjoint one axis at a time (per output row
// spread along x, then into its two source rows); the twin scatters the four corners.

import Tensors

/// dL/dx of `resizeBilinear(x, height:, width:, alignCorners:)` for an input whose last two
/// dims are `inputHeight` × `inputWidth`, given the gradient of the resized output.
public func resizeBilinearBackward(outputGradient dy: Tensor, inputHeight: Int, inputWidth: Int,
                                   alignCorners: Bool) -> Tensor {
    resizeBilinearBackward(dy, inputHeight, inputWidth, alignCorners, nil, nil)
}

/// dL/dx of `resizeBilinear(x, scaleFactor:, alignCorners:)` (output ⌊H·s⌋ × ⌊W·s⌋, sampled
/// with 1/s as PyTorch does), given the gradient of the resized output.
public func resizeBilinearBackward(outputGradient dy: Tensor, inputHeight: Int, inputWidth: Int,
                                   scaleFactor: Double, alignCorners: Bool) -> Tensor {
    resizeBilinearBackward(outputGradient: dy, inputHeight: inputHeight, inputWidth: inputWidth,
                           heightScale: scaleFactor, widthScale: scaleFactor, alignCorners: alignCorners)
}

/// dL/dx of `resizeBilinear(x, heightScale:, widthScale:, alignCorners:)`.
public func resizeBilinearBackward(outputGradient dy: Tensor, inputHeight: Int, inputWidth: Int,
                                   heightScale: Double, widthScale: Double, alignCorners: Bool) -> Tensor {
    precondition(dy.rank >= 2, "resizeBilinearBackward: output gradient \(dy.shape) needs [..., H, W]")
    let outHeight = Int((Double(inputHeight) * heightScale).rounded(.down))
    let outWidth = Int((Double(inputWidth) * widthScale).rounded(.down))
    precondition(dy.shape[dy.rank - 2] == outHeight && dy.shape[dy.rank - 1] == outWidth,
                 "resizeBilinearBackward: output gradient \(dy.shape) is not \(inputHeight)×\(inputWidth) scaled by \(heightScale)×\(widthScale)")
    return resizeBilinearBackward(dy, inputHeight, inputWidth, alignCorners, heightScale, widthScale)
}

private func resizeBilinearBackward(_ dy: Tensor, _ inHeight: Int, _ inWidth: Int, _ alignCorners: Bool,
                                    _ heightScale: Double?, _ widthScale: Double?) -> Tensor {
    let (planes, outHeight, outWidth) = checkResizeBackward(dy, inHeight, inWidth)
    let rows = BilinearTaps(inputSize: inHeight, outputSize: outHeight, alignCorners: alignCorners,
                          scaleFactor: heightScale)
    let columns = BilinearTaps(inputSize: inWidth, outputSize: outWidth, alignCorners: alignCorners,
                             scaleFactor: widthScale)
    var dx = Tensor(shape: dy.shape.dropLast(2) + [inHeight, inWidth])
    guard planes > 0 else { return dx }
    dy.scalars.withUnsafeBufferPointer { upstream in
        dx.scalars.withUnsafeMutableBufferPointer { target in
            rows.withTaps { y0, y1, ly0, ly1 in
                columns.withTaps { x0, x1, lx0, lx1 in
                    let cost = outHeight &* (2 &* outWidth &+ 2 &* inWidth)
                    let workers = planes &* cost < 1 << 17 ? 1 : Parallelism.workers
                    let tasks = min(planes, workers == 1 ? 1 : 4 &* workers)
                    Parallelism.forEachTask(tasks, workers: workers) { task in
                        let line = UnsafeMutablePointer<Float>.allocate(capacity: inWidth)
                        defer { line.deallocate() }
                        for plane in Parallelism.share(of: planes, parts: tasks, index: task) {
                            let source = upstream.baseAddress! + plane &* outHeight &* outWidth
                            let result = target.baseAddress! + plane &* inHeight &* inWidth
                            for oy in 0..<outHeight {
                                // Spread output row oy along x into one input-width line ...
                                line.initialize(repeating: 0, count: inWidth)
                                let row = source + oy &* outWidth
                                for ox in 0..<outWidth {
                                    let g = row[ox]
                                    line[x0[ox]] += g * lx0[ox]
                                    line[x1[ox]] += g * lx1[ox]
                                }
                                // ... then add the line into its two source rows.
                                addScaled(line, ly0[oy], into: result + y0[oy] &* inWidth, count: inWidth)
                                addScaled(line, ly1[oy], into: result + y1[oy] &* inWidth, count: inWidth)
                            }
                        }
                    }
                }
            }
        }
    }
    return dx
}

/// target[i] += line[i]·weight for i < count, eight lanes at a time.
@inline(__always)
private func addScaled(_ line: UnsafeMutablePointer<Float>, _ weight: Float,
                       into target: UnsafeMutablePointer<Float>, count: Int) {
    let w = SIMD8<Float>(repeating: weight)
    var i = 0
    while i &+ 8 <= count {
        let sum = UnsafeRawPointer(target + i).loadUnaligned(as: SIMD8<Float>.self)
            + UnsafeRawPointer(line + i).loadUnaligned(as: SIMD8<Float>.self) * w
        UnsafeMutableRawPointer(target + i).storeBytes(of: sum, as: SIMD8<Float>.self)
        i &+= 8
    }
    while i < count {
        target[i] += line[i] * weight
        i &+= 1
    }
}

/// Naive twin of `resizeBilinearBackward`: every output element adds dy·λy·λx to its four
/// source pixels, in output order. `heightScale` / `widthScale` select the scale-factor form
/// (nil: size form); the input size is given explicitly either way.
public func resizeBilinearBackwardNaive(outputGradient dy: Tensor, inputHeight: Int, inputWidth: Int,
                                        alignCorners: Bool, heightScale: Double? = nil,
                                        widthScale: Double? = nil) -> Tensor {
    let (planes, outHeight, outWidth) = checkResizeBackward(dy, inputHeight, inputWidth)
    let rows = BilinearTaps(inputSize: inputHeight, outputSize: outHeight, alignCorners: alignCorners,
                          scaleFactor: heightScale)
    let columns = BilinearTaps(inputSize: inputWidth, outputSize: outWidth, alignCorners: alignCorners,
                             scaleFactor: widthScale)
    var dx = Tensor(shape: dy.shape.dropLast(2) + [inputHeight, inputWidth])
    for plane in 0..<planes {
        for oy in 0..<outHeight {
            for ox in 0..<outWidth {
                let g = dy.scalars[(plane * outHeight + oy) * outWidth + ox]
                func add(_ y: Int, _ x: Int, _ weight: Float) {
                    dx.scalars[(plane * inputHeight + y) * inputWidth + x] += weight * g
                }
                add(rows.index0[oy], columns.index0[ox], rows.lambda0[oy] * columns.lambda0[ox])
                add(rows.index0[oy], columns.index1[ox], rows.lambda0[oy] * columns.lambda1[ox])
                add(rows.index1[oy], columns.index0[ox], rows.lambda1[oy] * columns.lambda0[ox])
                add(rows.index1[oy], columns.index1[ox], rows.lambda1[oy] * columns.lambda1[ox])
            }
        }
    }
    return dx
}

private func checkResizeBackward(_ dy: Tensor, _ inHeight: Int, _ inWidth: Int)
    -> (planes: Int, outHeight: Int, outWidth: Int) {
    precondition(dy.rank >= 2, "resizeBilinearBackward: output gradient \(dy.shape) needs [..., H, W]")
    let outHeight = dy.shape[dy.rank - 2], outWidth = dy.shape[dy.rank - 1]
    precondition(inHeight > 0 && inWidth > 0 && outHeight > 0 && outWidth > 0,
                 "resizeBilinearBackward: cannot resize \(inHeight)×\(inWidth) to \(outHeight)×\(outWidth)")
    return (dy.shape.dropLast(2).reduce(1, *), outHeight, outWidth)
}
