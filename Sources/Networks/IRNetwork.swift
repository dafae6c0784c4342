// IRNetwork: the inter-pixel relation network of IRNet (Ahn, Cho, Kwak, CVPR 2019; reference
// net/resnet50_irn.py Net). A frozen ResNet50 (strides 2,2,2,1) feeds two branches built from
// x1…x5: the class-boundary branch (IRNetwork+Boundary.swift, paper §3.2 "boundary detection")
// and the displacement-field branch (IRNetwork+Displacement.swift, paper §3.2 "displacement
// field"), both at stride 4. This file holds the parameters and the joint forward pass; the
// padded, flip-averaged inference of the reference's EdgeDisplacement is EdgeDisplacement.swift.

import Tensors

public struct IRNetwork: Sendable {
    /// The two raw outputs of the reference's Net.forward.
    public struct Output: Sendable {
        /// Boundary logits [N, 1, h, w] (before the sigmoid), h × w = x2's size.
        public var boundaryLogits: Tensor
        /// Displacement field [N, 2, h, w] (y, x), the mean shift already subtracted in
        /// inference mode.
        public var displacement: Tensor
    }

    /// The frozen backbone ("resnet50.*").
    public let backbone: ResNet50
    /// fc_edge1…fc_edge5.
    let edgeHeads: [GroupNormHead]
    /// fc_edge6: [1, 160, 1, 1] and [1].
    let edgeWeight: Tensor
    let edgeBias: Tensor
    /// fc_dp1…fc_dp6, then fc_dp7's conv + GroupNorm + ReLU.
    let displacementHeads: [GroupNormHead]
    let displacementMerge: GroupNormHead
    /// fc_dp7.3: [2, 256, 1, 1].
    let displacementWeight: Tensor
    /// "mean_shift.running_mean": [2], the mean displacement over the training images.
    public let meanShift: Tensor

    /// The heads' output channels (the reference's unless trained narrower).
    public let headWidths: HeadWidths
    static let displacementGroups = [8, 16, 16, 16, 16, 16]
    static let displacementUpsampling = [1, 1, 1, 2, 2, 2]
    static let edgeUpsampling = [1, 1, 2, 4, 4]

    /// Expected parameters: "resnet50.*", "mean_shift.running_mean", "fc_edge1…6.*",
    /// "fc_dp1…7.*". Also accepted: the reference's aliases ("stage1…5.*", "backbone.k.*",
    /// "edge_layers.k.*", "dp_layers.k.*", "fc_dp7.4.running_mean"); ignored: the loss
    /// module's buffers "path_indices<k>" and "disp_target". `headWidths`: the heads' output
    /// channels (IRNetworkHeadWidths.swift).
    public static func parameterLayout(configuration: ResNet50.Configuration = .reference,
                                       headWidths: HeadWidths = .reference) -> ParameterLayout {
        let edgeChannels = headWidths.edge
        var layout = ParameterLayout(network: "IRNetwork")
        layout.append(contentsOf: ResNet50.parameterLayout(prefix: "resnet50.", configuration: configuration))
        layout.append("mean_shift.running_mean", shape: [2])
        let levels = configuration.featureChannels
        for level in 0 ..< 5 {
            layout.append(contentsOf: GroupNormHead.layout(prefix: "fc_edge\(level + 1)", inChannels: levels[level],
                                                           outChannels: edgeChannels))
        }
        layout.append("fc_edge6.weight", shape: [1, 5 * edgeChannels, 1, 1])
        layout.append("fc_edge6.bias", shape: [1])
        let dp = headWidths.displacement
        for level in 0 ..< 5 {
            layout.append(contentsOf: GroupNormHead.layout(prefix: "fc_dp\(level + 1)", inChannels: levels[level],
                                                           outChannels: dp[level]))
        }
        layout.append(contentsOf: GroupNormHead.layout(prefix: "fc_dp6", inChannels: dp[2] + dp[3] + dp[4],
                                                       outChannels: dp[5]))
        layout.append(contentsOf: GroupNormHead.layout(prefix: "fc_dp7", inChannels: dp[0] + dp[1] + dp[5],
                                                       outChannels: headWidths.merge))
        layout.append("fc_dp7.3.weight", shape: [2, headWidths.merge, 1, 1])

        layout.addAlias("stage1.0.", for: "resnet50.conv1.")
        layout.addAlias("stage1.1.", for: "resnet50.bn1.")
        for stage in 2 ... 5 {
            layout.addAlias("stage\(stage).0.", for: "resnet50.layer\(stage - 1).")
        }
        for index in 0 ..< 5 { layout.addAlias("backbone.\(index).", for: "stage\(index + 1).") }
        for index in 0 ..< 6 { layout.addAlias("edge_layers.\(index).", for: "fc_edge\(index + 1).") }
        for index in 0 ..< 7 { layout.addAlias("dp_layers.\(index).", for: "fc_dp\(index + 1).") }
        layout.addAlias("fc_dp7.4.", for: "mean_shift.")
        layout.ignore(.numbered("path_indices"))
        layout.ignore(.name("disp_target"))
        return layout
    }

    /// The network from a state dict of the reference's IRNet (`resnet50_irn.Net`,
    /// `AffinityDisplacementLoss` or `EdgeDisplacement`). Throws one `NetworkBindingError`
    /// listing every missing, unexpected or wrongly shaped name.
    public init(parameters: [String: Tensor], configuration: ResNet50.Configuration = .reference,
                headWidths: HeadWidths = .reference) throws {
        let bound = try IRNetwork.parameterLayout(configuration: configuration, headWidths: headWidths).bind(parameters)
        self.headWidths = headWidths
        backbone = ResNet50(bound: bound, prefix: "resnet50.", configuration: configuration)
        edgeHeads = (0 ..< 5).map {
            GroupNormHead(bound, prefix: "fc_edge\($0 + 1)", groups: 4, upsampling: IRNetwork.edgeUpsampling[$0])
        }
        edgeWeight = bound.bound("fc_edge6.weight")
        edgeBias = bound.bound("fc_edge6.bias")
        displacementHeads = (0 ..< 6).map {
            GroupNormHead(bound, prefix: "fc_dp\($0 + 1)", groups: IRNetwork.displacementGroups[$0],
                          upsampling: IRNetwork.displacementUpsampling[$0])
        }
        displacementMerge = GroupNormHead(bound, prefix: "fc_dp7", groups: 16, upsampling: 1)
        displacementWeight = bound.bound("fc_dp7.3.weight")
        meanShift = bound.bound("mean_shift.running_mean")
    }

    /// Both branches for a batch of images [N, 3, H, W] (the reference's Net.forward).
    /// `subtractingMeanShift` is the module's eval mode (true at inference); training runs
    /// without it. `displacementImages` limits the displacement branch to the first images of
    /// the batch (all by default): each image's field depends on that image alone, so the
    /// inference pair [image, flip], whose mirrored field is never used, computes one.
    public func callAsFunction(_ images: Tensor, subtractingMeanShift: Bool = true,
                               displacementImages: Int? = nil) -> Output {
        let features = backbone.features(images)
        let workspace = GEMMWorkspace()
        let batch = images.shape[0]
        let kept = min(batch, max(0, displacementImages ?? batch))
        return Output(boundaryLogits: boundaryLogits(features, workspace: workspace),
                      displacement: displacement(kept == batch ? features : features.firstImages(kept),
                                                 subtractingMeanShift: subtractingMeanShift,
                                                 workspace: workspace))
    }
}
