// IRNLoss: IRNet's whole training objective for one batch (reference `step/train_irn.py` on
// the outputs of AffinityDisplacementLoss; DESIGN §6), with its gradient with respect to the
// boundary logits and the displacement field. Over the batch's labelled pairs (counts n_bg,
// n_fg, n_neg; every denominator in Float like the reference):
//   pos = ½·Σ_bg −log(a + ε)/(n_bg + ε) + ½·Σ_fg −log(a + ε)/(n_fg + ε),   ε = 1e-5
//   neg = Σ_neg −log(1 + ε − a)/(n_neg + ε)
//   dp_fg = Σ_fg |δ − (dy, dx)|₁/(2·n_fg + ε),   dp_bg = Σ_bg |δ|₁/(2·n_bg + ε)
//   total = (pos + neg)/2 + (dp_fg + dp_bg)/2.
// The counts are batch-wide (IRNLossWeights); everything else is per image (accumulateIRNLoss),
// so a trainer may run the images of a batch one at a time.

import Tensors

/// The four terms of the IRNet loss and their combination, as the reference logs them.
public struct IRNLossTerms: Sendable, Equatable {
    public var positiveAffinity: Float
    public var negativeAffinity: Float
    public var foregroundDisplacement: Float
    public var backgroundDisplacement: Float
    public var total: Float
}

/// The IRNet loss of a batch and its gradients.
public struct IRNLossResult: Sendable {
    public var terms: IRNLossTerms
    /// d total / d edge logits, the logits' shape ([N, 1, H, W]).
    public var edgeGradient: Tensor
    /// d total / d displacement field, [N, 2, H, W].
    public var displacementGradient: Tensor
}

/// The IRNet training loss for boundary logits `edgeLogits` ([N, 1, H, W], before the sigmoid)
/// and displacement field `displacement` ([N, 2, H, W]) of a batch, with one `AffinityLabels`
/// per image (`pairs` gives the radius and the map size H × W).
public func irnLoss(edgeLogits: Tensor, displacement: Tensor, labels: [AffinityLabels],
                    pairs: AffinityPairs) -> IRNLossResult {
    let batch = checkMap(edgeLogits, pairs, channels: 1, "irnLoss: edge logits")
    precondition(checkMap(displacement, pairs, channels: 2, "irnLoss: displacement") == batch,
                 "irnLoss: edge logits \(edgeLogits.shape) and displacement \(displacement.shape) differ in batch size")
    let pairCount = pairs.directions.count * pairs.sourceCount
    precondition(labels.count == batch && labels.allSatisfy { $0.labels.count == pairCount },
                 "irnLoss: needs \(batch) label sets of \(pairCount) pairs each")

    let weights = IRNLossWeights(labels: labels)
    let pixels = pairs.height * pairs.width
    let paths = PathOffsets(pairs)
    var edgeGradient = Tensor(shape: edgeLogits.shape)
    var displacementGradient = Tensor(shape: displacement.shape)
    var sums = [IRNLossSums](repeating: IRNLossSums(), count: batch)
    edgeLogits.scalars.withUnsafeBufferPointer { logits in
        displacement.scalars.withUnsafeBufferPointer { field in
            edgeGradient.scalars.withUnsafeMutableBufferPointer { edgeGradient in
                displacementGradient.scalars.withUnsafeMutableBufferPointer { fieldGradient in
                    sums.withUnsafeMutableBufferPointer { sums in
                        // Images write disjoint gradient planes and their own sums.
                        Parallelism.forEachTask(batch) { n in
                            sums[n] = accumulateIRNLoss(
                                edgeLogits: logits.baseAddress! + n * pixels,
                                displacement: field.baseAddress! + n * 2 * pixels, labels: labels[n],
                                pairs: pairs, paths: paths, weights: weights,
                                edgeGradient: edgeGradient.baseAddress! + n * pixels,
                                displacementGradient: fieldGradient.baseAddress! + n * 2 * pixels)
                        }
                    }
                }
            }
        }
    }
    var total = IRNLossSums()
    for n in 0..<batch { total.add(sums[n]) }
    let terms = weights.terms(total)
    return IRNLossResult(terms: terms, edgeGradient: edgeGradient, displacementGradient: displacementGradient)
}

/// The batch-wide weighting of the loss: the pair counts of every kind over the whole batch
/// give the denominators (in Float, as the reference) and each pair's weight in the total.
struct IRNLossWeights {
    var backgroundPositive: Float, foregroundPositive: Float, negative: Float
    var foregroundDisplacement: Float, backgroundDisplacement: Float

    init(labels: [AffinityLabels]) {
        var counts = [Int](repeating: 0, count: 4)
        for image in labels {
            image.labels.withUnsafeBufferPointer { labels in
                for label in labels { counts[Int(label.rawValue)] &+= 1 }
            }
        }
        let epsilon = Float(1e-5)
        let background = Float(counts[Int(AffinityLabel.backgroundPositive.rawValue)])
        let foreground = Float(counts[Int(AffinityLabel.foregroundPositive.rawValue)])
        let negatives = Float(counts[Int(AffinityLabel.negative.rawValue)])
        backgroundPositive = background + epsilon
        foregroundPositive = foreground + epsilon
        negative = negatives + epsilon
        foregroundDisplacement = 2 * foreground + epsilon
        backgroundDisplacement = 2 * background + epsilon
    }

    /// Weight of one pair's loss in the total: total = ½(½·bg + ½·fg + neg) + ½(dp_fg + dp_bg).
    var affinityCoefficients: AffinityCoefficients {
        AffinityCoefficients(backgroundPositive: 0.25 / backgroundPositive, foregroundPositive: 0.25 / foregroundPositive,
                             negative: 0.5 / negative)
    }

    /// The four terms and the total from the loss sums of the whole batch.
    func terms(_ sums: IRNLossSums) -> IRNLossTerms {
        let positive = sums.affinity.backgroundPositive / Double(backgroundPositive) / 2
            + sums.affinity.foregroundPositive / Double(foregroundPositive) / 2
        let negative = sums.affinity.negative / Double(self.negative)
        let foreground = sums.displacement.foreground / Double(foregroundDisplacement)
        let background = sums.displacement.background / Double(backgroundDisplacement)
        return IRNLossTerms(positiveAffinity: Float(positive), negativeAffinity: Float(negative),
                            foregroundDisplacement: Float(foreground), backgroundDisplacement: Float(background),
                            total: Float((positive + negative) / 2 + (foreground + background) / 2))
    }
}

/// The loss sums of some images.
struct IRNLossSums {
    var affinity = AffinityLossSums()
    var displacement = DisplacementLossSums()

    mutating func add(_ other: IRNLossSums) {
        affinity.backgroundPositive += other.affinity.backgroundPositive
        affinity.foregroundPositive += other.affinity.foregroundPositive
        affinity.negative += other.affinity.negative
        displacement.foreground += other.displacement.foreground
        displacement.background += other.displacement.background
    }
}

/// One image's loss sums; the gradients of its share of the batch's total loss (weighted by
/// `weights`) are ADDED to `edgeGradient` (w.r.t. the logits; its H×W plane must start at zero,
/// it is scaled by the sigmoid's derivative in place) and to `displacementGradient` (2 planes).
func accumulateIRNLoss(edgeLogits: UnsafePointer<Float>, displacement: UnsafePointer<Float>,
                       labels: AffinityLabels, pairs: AffinityPairs, paths: PathOffsets, weights: IRNLossWeights,
                       edgeGradient: UnsafeMutablePointer<Float>,
                       displacementGradient: UnsafeMutablePointer<Float>) -> IRNLossSums {
    let pixels = pairs.height * pairs.width
    let probability = UnsafeMutablePointer<Float>.allocate(capacity: pixels)
    defer { probability.deallocate() }
    for i in 0..<pixels { probability[i] = sigmoid(edgeLogits[i]) }
    var sums = IRNLossSums()
    sums.affinity = accumulateAffinityLoss(edge: probability, labels: labels.labels, pairs: pairs, paths: paths,
                                           coefficients: weights.affinityCoefficients, edgeGradient: edgeGradient)
    // Through the sigmoid: d logit = d B · (1 − B) · B.
    for i in 0..<pixels {
        edgeGradient[i] = edgeGradient[i] * (1 - probability[i]) * probability[i]
    }
    sums.displacement = accumulateDisplacementLoss(
        field: displacement, labels: labels.labels, pairs: pairs,
        foregroundCoefficient: 0.5 / weights.foregroundDisplacement,
        backgroundCoefficient: 0.5 / weights.backgroundDisplacement, fieldGradient: displacementGradient)
    return sums
}
