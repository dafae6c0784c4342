// Batch-norm folding: an inference-mode BatchNorm2d after a conv is an affine map per output
// channel, y = γ·(x − μ)/√(σ² + ε) + β, so it folds into the conv: w' = w·s, b' = (b − μ)·s + β
// with s = γ/√(σ² + ε) (DESIGN §6: ResNet50's BN is always folded at load time, ε = 1e-5).
// The scale is computed in Double and rounded once, so w' and b' are the nearest floats.

/// Weight [Cout, Cin, kh, kw] and bias [Cout] of the conv equal to conv(weight, bias) followed by
/// batch norm with the given per-channel statistics (each [Cout]). A missing bias counts as 0.
public func foldBatchNorm(weight: Tensor, bias: Tensor? = nil, gamma: Tensor, beta: Tensor,
                          runningMean: Tensor, runningVariance: Tensor,
                          epsilon: Float = 1e-5) -> (weight: Tensor, bias: Tensor) {
    precondition(weight.rank >= 1, "foldBatchNorm: weight must have an output-channel axis")
    let channels = weight.shape[0]
    for (name, tensor) in [("gamma", gamma), ("beta", beta), ("runningMean", runningMean),
                           ("runningVariance", runningVariance)] + (bias.map { [("bias", $0)] } ?? []) {
        precondition(tensor.shape == [channels], "foldBatchNorm: \(name) \(tensor.shape) must be [\(channels)]")
    }
    let perChannel = channels == 0 ? 0 : weight.count / channels
    var foldedWeight = weight
    var foldedBias = Tensor(shape: [channels])
    for o in 0..<channels {
        let scale = Double(gamma.scalars[o]) / (Double(runningVariance.scalars[o]) + Double(epsilon)).squareRoot()
        for i in 0..<perChannel {
            foldedWeight.scalars[o * perChannel + i] = Float(Double(weight.scalars[o * perChannel + i]) * scale)
        }
        let b = Double(bias?.scalars[o] ?? 0)
        foldedBias.scalars[o] = Float((b - Double(runningMean.scalars[o])) * scale + Double(beta.scalars[o]))
    }
    return (foldedWeight, foldedBias)
}
