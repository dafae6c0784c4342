// FoldedConvolution: a bias-free conv followed by an inference-mode batch norm (eps 1e-5), held
// as one conv with folded weight and bias (DESIGN §6: ResNet50's batch norm is folded at load
// time; §7: bias and ReLU run in the GEMM epilogue). Every conv of the ResNet50 backbone is
// one of these; the parameter names are the reference's "<conv>.weight" and "<bn>.weight /
// .bias / .running_mean / .running_var". The folded weight is kept packed for the GEMM; wide
// 3×3 stride-1 convs keep their filter in the Winograd domain too and run as conv2dWinograd
// F(4×4, 3×3) on big enough maps (DESIGN §7).

import Tensors

struct FoldedConvolution: Sendable {
    /// [Cout, Cin, k, k], batch norm folded in, packed for the GEMM.
    let weight: ConvolutionWeight
    /// [Cout], batch norm folded in.
    let bias: Tensor
    let stride: Int
    let padding: Int
    /// The folded weight as G g Gᵀ, for a 3×3 stride-1 conv with at least
    /// `winogradMinimumChannels` inputs (4× the weight's memory), else nil.
    let winogradFilter: WinogradFilter?

    /// Below these sizes im2col + GEMM is as fast (measured with `irn bench conv` and `irn bench
    /// networks`, Docs/Benchmarks.md): input channels of the conv, and output pixels per image —
    /// fewer for wide convs, whose transforms cost little beside their products.
    static let winogradMinimumChannels = 16
    static let winogradMinimumPixels = 256
    static let wideWinogradMinimumChannels = 256
    static let wideWinogradMinimumPixels = 128

    /// Whether a map of `outputPixels` per image runs by Winograd (given the filter is kept).
    func usesWinograd(outputPixels: Int) -> Bool {
        let wide = weight.inChannels >= FoldedConvolution.wideWinogradMinimumChannels
        return outputPixels >= (wide ? FoldedConvolution.wideWinogradMinimumPixels : FoldedConvolution.winogradMinimumPixels)
    }

    var outputChannels: Int { weight.outChannels }

    /// The entries of the conv `conv` ([outChannels, inChannels, k, k]) and its batch norm `norm`.
    static func layout(conv: String, norm: String, inChannels: Int, outChannels: Int,
                       kernel: Int) -> ParameterLayout {
        var layout = ParameterLayout(network: conv)
        layout.append(conv + ".weight", shape: [outChannels, inChannels, kernel, kernel])
        for statistic in ["weight", "bias", "running_mean", "running_var"] {
            layout.append(norm + "." + statistic, shape: [outChannels])
        }
        return layout
    }

    /// Folds the bound tensors of conv `conv` and batch norm `norm`.
    init(_ parameters: [String: Tensor], conv: String, norm: String, stride: Int, padding: Int) {
        let folded = foldBatchNorm(weight: parameters.bound(conv + ".weight"),
                                   gamma: parameters.bound(norm + ".weight"),
                                   beta: parameters.bound(norm + ".bias"),
                                   runningMean: parameters.bound(norm + ".running_mean"),
                                   runningVariance: parameters.bound(norm + ".running_var"),
                                   epsilon: 1e-5)
        weight = ConvolutionWeight(folded.weight)
        bias = folded.bias
        self.stride = stride
        self.padding = padding
        let shape = folded.weight.shape
        winogradFilter = shape[2] == 3 && shape[3] == 3 && stride == 1
            && shape[1] >= FoldedConvolution.winogradMinimumChannels ? WinogradFilter(folded.weight) : nil
    }

    /// act(bn(conv(x))) for a batch x [N, Cin, H, W].
    func callAsFunction(_ x: Tensor, activation: Activation, workspace: GEMMWorkspace) -> Tensor {
        if let winogradFilter, x.rank == 4 {
            let outputPixels = (x.shape[2] + 2 * padding - 2) * (x.shape[3] + 2 * padding - 2)
            if usesWinograd(outputPixels: outputPixels) {
                return conv2dWinograd(x, filter: winogradFilter, bias: bias, padding: (padding, padding),
                                      activation: activation, workspace: workspace)
            }
        }
        return conv2d(x, weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding),
                      activation: activation, workspace: workspace)
    }

    /// residual ← ReLU(bn(conv(x)) + residual) for a 1×1 stride-1 conv: one GEMM per image whose
    /// epilogue adds the old contents (β = 1), the folded bias and applies the ReLU, so the
    /// bottleneck's residual sum costs no extra pass over memory.
    func addingReLU(_ x: Tensor, into residual: inout Tensor) {
        precondition(weight.shape[2] == 1 && weight.shape[3] == 1 && stride == 1 && padding == 0,
                     "addingReLU needs a pointwise conv")
        let batch = x.shape[0], inChannels = x.shape[1]
        let pixels = x.shape[2] * x.shape[3]
        let outChannels = outputChannels
        precondition(inChannels == weight.inChannels
                        && residual.shape == [batch, outChannels, x.shape[2], x.shape[3]],
                     "addingReLU: input \(x.shape), weight \(weight.shape), residual \(residual.shape)")
        guard pixels > 0, batch > 0 else { return }
        x.scalars.withUnsafeBufferPointer { input in
            bias.scalars.withUnsafeBufferPointer { b in
                residual.scalars.withUnsafeMutableBufferPointer { output in
                    for n in 0 ..< batch {
                        gemm(weight.packed, n: pixels,
                             b: input.baseAddress! + n &* inChannels &* pixels, ldb: pixels,
                             beta: 1, c: output.baseAddress! + n &* outChannels &* pixels, ldc: pixels,
                             rowBias: b.baseAddress, activation: .relu)
                    }
                }
            }
        }
    }
}
