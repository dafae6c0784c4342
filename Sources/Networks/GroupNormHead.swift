// GroupNormHead: one level of the IRNet branches (reference net/resnet50_irn.py, fc_edge1…5 and
// fc_dp1…6): a bias-free 1×1 conv, GroupNorm, optionally a bilinear ×2/×4 upsampling
// (align_corners=False) BEFORE the ReLU, then the ReLU (DESIGN §6). The reference crops the
// upsampled level afterwards; ReLU and cropping commute, so the crop comes first here and the
// ReLU runs on the smaller map. Parameter names: "<prefix>.0.weight" (conv), "<prefix>.1.weight"
// and "<prefix>.1.bias" (GroupNorm γ, β).

import Tensors

struct GroupNormHead: Sendable {
    /// [Cout, Cin, 1, 1], packed for the GEMM.
    let weight: ConvolutionWeight
    let gamma: Tensor
    let beta: Tensor
    let groups: Int
    /// Upsampling factor after the norm (1: none).
    let upsampling: Int

    static func layout(prefix: String, inChannels: Int, outChannels: Int) -> ParameterLayout {
        var layout = ParameterLayout(network: prefix)
        layout.append(prefix + ".0.weight", shape: [outChannels, inChannels, 1, 1])
        layout.append(prefix + ".1.weight", shape: [outChannels])
        layout.append(prefix + ".1.bias", shape: [outChannels])
        return layout
    }

    init(_ parameters: [String: Tensor], prefix: String, groups: Int, upsampling: Int) {
        weight = ConvolutionWeight(parameters.bound(prefix + ".0.weight"))
        gamma = parameters.bound(prefix + ".1.weight")
        beta = parameters.bound(prefix + ".1.bias")
        self.groups = groups
        self.upsampling = upsampling
    }

    /// ReLU(upsample(GroupNorm(conv(x)))) for x [N, Cin, H, W], cropped to the top-left
    /// `size` (height, width) when given (which must fit in the upsampled map).
    func callAsFunction(_ x: Tensor, croppedTo size: (Int, Int)? = nil,
                        workspace: GEMMWorkspace) -> Tensor {
        let projected = conv2d(x, weight: weight, workspace: workspace)
        var y = groupNorm(projected, groups: groups, weight: gamma, bias: beta, epsilon: 1e-5)
        if upsampling != 1 {
            y = resizeBilinear(y, scaleFactor: Double(upsampling), alignCorners: false)
        }
        if let (height, width) = size, height != y.shape[2] || width != y.shape[3] {
            y = crop(y, top: 0, left: 0, height: height, width: width)
        }
        y.applyReLU()
        return y
    }
}
