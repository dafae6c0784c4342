// conv2d: 2-D cross-correlation on NCHW tensors (PyTorch's F.conv2d without groups) with
// zero padding, stride and dilation per axis, optional bias and a fused activation. Each image
// is one GEMM, output[Cout, pixels] = weight[Cout, Cin·kh·kw] · im2col(image), all images
// sharing one packing of the weights (the image+flip pair packs them once): a 1×1 stride-1 conv
// multiplies the input directly; k×k convs pack im2col panels straight from the image
// (Im2Col.swift). Bias and ReLU run in the GEMM's store (DESIGN §7).

/// Output = act(conv(input, weight) + bias). input [N, Cin, H, W], weight [Cout, Cin, kh, kw],
/// bias [Cout]; returns [N, Cout, outH, outW] with outH = (H + 2·ph − dh·(kh−1) − 1)/sh + 1.
public func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                   dilation: (Int, Int) = (1, 1), activation: Activation = .identity,
                   workspace: GEMMWorkspace? = nil) -> Tensor {
    let (batch, geometry, outChannels) = Conv2DShape.check(input, weight: weight, bias: bias, stride: stride,
                                                           padding: padding, dilation: dilation)
    let shape = [batch, outChannels, geometry.outputHeight, geometry.outputWidth]
    let pixels = geometry.outputPixels
    let patch = geometry.patchSize
    let inputStride = geometry.channels * geometry.height * geometry.width
    let outputStride = outChannels * pixels
    let count = batch * outputStride
    if count == 0 || patch == 0 {
        // No input channels: every output is act(bias), as in PyTorch.
        var output = Tensor(shape: shape)
        for n in 0..<batch {
            for o in 0..<outChannels {
                let value = activation(bias?.scalars[o] ?? 0)
                for i in 0..<pixels { output.scalars[(n * outChannels + o) * pixels + i] = value }
            }
        }
        return output
    }
    // The GEMM (beta 0) writes every output element, so the array is not zeroed first.
    let scalars = [Float](unsafeUninitializedCapacity: count) { outputBuffer, initialized in
        GEMMWorkspace.using(workspace) { workspace in
            let biasValues = bias?.scalars ?? []
            input.scalars.withUnsafeBufferPointer { inputBuffer in
                weight.scalars.withUnsafeBufferPointer { weightBuffer in
                    biasValues.withUnsafeBufferPointer { biasBuffer in
                        // One plan for the batch: the weights are packed once for all images.
                        var plan = GEMMPlan(m: outChannels, n: pixels, k: patch, alpha: 1,
                                            a: weightBuffer.baseAddress!, lda: patch, transposeA: false,
                                            beta: 0, rowBias: bias == nil ? nil : biasBuffer.baseAddress,
                                            activation: activation, workspace: workspace)
                        for n in 0..<batch {
                            let image = inputBuffer.baseAddress! + n * inputStride
                            let result = outputBuffer.baseAddress! + n * outputStride
                            if geometry.isPointwise {
                                plan.multiply(MatrixPanelSource(base: image, ld: pixels, transposed: false),
                                              c: result, ldc: pixels)
                            } else {
                                plan.multiply(Im2ColPanelSource(image: image, geometry: geometry), c: result, ldc: pixels)
                            }
                        }
                    }
                }
            }
        }
        initialized = count
    }
    return Tensor(shape: shape, scalars: scalars)
}

/// The naive twin of conv2d: the definition as seven plain loops, one Float sum per output in
/// (c, ky, kx) order, then bias, then the activation.
public func conv2dNaive(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                        stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                        dilation: (Int, Int) = (1, 1), activation: Activation = .identity) -> Tensor {
    let (batch, g, outChannels) = Conv2DShape.check(input, weight: weight, bias: bias, stride: stride,
                                                    padding: padding, dilation: dilation)
    var output = Tensor(shape: [batch, outChannels, g.outputHeight, g.outputWidth])
    for n in 0..<batch {
        for o in 0..<outChannels {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    var sum: Float = 0
                    for c in 0..<g.channels {
                        for ky in 0..<g.kernelHeight {
                            let iy = oy * g.strideY - g.paddingY + ky * g.dilationY
                            if iy < 0 || iy >= g.height { continue }
                            for kx in 0..<g.kernelWidth {
                                let ix = ox * g.strideX - g.paddingX + kx * g.dilationX
                                if ix < 0 || ix >= g.width { continue }
                                sum += input.scalars[((n * g.channels + c) * g.height + iy) * g.width + ix]
                                    * weight.scalars[((o * g.channels + c) * g.kernelHeight + ky) * g.kernelWidth + kx]
                            }
                        }
                    }
                    if let bias { sum += bias.scalars[o] }
                    output.scalars[((n * outChannels + o) * g.outputHeight + oy) * g.outputWidth + ox] = activation(sum)
                }
            }
        }
    }
    return output
}

/// Argument checks shared by conv2d and its twin.
enum Conv2DShape {
    static func check(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: (Int, Int),
                      padding: (Int, Int), dilation: (Int, Int)) -> (batch: Int, geometry: Conv2DGeometry, outChannels: Int) {
        precondition(input.rank == 4, "conv2d: input must be [N, C, H, W], got \(input.shape)")
        precondition(weight.rank == 4, "conv2d: weight must be [Cout, Cin, kh, kw], got \(weight.shape)")
        precondition(weight.shape[1] == input.shape[1],
                     "conv2d: weight \(weight.shape) expects \(weight.shape[1]) input channels, input \(input.shape) has \(input.shape[1])")
        if let bias {
            precondition(bias.shape == [weight.shape[0]], "conv2d: bias \(bias.shape) must be [\(weight.shape[0])]")
        }
        let geometry = Conv2DGeometry(channels: input.shape[1], height: input.shape[2], width: input.shape[3],
                                      kernel: (weight.shape[2], weight.shape[3]), stride: stride,
                                      padding: padding, dilation: dilation)
        return (input.shape[0], geometry, weight.shape[0])
    }
}
