// MultilabelSoftMarginLoss: the CAM network's classification loss (reference
// `step/train_cam.py`: F.multilabel_soft_margin_loss, mean reduction; DESIGN §6). For N
// samples of C class logits x and targets y ∈ [0, 1]:
//   L = (1/N) Σₙ (1/C) Σ_c −[y·log σ(x) + (1 − y)·log σ(−x)],
//   dL/dx = (σ(x) − y) / (N·C) = ((1 − y)·σ(x) − y·σ(−x)) / (N·C),
// the second form without cancellation when σ(x) is close to y. log σ(x) is formed as
// min(x, 0) − log1p(e^−|x|), which never overflows.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif
import Tensors

/// The loss value and its gradient with respect to the logits.
public struct LossAndGradient: Sendable {
    public var loss: Float
    public var gradient: Tensor
}

/// `F.multilabel_soft_margin_loss(logits, targets)` (mean over samples of the class mean) and
/// its gradient, for logits and targets of shape [N, C].
public func multilabelSoftMarginLoss(logits x: Tensor, targets y: Tensor) -> LossAndGradient {
    precondition(x.rank == 2 && x.shape == y.shape,
                 "multilabelSoftMarginLoss: logits \(x.shape) and targets \(y.shape) must be equal [N, C]")
    let samples = x.shape[0], classes = x.shape[1]
    precondition(samples > 0 && classes > 0, "multilabelSoftMarginLoss: empty batch \(x.shape)")
    var total = 0.0
    var gradient = Tensor(shape: x.shape)
    let scale = 1 / (Double(samples) * Double(classes))
    for n in 0..<samples {
        var sampleSum = 0.0
        for c in 0..<classes {
            let i = n * classes + c
            let logit = Double(x.scalars[i]), target = Double(y.scalars[i])
            sampleSum -= target * logSigmoid(logit) + (1 - target) * logSigmoid(-logit)
            gradient.scalars[i] = Float(((1 - target) * sigmoid(logit) - target * sigmoid(-logit)) * scale)
        }
        total += sampleSum / Double(classes)
    }
    return LossAndGradient(loss: Float(total / Double(samples)), gradient: gradient)
}

/// log σ(x) = min(x, 0) − log(1 + e^−|x|).
@inline(__always)
func logSigmoid(_ x: Double) -> Double {
    min(x, 0) - log1p(exp(-abs(x)))
}

/// σ(x) in Double, without overflow.
@inline(__always)
func sigmoid(_ x: Double) -> Double {
    let e = exp(-abs(x))
    return x >= 0 ? 1 / (1 + e) : e / (1 + e)
}
