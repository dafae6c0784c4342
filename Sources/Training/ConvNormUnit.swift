// ConvNormUnit: one trainable "conv (no bias) → frozen batch norm → optional ReLU" of ResNet50
// (reference net/resnet50.py: every conv is followed by a FixedBatchNorm, an inference-mode batch
// norm whose γ and β still learn; DESIGN §6 "Training"). The forward pass keeps what the backward
// pass needs — the conv input, the conv output (the norm's input) and the unit's output — and the
// backward pass chains ReLUBackward, FrozenBatchNorm.backward and conv2dBackward (GEMM + col2im),
// adding dW, dγ, dβ to the ParameterSet under the reference's names.

import Tensors

/// A conv + frozen batch norm (+ ReLU) whose tensors live in a ParameterSet.
struct ConvNormUnit: Sendable {
    /// "resnet50.layer3.0.conv1" (its weight is "<conv>.weight").
    let conv: String
    /// "resnet50.layer3.0.bn1" (weight, bias, running_mean, running_var).
    let norm: String
    let stride: Int
    let padding: Int
    let relu: Bool

    /// What the backward pass reads.
    struct Cache: Sendable {
        var input: Tensor
        var convOutput: Tensor
        /// The unit's output (kept only when it ends in a ReLU).
        var output: Tensor?
        var batchNorm: FrozenBatchNorm
    }

    /// The norm layer with the set's current γ, β and running statistics.
    func batchNorm(_ parameters: ParameterSet) -> FrozenBatchNorm {
        FrozenBatchNorm(gamma: parameters[norm + ".weight"], beta: parameters[norm + ".bias"],
                        runningMean: parameters[norm + ".running_mean"],
                        runningVariance: parameters[norm + ".running_var"])
    }

    /// relu?(bn(conv(x))), and the cache when `keep` is true.
    func forward(_ x: Tensor, _ parameters: ParameterSet, keep: Bool) -> (output: Tensor, cache: Cache?) {
        let z = conv2d(x, weight: parameters[conv + ".weight"], stride: (stride, stride), padding: (padding, padding))
        let norm = batchNorm(parameters)
        var y = norm(z)
        if relu { y.applyReLU() }
        guard keep else { return (y, nil) }
        return (y, Cache(input: x, convOutput: z, output: relu ? y : nil, batchNorm: norm))
    }

    /// Adds this unit's parameter gradients to `parameters` given dL/d(output); returns
    /// dL/d(input) when `inputGradient` is true.
    func backward(_ dy: Tensor, cache: Cache, parameters: inout ParameterSet, inputGradient: Bool) -> Tensor? {
        var d = dy
        if let output = cache.output { d = reluBackward(outputGradient: d, output: output) }
        let trainsNorm = parameters.requiresGradient(norm + ".weight") || parameters.requiresGradient(norm + ".bias")
        let dz: Tensor
        if trainsNorm {
            let g = cache.batchNorm.backward(outputGradient: d, input: cache.convOutput)
            parameters.accumulateGradient(norm + ".weight", g.gamma)
            parameters.accumulateGradient(norm + ".bias", g.beta)
            dz = g.input
        } else {
            dz = cache.batchNorm.inputGradient(outputGradient: d)
        }
        let g = conv2dBackward(outputGradient: dz, input: cache.input, weight: parameters[conv + ".weight"],
                               stride: (stride, stride), padding: (padding, padding),
                               computeInputGradient: inputGradient)
        parameters.accumulateGradient(conv + ".weight", g.weight)
        return g.input
    }
}
