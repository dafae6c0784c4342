// AffinityLoss: the inter-pixel affinity terms of IRNet's training loss (IRNet §4.2, Eq. 2-4;
// reference `net/resnet50_irn.py` AffinityDisplacementLoss.forward, weighted as in
// `step/train_irn.py`; DESIGN §6). With B = σ(edge logits), a pair's affinity is
//   a = 1 − max over its path of B   (PathMaxima.swift: the first maximum in path order wins),
// its positive loss −log(a + 1e-5) and its negative loss −log(1 + 1e-5 − a), all in Float.
// Backward: ∂(−log(a + 1e-5))/∂max = 1/(a + 1e-5), ∂(−log(1 + 1e-5 − a))/∂max = −1/(1 + 1e-5 − a),
// sent to the winning path pixel only; then ∂B/∂logit = B·(1 − B).
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

/// Sums of each affinity loss over the pairs of its kind.
struct AffinityLossSums {
    var backgroundPositive = 0.0, foregroundPositive = 0.0, negative = 0.0
}

/// Per-pair weights of each affinity term in the total loss.
struct AffinityCoefficients {
    var backgroundPositive: Float, foregroundPositive: Float, negative: Float
}

/// The affinity loss sums of one image's labelled pairs (edge: its H×W boundary probabilities),
/// and their gradient with respect to the probabilities: each pair's loss, times the weight of
/// its term in the total loss (`coefficients`), is differentiated and the derivative added to
/// `edgeGradient` at the pair's winning path pixel. Pairs are visited direction by direction,
/// one source row at a time (PathOffsets.rowMaxima).
func accumulateAffinityLoss(edge: UnsafePointer<Float>, labels: [AffinityLabel], pairs: AffinityPairs,
                            paths: PathOffsets, coefficients: AffinityCoefficients,
                            edgeGradient: UnsafeMutablePointer<Float>) -> AffinityLossSums {
    var sums = AffinityLossSums()
    let sources = pairs.sourceCount, columns = pairs.sourceColumns
    let epsilon: Float = 1e-5
    let onePlusEpsilon = Float(1.0 + 1e-5)
    let maxima = UnsafeMutablePointer<Float>.allocate(capacity: columns)
    let winners = UnsafeMutablePointer<Int32>.allocate(capacity: columns)
    defer {
        maxima.deallocate()
        winners.deallocate()
    }
    labels.withUnsafeBufferPointer { labels in
        let labels = labels.baseAddress!
        for d in pairs.directions.indices {
            for row in 0..<pairs.sourceRows {
                let firstSource = row &* pairs.width &+ pairs.radiusFloor
                paths.rowMaxima(edge, direction: d, firstSource: firstSource, columns: columns,
                                maxima: maxima, winners: winners)
                let rowLabels = labels + (d &* sources &+ row &* columns)
                for c in 0..<columns {
                    let label = rowLabels[c]
                    if label == .ignored { continue }
                    let affinity = 1 - maxima[c]
                    let winner = firstSource &+ c &+ paths.offset(direction: d, point: Int(winners[c]))
                    switch label {
                    case .backgroundPositive:
                        let shifted = affinity + epsilon
                        sums.backgroundPositive += Double(-log(shifted))
                        edgeGradient[winner] += coefficients.backgroundPositive / shifted
                    case .foregroundPositive:
                        let shifted = affinity + epsilon
                        sums.foregroundPositive += Double(-log(shifted))
                        edgeGradient[winner] += coefficients.foregroundPositive / shifted
                    case .negative:
                        let complement = onePlusEpsilon - affinity
                        sums.negative += Double(-log(complement))
                        edgeGradient[winner] -= coefficients.negative / complement
                    case .ignored:
                        break
                    }
                }
            }
        }
    }
    return sums
}

/// Checks an [N, channels, H, W] (or [N, H, W] when channels is 1) map against the pairs' map
/// size; returns N.
func checkMap(_ t: Tensor, _ pairs: AffinityPairs, channels: Int, _ name: String) -> Int {
    let fits = (t.rank == 4 && t.shape[1] == channels && t.shape[2] == pairs.height && t.shape[3] == pairs.width)
        || (channels == 1 && t.rank == 3 && t.shape[1] == pairs.height && t.shape[2] == pairs.width)
    precondition(fits, "\(name) \(t.shape) is not [N, \(channels), \(pairs.height), \(pairs.width)]")
    return t.shape[0]
}
