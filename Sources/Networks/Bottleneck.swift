// Bottleneck: the residual block of ResNet50 (He et al. 2016, torchvision layout as in the
// reference's net/resnet50.py): 1×1 conv → BN → ReLU, 3×3 conv with the block's stride → BN →
// ReLU, 1×1 conv (×4 channels) → BN, plus the shortcut (identity, or 1×1 strided conv → BN when
// the shape changes), then ReLU. Batch norms are folded; the last conv adds the shortcut and
// applies the ReLU in its GEMM epilogue (DESIGN §6, §7).

import Tensors

struct Bottleneck: Sendable {
    let reduce: FoldedConvolution
    let spatial: FoldedConvolution
    let expand: FoldedConvolution
    let shortcut: FoldedConvolution?

    /// Channels of the block's output (4 · planes).
    static let expansion = 4

    /// Parameter entries of the block at `prefix` ("resnet50.layer2.0").
    static func layout(prefix: String, inChannels: Int, planes: Int, projects: Bool) -> ParameterLayout {
        var layout = ParameterLayout(network: prefix)
        let out = planes * expansion
        layout.append(contentsOf: FoldedConvolution.layout(conv: prefix + ".conv1", norm: prefix + ".bn1",
                                                           inChannels: inChannels, outChannels: planes, kernel: 1))
        layout.append(contentsOf: FoldedConvolution.layout(conv: prefix + ".conv2", norm: prefix + ".bn2",
                                                           inChannels: planes, outChannels: planes, kernel: 3))
        layout.append(contentsOf: FoldedConvolution.layout(conv: prefix + ".conv3", norm: prefix + ".bn3",
                                                           inChannels: planes, outChannels: out, kernel: 1))
        if projects {
            layout.append(contentsOf: FoldedConvolution.layout(conv: prefix + ".downsample.0",
                                                               norm: prefix + ".downsample.1",
                                                               inChannels: inChannels, outChannels: out, kernel: 1))
        }
        return layout
    }

    /// The block at `prefix` from bound parameters; `projects` says whether it has a
    /// downsample shortcut (the first block of each layer in ResNet50).
    init(_ parameters: [String: Tensor], prefix: String, stride: Int, projects: Bool) {
        reduce = FoldedConvolution(parameters, conv: prefix + ".conv1", norm: prefix + ".bn1", stride: 1, padding: 0)
        spatial = FoldedConvolution(parameters, conv: prefix + ".conv2", norm: prefix + ".bn2",
                                    stride: stride, padding: 1)
        expand = FoldedConvolution(parameters, conv: prefix + ".conv3", norm: prefix + ".bn3", stride: 1, padding: 0)
        shortcut = projects
            ? FoldedConvolution(parameters, conv: prefix + ".downsample.0", norm: prefix + ".downsample.1",
                                stride: stride, padding: 0)
            : nil
    }

    /// Replaces `x` ([N, Cin, H, W]) by the block's output [N, 4·planes, H/stride, W/stride].
    func apply(to x: inout Tensor, workspace: GEMMWorkspace) {
        let reduced = reduce(x, activation: .relu, workspace: workspace)
        let mixed = spatial(reduced, activation: .relu, workspace: workspace)
        if let shortcut {
            x = shortcut(x, activation: .identity, workspace: workspace)
        }
        expand.addingReLU(mixed, into: &x)
    }
}
