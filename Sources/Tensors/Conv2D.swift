// conv2d: 2-D cross-correlation on NCHW tensors (PyTorch's F.conv2d without groups) with
// zero padding, stride and dilation per axis, optional bias and a fused activation. Each image
// is one GEMM, output[Cout, pixels] = weight[Cout, Cin·kh·kw] · im2col(image), all images
// sharing one packing of the weights (the image+flip pair packs them once; a ConvolutionWeight
// is packed ahead of time, once for every call): a 1×1 stride-1 conv
// multiplies the input directly; k×k convs pack im2col panels straight from the image
// (Im2Col.swift). Bias and ReLU run in the GEMM's store (DESIGN §7).

/// Output = act(conv(input, weight) + bias). input [N, Cin, H, W], weight [Cout, Cin, kh, kw],
/// bias [Cout]; returns [N, Cout, outH, outW] with outH = (H + 2·ph − dh·(kh−1) − 1)/sh + 1.
public func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                   dilation: (Int, Int) = (1, 1), activation: Activation = .identity,
                   workspace: GEMMWorkspace? = nil) -> Tensor {
    let (batch, geometry, outChannels) = Conv2DShape.check(input, weightShape: weight.shape, bias: bias,
                                                           stride: stride, padding: padding, dilation: dilation)
    return weight.scalars.withUnsafeBufferPointer { weightBuffer in
        // One plan for the batch: the weights are packed once for all images.
        Conv2DShape.run(input, batch: batch, geometry: geometry, outChannels: outChannels, bias: bias,
                        activation: activation, workspace: workspace) { biasPointer, workspace in
            GEMMPlan(m: outChannels, n: geometry.outputPixels, k: geometry.patchSize, alpha: 1,
                     a: weightBuffer.baseAddress ?? UnsafePointer(bitPattern: 64)!, lda: max(1, geometry.patchSize),
                     transposeA: false, beta: 0, rowBias: biasPointer, activation: activation, workspace: workspace)
        }
    }
}

/// conv2d with weights packed ahead of time (`ConvolutionWeight`): the same result, bit for bit,
/// without packing the weights on every call.
public func conv2d(_ input: Tensor, weight: ConvolutionWeight, bias: Tensor? = nil,
                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                   dilation: (Int, Int) = (1, 1), activation: Activation = .identity,
                   workspace: GEMMWorkspace? = nil) -> Tensor {
    let (batch, geometry, outChannels) = Conv2DShape.check(input, weightShape: weight.shape, bias: bias,
                                                           stride: stride, padding: padding, dilation: dilation)
    return weight.packed.withPanels { panels in
        Conv2DShape.run(input, batch: batch, geometry: geometry, outChannels: outChannels, bias: bias,
                        activation: activation, workspace: workspace) { biasPointer, workspace in
            GEMMPlan(packed: weight.packed, panels: panels, n: geometry.outputPixels, alpha: 1, beta: 0,
                     rowBias: biasPointer, activation: activation, workspace: workspace)
        }
    }
}

/// The naive twin of conv2d: the definition as seven plain loops, one Float sum per output in
/// (c, ky, kx) order, then bias, then the activation.
public func conv2dNaive(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                        stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                        dilation: (Int, Int) = (1, 1), activation: Activation = .identity) -> Tensor {
    let (batch, g, outChannels) = Conv2DShape.check(input, weightShape: weight.shape, bias: bias, stride: stride,
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

/// Argument checks and the batch loop shared by the conv2d variants and the twin.
enum Conv2DShape {
    static func check(_ input: Tensor, weightShape: [Int], bias: Tensor?, stride: (Int, Int),
                      padding: (Int, Int), dilation: (Int, Int)) -> (batch: Int, geometry: Conv2DGeometry, outChannels: Int) {
        precondition(input.rank == 4, "conv2d: input must be [N, C, H, W], got \(input.shape)")
        precondition(weightShape.count == 4, "conv2d: weight must be [Cout, Cin, kh, kw], got \(weightShape)")
        precondition(weightShape[1] == input.shape[1],
                     "conv2d: weight \(weightShape) expects \(weightShape[1]) input channels, input \(input.shape) has \(input.shape[1])")
        if let bias {
            precondition(bias.shape == [weightShape[0]], "conv2d: bias \(bias.shape) must be [\(weightShape[0])]")
        }
        let geometry = Conv2DGeometry(channels: input.shape[1], height: input.shape[2], width: input.shape[3],
                                      kernel: (weightShape[2], weightShape[3]), stride: stride,
                                      padding: padding, dilation: dilation)
        return (input.shape[0], geometry, weightShape[0])
    }

    /// The output of a checked conv: one GEMM per image with the plan `makePlan` builds (given
    /// the bias pointer and the workspace); a 1×1 stride-1 conv multiplies the image itself,
    /// others pack im2col panels from it.
    static func run(_ input: Tensor, batch: Int, geometry: Conv2DGeometry, outChannels: Int, bias: Tensor?,
                    activation: Activation, workspace: GEMMWorkspace?,
                    makePlan: (UnsafePointer<Float>?, GEMMWorkspace) -> GEMMPlan) -> Tensor {
        let shape = [batch, outChannels, geometry.outputHeight, geometry.outputWidth]
        let pixels = geometry.outputPixels
        let inputStride = geometry.channels * geometry.height * geometry.width
        let outputStride = outChannels * pixels
        let count = batch * outputStride
        if count == 0 || geometry.patchSize == 0 {
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
                input.scalars.withUnsafeBufferPointer { inputBuffer in
                    (bias?.scalars ?? []).withUnsafeBufferPointer { biasBuffer in
                        var plan = makePlan(bias == nil ? nil : biasBuffer.baseAddress, workspace)
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
            initialized = count
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
