// IRNetHeads: the trainable part of IRNet — the class-boundary branch (fc_edge1…6) and the
// displacement-field branch (fc_dp1…7) on top of the frozen backbone's x1…x5 (IRNet §3.2;
// reference net/resnet50_irn.py Net.forward and trainable_parameters(); DESIGN §6 "Training").
// The forward pass equals Networks' IRNetwork in training mode (no mean shift) and keeps a
// `Cache`; the backward pass takes the gradients of the boundary logits and of the displacement
// field and returns the gradient of every parameter, and of x1…x5 when the backbone learns too
// (otherwise the features are detached, as in the reference). Parameters and gradients are
// stored by the reference's names.

import Tensors
import Networks

/// The two branches' layers and their parameters.
public struct IRNetHeads: Sendable {
    /// Channels of x1…x5 (64, 256, 512, 1024, 2048 at full width).
    public let levelChannels: [Int]
    /// Output channels of the levels.
    public let widths: Widths
    /// Every parameter by name ("fc_edge1.0.weight", …, "fc_dp7.3.weight").
    public var parameters: [String: Tensor]

    let edgeLayers: [IRNetHeadLayer]
    let displacementLayers: [IRNetHeadLayer]
    /// fc_dp7's conv + GroupNorm + ReLU (its last conv is "fc_dp7.3.weight").
    let displacementMerge: IRNetHeadLayer

    /// Output channels of every level: the reference's, or narrower ones for small models
    /// (Networks' IRNetworkHeadWidths.swift; the group counts stay those of the reference).
    public typealias Widths = IRNetwork.HeadWidths

    static let displacementGroups = [8, 16, 16, 16, 16, 16]
    static let displacementUpsampling = [1, 1, 1, 2, 2, 2]
    static let edgeUpsampling = [1, 1, 2, 4, 4]

    /// The layers for backbone levels of `levelChannels` channels, parameters from `parameters`
    /// (which must hold every name of `parameterShapes(levelChannels:)` with its shape; other
    /// names are ignored).
    public init(levelChannels: [Int], widths: Widths = .reference, parameters: [String: Tensor]) {
        precondition(levelChannels.count == 5, "IRNetHeads: needs the channels of five levels, got \(levelChannels)")
        self.levelChannels = levelChannels
        self.widths = widths
        (edgeLayers, displacementLayers, displacementMerge) = IRNetHeads.layers(levelChannels: levelChannels,
                                                                                widths: widths)
        var own: [String: Tensor] = [:]
        for (name, shape) in IRNetHeads.parameterShapes(levelChannels: levelChannels, widths: widths).all {
            guard let tensor = parameters[name], tensor.shape == shape else {
                preconditionFailure("IRNetHeads: parameter \(name) missing or not of shape \(shape)")
            }
            own[name] = tensor
        }
        self.parameters = own
    }

    /// Names and shapes of the parameters, in the reference's order, split as its
    /// trainable_parameters(): the boundary branch, then the displacement branch.
    public static func parameterShapes(levelChannels: [Int], widths: Widths = .reference)
        -> (edge: [(name: String, shape: [Int])], displacement: [(name: String, shape: [Int])],
            all: [(name: String, shape: [Int])]) {
        let (edgeLayers, displacementLayers, merge) = layers(levelChannels: levelChannels, widths: widths)
        let edge = edgeLayers.flatMap(\.parameterShapes)
            + [("fc_edge6.weight", [1, 5 * widths.edge, 1, 1]), ("fc_edge6.bias", [1])]
        let displacement = displacementLayers.flatMap(\.parameterShapes) + merge.parameterShapes
            + [("fc_dp7.3.weight", [2, widths.merge, 1, 1])]
        return (edge, displacement, edge + displacement)
    }

    /// The layers of both branches for backbone levels of `levelChannels` channels.
    static func layers(levelChannels: [Int], widths: Widths)
        -> (edge: [IRNetHeadLayer], displacement: [IRNetHeadLayer], merge: IRNetHeadLayer) {
        let dp = widths.displacement
        let edge = (0 ..< 5).map {
            IRNetHeadLayer(prefix: "fc_edge\($0 + 1)", inChannels: levelChannels[$0], outChannels: widths.edge,
                           groups: 4, upsampling: edgeUpsampling[$0])
        }
        let displacement = (0 ..< 5).map {
            IRNetHeadLayer(prefix: "fc_dp\($0 + 1)", inChannels: levelChannels[$0], outChannels: dp[$0],
                           groups: displacementGroups[$0], upsampling: displacementUpsampling[$0])
        } + [IRNetHeadLayer(prefix: "fc_dp6", inChannels: dp[2] + dp[3] + dp[4], outChannels: dp[5], groups: 16,
                            upsampling: 2)]
        let merge = IRNetHeadLayer(prefix: "fc_dp7", inChannels: dp[0] + dp[1] + dp[5], outChannels: widths.merge,
                                   groups: 16, upsampling: 1)
        return (edge, displacement, merge)
    }

    /// Fresh parameters as PyTorch initialises the layers (seeded here): conv weights and the
    /// fc_edge6 bias uniform in ±1/√fan_in (kaiming_uniform with a = √5), GroupNorm γ = 1, β = 0.
    public static func initialParameters(levelChannels: [Int], widths: Widths = .reference,
                                         seed: UInt64) -> [String: Tensor] {
        var random = SeededRandom(seed: seed)
        var result: [String: Tensor] = [:]
        for (name, shape) in parameterShapes(levelChannels: levelChannels, widths: widths).all {
            if shape.count == 4 {
                let fanIn = shape.dropFirst().reduce(1, *)
                result[name] = random.tensor(shape: shape, scale: Float(1 / Double(fanIn).squareRoot()))
            } else if name == "fc_edge6.bias" {
                result[name] = random.tensor(shape: shape, scale: Float(1 / Double(5 * widths.edge).squareRoot()))
            } else if name.hasSuffix(".weight") {
                result[name] = Tensor(shape: shape, repeating: 1)
            } else {
                result[name] = Tensor(shape: shape)
            }
        }
        return result
    }

    /// What the forward pass keeps for the backward pass.
    public struct Cache {
        var edge: [IRNetHeadLayer.Cache] = []
        /// fc_edge6's input (160 channels).
        var edgeConcat: Tensor
        var displacement: [IRNetHeadLayer.Cache] = []
        var merge: IRNetHeadLayer.Cache
    }

    /// Boundary logits [N, 1, h, w] and displacement field [N, 2, h, w] (no mean shift, the
    /// reference's training mode) from the backbone features; h × w = x2's size.
    public func forward(_ features: ResNet50.Features, workspace: GEMMWorkspace = GEMMWorkspace())
        -> (boundaryLogits: Tensor, displacement: Tensor, cache: Cache) {
        let p = parameters
        let levels = [features.x1, features.x2, features.x3, features.x4, features.x5]
        let stride4 = (features.x2.shape[2], features.x2.shape[3])
        var edgeCaches: [IRNetHeadLayer.Cache] = []
        var edges: [Tensor] = []
        for (layer, level) in zip(edgeLayers, levels) {
            let (y, cache) = layer.forward(level, parameters: p, croppedTo: stride4, workspace: workspace)
            edges.append(y)
            edgeCaches.append(cache)
        }
        let edgeConcat = concatChannels(edges)
        let logits = conv2d(edgeConcat, weight: p["fc_edge6.weight"]!, bias: p["fc_edge6.bias"]!, workspace: workspace)

        var dpCaches: [IRNetHeadLayer.Cache] = []
        var dps: [Tensor] = []
        for level in 0 ..< 3 {
            let (y, cache) = displacementLayers[level].forward(levels[level], parameters: p, workspace: workspace)
            dps.append(y)
            dpCaches.append(cache)
        }
        let stride8 = (dps[2].shape[2], dps[2].shape[3])
        for level in 3 ..< 5 {
            let (y, cache) = displacementLayers[level].forward(levels[level], parameters: p, croppedTo: stride8,
                                                               workspace: workspace)
            dps.append(y)
            dpCaches.append(cache)
        }
        let (up3, cache6) = displacementLayers[5].forward(concatChannels([dps[2], dps[3], dps[4]]), parameters: p,
                                                          croppedTo: (dps[1].shape[2], dps[1].shape[3]),
                                                          workspace: workspace)
        dpCaches.append(cache6)
        let (merged, mergeCache) = displacementMerge.forward(concatChannels([dps[0], dps[1], up3]), parameters: p,
                                                             workspace: workspace)
        let field = conv2d(merged, weight: p["fc_dp7.3.weight"]!, workspace: workspace)
        return (logits, field, Cache(edge: edgeCaches, edgeConcat: edgeConcat, displacement: dpCaches, merge: mergeCache))
    }

    /// The gradient of every parameter given the gradients of the boundary logits and of the
    /// displacement field (both of `forward`'s output shapes); the features are detached.
    public func backward(boundaryLogitsGradient: Tensor, displacementGradient: Tensor, cache: Cache)
        -> [String: Tensor] {
        backward(boundaryLogitsGradient: boundaryLogitsGradient, displacementGradient: displacementGradient,
                 cache: cache, levelGradients: false).parameters
    }

    /// The gradient of every parameter and, when `levelGradients` is true, of the features
    /// x1…x5 (each the sum of what its boundary and displacement levels send back; nil otherwise).
    public func backward(boundaryLogitsGradient: Tensor, displacementGradient: Tensor, cache: Cache,
                         levelGradients: Bool) -> (parameters: [String: Tensor], levels: [Tensor]?) {
        let p = parameters
        var gradients: [String: Tensor] = [:]
        var levels: [Tensor?] = Array(repeating: nil, count: 5)
        func add(_ level: Int, _ g: Tensor?) {
            guard let g else { return }
            if levels[level] == nil { levels[level] = g } else { levels[level]! += g }
        }
        // Boundary branch: fc_edge6, then the five levels.
        let final = conv2dBackward(outputGradient: boundaryLogitsGradient, input: cache.edgeConcat,
                                   weight: p["fc_edge6.weight"]!)
        gradients["fc_edge6.weight"] = final.weight
        gradients["fc_edge6.bias"] = final.bias
        let edgeParts = concatChannelsBackward(outputGradient: final.input!,
                                               channels: edgeLayers.map(\.outChannels))
        for (k, layer) in edgeLayers.enumerated() {
            add(k, layer.backward(edgeParts[k], cache: cache.edge[k], parameters: p, inputGradient: levelGradients,
                                  gradients: &gradients))
        }
        // Displacement branch: fc_dp7's last conv, its merge level, fc_dp6, then levels 1…5.
        let last = conv2dBackward(outputGradient: displacementGradient, input: cache.merge.output,
                                  weight: p["fc_dp7.3.weight"]!)
        gradients["fc_dp7.3.weight"] = last.weight
        let mergeInput = displacementMerge.backward(last.input!, cache: cache.merge, parameters: p,
                                                    inputGradient: true, gradients: &gradients)!
        let dp = widths.displacement
        let mergeParts = concatChannelsBackward(outputGradient: mergeInput, channels: [dp[0], dp[1], dp[5]])
        let upInput = displacementLayers[5].backward(mergeParts[2], cache: cache.displacement[5], parameters: p,
                                                     inputGradient: true, gradients: &gradients)!
        let upParts = concatChannelsBackward(outputGradient: upInput, channels: [dp[2], dp[3], dp[4]])
        let outputGradients = [mergeParts[0], mergeParts[1], upParts[0], upParts[1], upParts[2]]
        for level in 0 ..< 5 {
            add(level, displacementLayers[level].backward(outputGradients[level], cache: cache.displacement[level],
                                                          parameters: p, inputGradient: levelGradients,
                                                          gradients: &gradients))
        }
        return (gradients, levelGradients ? levels.map { $0! } : nil)
    }
}
