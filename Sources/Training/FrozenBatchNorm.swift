// FrozenBatchNorm: inference-mode batch norm as a trainable layer (DESIGN §6 "Training": the
// reference's ResNet50 always normalises with its running statistics, also while training).
// Forward, per channel c: y = (x − μ_c)·r_c·γ_c + β_c with r_c = 1/√(σ²_c + ε) — a per-channel
// affine map y = s_c·x + t_c. Backward (μ, σ² are constants):
//   dx = dy·s_c,   dγ_c = Σ dy·(x − μ_c)·r_c,   dβ_c = Σ dy   (sums over batch and pixels).
// The reference freezes conv1/bn1 of the CAM network; the other BN affines of the stages that
// get gradients (3-4) are trained, so γ and β gradients are offered too.

import Tensors

/// A batch-norm layer with frozen running statistics, built from its parameters.
public struct FrozenBatchNorm: Sendable {
    /// s_c = γ_c / √(σ²_c + ε), computed in Double and rounded once.
    public let scale: [Float]
    /// t_c = β_c − μ_c·s_c, computed in Double and rounded once.
    public let shift: [Float]
    /// μ_c, the running mean.
    public let mean: [Float]
    /// r_c = 1 / √(σ²_c + ε), rounded once.
    public let inverseStandardDeviation: [Float]

    /// The layer `F.batch_norm(x, runningMean, runningVariance, gamma, beta, training=False, eps=epsilon)`;
    /// every argument is [C].
    public init(gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVariance: Tensor, epsilon: Float = 1e-5) {
        let channels = gamma.count
        precondition(gamma.shape == [channels] && beta.shape == [channels] && runningMean.shape == [channels]
                        && runningVariance.shape == [channels],
                     "FrozenBatchNorm: gamma \(gamma.shape), beta \(beta.shape), mean \(runningMean.shape), variance \(runningVariance.shape) must all be [C]")
        var scale = [Float](), shift = [Float](), inverse = [Float]()
        for c in 0..<channels {
            let r = 1 / (Double(runningVariance.scalars[c]) + Double(epsilon)).squareRoot()
            let s = Double(gamma.scalars[c]) * r
            scale.append(Float(s))
            shift.append(Float(Double(beta.scalars[c]) - Double(runningMean.scalars[c]) * s))
            inverse.append(Float(r))
        }
        self.scale = scale
        self.shift = shift
        self.mean = runningMean.scalars
        self.inverseStandardDeviation = inverse
    }

    /// Number of channels.
    public var channels: Int { scale.count }

    /// y = s_c·x + t_c for x [N, C, ...].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let spatial = check(x, "input")
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { values in
            for plane in 0..<(x.count / max(1, spatial)) {
                let c = plane % channels, s = scale[c], t = shift[c]
                let base = plane &* spatial
                for i in base..<(base &+ spatial) { values[i] = values[i] * s + t }
            }
        }
        return y
    }

    /// dL/dx = dy·s_c (all the frozen layers of the backbone need).
    public func inputGradient(outputGradient dy: Tensor) -> Tensor {
        let spatial = check(dy, "output gradient")
        var dx = dy
        dx.scalars.withUnsafeMutableBufferPointer { values in
            for plane in 0..<(dy.count / max(1, spatial)) {
                let s = scale[plane % channels]
                let base = plane &* spatial
                for i in base..<(base &+ spatial) { values[i] *= s }
            }
        }
        return dx
    }

    /// dL/dx, dL/dγ and dL/dβ given the layer's input `x` and the gradient of its output.
    public func backward(outputGradient dy: Tensor, input x: Tensor)
        -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let spatial = check(dy, "output gradient")
        precondition(x.shape == dy.shape, "FrozenBatchNorm: input \(x.shape) and output gradient \(dy.shape) differ")
        var dotProducts = [Double](repeating: 0, count: channels)
        var sums = [Double](repeating: 0, count: channels)
        x.scalars.withUnsafeBufferPointer { x in
            dy.scalars.withUnsafeBufferPointer { dy in
                for plane in 0..<(dy.count / max(1, spatial)) {
                    let c = plane % channels, m = mean[c]
                    let base = plane &* spatial
                    var dot = 0.0, sum = 0.0
                    for i in base..<(base &+ spatial) {
                        dot += Double(dy[i]) * (Double(x[i]) - Double(m))
                        sum += Double(dy[i])
                    }
                    dotProducts[c] += dot
                    sums[c] += sum
                }
            }
        }
        let gamma = (0..<channels).map { Float(dotProducts[$0] * Double(inverseStandardDeviation[$0])) }
        return (inputGradient(outputGradient: dy), Tensor(shape: [channels], scalars: gamma),
                Tensor(shape: [channels], scalars: sums.map { Float($0) }))
    }

    /// The per-plane element count of an [N, C, ...] tensor with this layer's C.
    private func check(_ t: Tensor, _ name: String) -> Int {
        precondition(t.rank >= 2 && t.shape[1] == channels,
                     "FrozenBatchNorm: \(name) \(t.shape) does not have \(channels) channels in dim 1")
        return t.shape.dropFirst(2).reduce(1, *)
    }
}
