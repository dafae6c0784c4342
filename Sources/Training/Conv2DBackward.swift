// Conv2DBackward: the gradients of a 2-D convolution (Tensors/Conv2D.swift) with respect to its
// input, weight and bias, as PyTorch's autograd computes them for `F.conv2d` (DESIGN §6
// "Training": every conv of ResNet50 stages 3-4, the CAM classifier, the IRNet heads).
// Forward, per image: Y = W·X̃ + b, with W the [Cout, K] weight matrix (K = Cin·kh·kw) and
// X̃ = im2col(x) the [K, P] patch matrix (P = output pixels). Hence, summed over the batch,
//   dW = Σₙ dYₙ·X̃ₙᵀ,   db[o] = Σₙ Σₚ dYₙ[o, p],   dxₙ = col2im(Wᵀ·dYₙ),
// each product on the blocked GEMM. `conv2dBackwardNaive` is the same definition as direct
// loops over every (output, tap) pair, summed in Double.

import Tensors

/// The gradients of a convolution's loss with respect to its operands.
public struct Conv2DGradients: Sendable {
    /// dL/dx, [N, Cin, H, W]; nil when it was not asked for.
    public var input: Tensor?
    /// dL/dW, [Cout, Cin, kh, kw].
    public var weight: Tensor
    /// dL/db, [Cout] (whether or not the conv has a bias; a conv without one ignores it).
    public var bias: Tensor
}

/// Gradients of `conv2d(input, weight: weight, bias: _, stride:, padding:, dilation:)` given the
/// gradient of its output `outputGradient` ([N, Cout, outH, outW]). Set `computeInputGradient`
/// to false when the input needs none (a detached or frozen input) to skip the col2im half.
public func conv2dBackward(outputGradient: Tensor, input: Tensor, weight: Tensor,
                           stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                           dilation: (Int, Int) = (1, 1), computeInputGradient: Bool = true) -> Conv2DGradients {
    let (batch, g, outChannels) = checkConv2DBackward(outputGradient, input, weight, stride, padding, dilation)
    let pixels = g.outputPixels, patch = g.patchSize
    let planeSize = g.channels * g.height * g.width
    var weightGradient = [Float](repeating: 0, count: outChannels * patch)
    var inputGradient = computeInputGradient ? [Float](repeating: 0, count: input.count) : []
    let biasGradient = rowSums(outputGradient, batch: batch, rows: outChannels, columns: pixels)
    guard outChannels > 0 && patch > 0 && batch > 0 && planeSize > 0 else {
        return Conv2DGradients(input: computeInputGradient ? Tensor(shape: input.shape, scalars: inputGradient) : nil,
                               weight: Tensor(shape: weight.shape, scalars: weightGradient), bias: biasGradient)
    }
    // One patch matrix, reused: im2col(xₙ) for dW, then overwritten by Wᵀ·dYₙ for dx.
    var patches = [Float](repeating: 0, count: g.isPointwise ? 0 : patch * pixels)
    input.scalars.withUnsafeBufferPointer { x in
        weight.scalars.withUnsafeBufferPointer { w in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                weightGradient.withUnsafeMutableBufferPointer { dw in
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        patches.withUnsafeMutableBufferPointer { patches in
                            for n in 0..<batch {
                                let image = x.baseAddress! + n * planeSize
                                let upstream = dy.baseAddress! + n * outChannels * pixels
                                // dW (+)= dYₙ [Cout, P] · X̃ₙᵀ [P, K]
                                let columns: UnsafePointer<Float>
                                if g.isPointwise {
                                    columns = image
                                } else {
                                    im2col(image, geometry: g, into: patches.baseAddress!)
                                    columns = UnsafePointer(patches.baseAddress!)
                                }
                                gemm(transposeB: true, m: outChannels, n: patch, k: pixels,
                                     a: upstream, lda: pixels, b: columns, ldb: pixels,
                                     beta: n == 0 ? 0 : 1, c: dw.baseAddress!, ldc: patch)
                                guard computeInputGradient else { continue }
                                // dxₙ = col2im(Wᵀ [K, Cout] · dYₙ [Cout, P])
                                let target = dx.baseAddress! + n * planeSize
                                if g.isPointwise {
                                    gemm(transposeA: true, m: patch, n: pixels, k: outChannels,
                                         a: w.baseAddress!, lda: patch, b: upstream, ldb: pixels,
                                         c: target, ldc: pixels)
                                } else {
                                    gemm(transposeA: true, m: patch, n: pixels, k: outChannels,
                                         a: w.baseAddress!, lda: patch, b: upstream, ldb: pixels,
                                         c: patches.baseAddress!, ldc: pixels)
                                    col2im(patches.baseAddress!, geometry: g, addingInto: target)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return Conv2DGradients(input: computeInputGradient ? Tensor(shape: input.shape, scalars: inputGradient) : nil,
                           weight: Tensor(shape: weight.shape, scalars: weightGradient), bias: biasGradient)
}

/// Naive twin of `conv2dBackward`: for every output element and every tap of its window that
/// lies inside the input, dx[tap] += w·dy, dW += x[tap]·dy and db += dy, accumulated in Double.
public func conv2dBackwardNaive(outputGradient: Tensor, input: Tensor, weight: Tensor,
                                stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                                dilation: (Int, Int) = (1, 1)) -> Conv2DGradients {
    let (batch, g, outChannels) = checkConv2DBackward(outputGradient, input, weight, stride, padding, dilation)
    var dx = [Double](repeating: 0, count: input.count)
    var dw = [Double](repeating: 0, count: weight.count)
    var db = [Double](repeating: 0, count: outChannels)
    for n in 0..<batch {
        for o in 0..<outChannels {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let up = Double(outputGradient.scalars[((n * outChannels + o) * g.outputHeight + oy) * g.outputWidth + ox])
                    db[o] += up
                    for c in 0..<g.channels {
                        for ky in 0..<g.kernelHeight {
                            let iy = oy * g.strideY - g.paddingY + ky * g.dilationY
                            if iy < 0 || iy >= g.height { continue }
                            for kx in 0..<g.kernelWidth {
                                let ix = ox * g.strideX - g.paddingX + kx * g.dilationX
                                if ix < 0 || ix >= g.width { continue }
                                let xi = ((n * g.channels + c) * g.height + iy) * g.width + ix
                                let wi = ((o * g.channels + c) * g.kernelHeight + ky) * g.kernelWidth + kx
                                dx[xi] += Double(weight.scalars[wi]) * up
                                dw[wi] += Double(input.scalars[xi]) * up
                            }
                        }
                    }
                }
            }
        }
    }
    return Conv2DGradients(input: Tensor(shape: input.shape, scalars: dx.map { Float($0) }),
                           weight: Tensor(shape: weight.shape, scalars: dw.map { Float($0) }),
                           bias: Tensor(shape: [outChannels], scalars: db.map { Float($0) }))
}

/// Σₙ Σⱼ m[n, i, j] for an [N, rows, columns] tensor: eight-lane Float sums per row, Double across.
func rowSums(_ m: Tensor, batch: Int, rows: Int, columns: Int) -> Tensor {
    var totals = [Double](repeating: 0, count: rows)
    m.scalars.withUnsafeBufferPointer { values in
        guard let base = values.baseAddress else { return }
        for n in 0..<batch {
            for i in 0..<rows {
                totals[i] += sumOfFloats(base + (n &* rows &+ i) &* columns, count: columns)
            }
        }
    }
    return Tensor(shape: [rows], scalars: totals.map { Float($0) })
}

/// The sum of `count` floats: eight-lane Float accumulators over blocks of 1024, blocks in Double.
@inline(__always)
func sumOfFloats(_ p: UnsafePointer<Float>, count: Int) -> Double {
    var total = 0.0
    var start = 0
    while start < count {
        let end = min(start &+ 1024, count)
        var lanes = SIMD8<Float>()
        var i = start
        while i &+ 8 <= end {
            lanes += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            i &+= 8
        }
        var tail: Float = 0
        while i < end { tail += p[i]; i &+= 1 }
        total += Double(lanes.sum() + tail)
        start = end
    }
    return total
}

/// Shape checks shared by the backward pass and its twin.
private func checkConv2DBackward(_ dy: Tensor, _ input: Tensor, _ weight: Tensor, _ stride: (Int, Int),
                                 _ padding: (Int, Int), _ dilation: (Int, Int))
    -> (batch: Int, geometry: Conv2DGeometry, outChannels: Int) {
    precondition(input.rank == 4, "conv2dBackward: input must be [N, C, H, W], got \(input.shape)")
    precondition(weight.rank == 4 && weight.shape[1] == input.shape[1],
                 "conv2dBackward: weight \(weight.shape) does not fit input \(input.shape)")
    let g = Conv2DGeometry(channels: input.shape[1], height: input.shape[2], width: input.shape[3],
                           kernel: (weight.shape[2], weight.shape[3]), stride: stride, padding: padding,
                           dilation: dilation)
    let expected = [input.shape[0], weight.shape[0], g.outputHeight, g.outputWidth]
    precondition(dy.shape == expected,
                 "conv2dBackward: output gradient \(dy.shape) should be \(expected) for input \(input.shape), weight \(weight.shape)")
    return (input.shape[0], g, weight.shape[0])
}
