// IRNetHeadLayer: one trainable level of IRNet's two branches (IRNet §3.2; reference
// net/resnet50_irn.py fc_edge1…5, fc_dp1…7's first three modules; DESIGN §6 "Training"):
//   y = ReLU(crop(upsample(GroupNorm(conv1×1(x)))))
// with the forward values the backward pass needs kept in a `IRNetHeadLayer.Cache`. The crop
// comes before the ReLU (the two commute), as in Networks' GroupNormHead. Backward runs the
// chain in reverse on the existing kernels: ReLUBackward, CropBackward, BilinearResizeBackward,
// GroupNormBackward, Conv2DBackward. Parameters live in the caller's name → tensor store under
// "<prefix>.0.weight" (conv), "<prefix>.1.weight", "<prefix>.1.bias" (GroupNorm γ, β).

import Tensors

/// The shape of one head level; its parameters are looked up by name.
struct IRNetHeadLayer: Sendable {
    /// "fc_edge1", "fc_dp7", …
    let prefix: String
    let inChannels: Int
    let outChannels: Int
    let groups: Int
    /// Bilinear upsampling factor after the norm (1: none).
    let upsampling: Int

    /// What the forward pass keeps for the backward pass.
    struct Cache {
        /// The layer's input (a backbone level or a concatenation of other levels).
        let input: Tensor
        /// The conv's output, GroupNorm's input.
        let projected: Tensor
        /// The layer's output (after the ReLU).
        let output: Tensor
        /// Size after the upsampling, before the crop.
        let upsampledHeight: Int, upsampledWidth: Int
    }

    var weightName: String { prefix + ".0.weight" }
    var gammaName: String { prefix + ".1.weight" }
    var betaName: String { prefix + ".1.bias" }

    /// Name and shape of each parameter, in the reference's `parameters()` order.
    var parameterShapes: [(name: String, shape: [Int])] {
        [(weightName, [outChannels, inChannels, 1, 1]), (gammaName, [outChannels]), (betaName, [outChannels])]
    }

    /// The level's output for `x` ([N, inChannels, H, W]), cropped to the top-left `size` when
    /// given, and its cache.
    func forward(_ x: Tensor, parameters: [String: Tensor], croppedTo size: (Int, Int)? = nil,
                 workspace: GEMMWorkspace) -> (output: Tensor, cache: Cache) {
        let projected = conv2d(x, weight: parameters[weightName]!, workspace: workspace)
        var y = groupNorm(projected, groups: groups, weight: parameters[gammaName]!, bias: parameters[betaName]!,
                          epsilon: 1e-5)
        if upsampling != 1 {
            y = resizeBilinear(y, scaleFactor: Double(upsampling), alignCorners: false)
        }
        let upsampledHeight = y.shape[2], upsampledWidth = y.shape[3]
        if let (height, width) = size, height != upsampledHeight || width != upsampledWidth {
            y = crop(y, top: 0, left: 0, height: height, width: width)
        }
        y.applyReLU()
        return (y, Cache(input: x, projected: projected, output: y,
                         upsampledHeight: upsampledHeight, upsampledWidth: upsampledWidth))
    }

    /// Adds the parameter gradients for output gradient `dy` to `gradients` and returns the
    /// input's gradient when `inputGradient` is true (nil otherwise: a detached input).
    func backward(_ dy: Tensor, cache: Cache, parameters: [String: Tensor], inputGradient: Bool,
                  gradients: inout [String: Tensor]) -> Tensor? {
        var d = reluBackward(outputGradient: dy, output: cache.output)
        if d.shape[2] != cache.upsampledHeight || d.shape[3] != cache.upsampledWidth {
            d = cropBackward(outputGradient: d, inputHeight: cache.upsampledHeight,
                             inputWidth: cache.upsampledWidth, top: 0, left: 0)
        }
        if upsampling != 1 {
            d = resizeBilinearBackward(outputGradient: d, inputHeight: cache.projected.shape[2],
                                       inputWidth: cache.projected.shape[3], scaleFactor: Double(upsampling),
                                       alignCorners: false)
        }
        let norm = groupNormBackward(outputGradient: d, input: cache.projected, groups: groups,
                                     weight: parameters[gammaName]!, epsilon: 1e-5)
        let conv = conv2dBackward(outputGradient: norm.input, input: cache.input, weight: parameters[weightName]!,
                                  computeInputGradient: inputGradient)
        addGradient(&gradients, weightName, conv.weight)
        addGradient(&gradients, gammaName, norm.weight)
        addGradient(&gradients, betaName, norm.bias)
        return conv.input
    }
}

/// Adds `g` to the gradient stored under `name` (or stores it when there is none yet).
func addGradient(_ gradients: inout [String: Tensor], _ name: String, _ g: Tensor) {
    if gradients[name] == nil {
        gradients[name] = g
    } else {
        gradients[name]! += g
    }
}
