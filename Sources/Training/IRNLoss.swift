// IRNLoss: IRNet's whole training objective for one batch (reference `step/train_irn.py` on
// the outputs of AffinityDisplacementLoss; DESIGN §6), with its gradient with respect to the
// boundary logits and the displacement field. Over the batch's labelled pairs (counts n_bg,
// n_fg, n_neg; every denominator in Float like the reference):
//   pos = ½·Σ_bg −log(a + ε)/(n_bg + ε) + ½·Σ_fg −log(a + ε)/(n_fg + ε),   ε = 1e-5
//   neg = Σ_neg −log(1 + ε − a)/(n_neg + ε)
//   dp_fg = Σ_fg |δ − (dy, dx)|₁/(2·n_fg + ε),   dp_bg = Σ_bg |δ|₁/(2·n_bg + ε)
//   total = (pos + neg)/2 + (dp_fg + dp_bg)/2.

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

    // Denominators from the labels alone, summed over the batch (in Float, as the reference).
    var counts = [Int](repeating: 0, count: 4)
    for image in labels {
        image.labels.withUnsafeBufferPointer { labels in
            for label in labels { counts[Int(label.rawValue)] &+= 1 }
        }
    }
    let epsilon = Float(1e-5)
    let backgroundCount = Float(counts[Int(AffinityLabel.backgroundPositive.rawValue)])
    let foregroundCount = Float(counts[Int(AffinityLabel.foregroundPositive.rawValue)])
    let negativeCount = Float(counts[Int(AffinityLabel.negative.rawValue)])
    let denominators = (backgroundPositive: backgroundCount + epsilon, foregroundPositive: foregroundCount + epsilon,
                        negative: negativeCount + epsilon,
                        foregroundDisplacement: 2 * foregroundCount + epsilon,
                        backgroundDisplacement: 2 * backgroundCount + epsilon)
    // Weight of one pair's loss in the total: total = ½(½·bg + ½·fg + neg) + ½(dp_fg + dp_bg).
    let coefficients = AffinityCoefficients(backgroundPositive: 0.25 / denominators.backgroundPositive,
                                            foregroundPositive: 0.25 / denominators.foregroundPositive,
                                            negative: 0.5 / denominators.negative)
    let foregroundDisplacementCoefficient = 0.5 / denominators.foregroundDisplacement
    let backgroundDisplacementCoefficient = 0.5 / denominators.backgroundDisplacement

    let pixels = pairs.height * pairs.width
    let paths = PathOffsets(pairs)
    let probabilities = sigmoid(edgeLogits)
    var edgeGradient = Tensor(shape: edgeLogits.shape)
    var displacementGradient = Tensor(shape: displacement.shape)
    var affinitySums = [AffinityLossSums](repeating: AffinityLossSums(), count: batch)
    var displacementSums = [DisplacementLossSums](repeating: DisplacementLossSums(), count: batch)
    probabilities.scalars.withUnsafeBufferPointer { edge in
        displacement.scalars.withUnsafeBufferPointer { field in
            edgeGradient.scalars.withUnsafeMutableBufferPointer { edgeGradient in
                displacementGradient.scalars.withUnsafeMutableBufferPointer { fieldGradient in
                    affinitySums.withUnsafeMutableBufferPointer { affinitySums in
                        displacementSums.withUnsafeMutableBufferPointer { displacementSums in
                            // Images write disjoint gradient planes and their own sums.
                            Parallelism.forEachTask(batch) { n in
                                let probability = edge.baseAddress! + n * pixels
                                let gradient = edgeGradient.baseAddress! + n * pixels
                                affinitySums[n] = accumulateAffinityLoss(
                                    edge: probability, labels: labels[n].labels, pairs: pairs,
                                    paths: paths, coefficients: coefficients, edgeGradient: gradient)
                                // Through the sigmoid: d logit = d B · (1 − B) · B.
                                for i in 0..<pixels {
                                    gradient[i] = gradient[i] * (1 - probability[i]) * probability[i]
                                }
                                displacementSums[n] = accumulateDisplacementLoss(
                                    field: field.baseAddress! + n * 2 * pixels, labels: labels[n].labels,
                                    pairs: pairs, foregroundCoefficient: foregroundDisplacementCoefficient,
                                    backgroundCoefficient: backgroundDisplacementCoefficient,
                                    fieldGradient: fieldGradient.baseAddress! + n * 2 * pixels)
                            }
                        }
                    }
                }
            }
        }
    }

    var affinity = AffinityLossSums(), displacementTotals = DisplacementLossSums()
    for n in 0..<batch {
        affinity.backgroundPositive += affinitySums[n].backgroundPositive
        affinity.foregroundPositive += affinitySums[n].foregroundPositive
        affinity.negative += affinitySums[n].negative
        displacementTotals.foreground += displacementSums[n].foreground
        displacementTotals.background += displacementSums[n].background
    }
    let positive = affinity.backgroundPositive / Double(denominators.backgroundPositive) / 2
        + affinity.foregroundPositive / Double(denominators.foregroundPositive) / 2
    let negative = affinity.negative / Double(denominators.negative)
    let foreground = displacementTotals.foreground / Double(denominators.foregroundDisplacement)
    let background = displacementTotals.background / Double(denominators.backgroundDisplacement)
    let terms = IRNLossTerms(positiveAffinity: Float(positive), negativeAffinity: Float(negative),
                             foregroundDisplacement: Float(foreground), backgroundDisplacement: Float(background),
                             total: Float((positive + negative) / 2 + (foreground + background) / 2))
    return IRNLossResult(terms: terms, edgeGradient: edgeGradient, displacementGradient: displacementGradient)
}
