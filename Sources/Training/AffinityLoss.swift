// AffinityLoss: the inter-pixel affinity terms of IRNet's training loss (IRNet §4.2, Eq. 2-4;
// reference `net/resnet50_irn.py` AffinityDisplacementLoss.to_affinity and forward, weighted as
// in `step/train_irn.py`; DESIGN §6). With B = σ(edge logits), a pair's affinity is
//   a = 1 − max over its path of B   (the first maximum in path order wins, as max_pool2d's),
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

/// The reference's `to_affinity`: for an edge map (boundary probabilities, [N, 1, H, W] or
/// [N, H, W]) the affinity 1 − max over the path of every pair, as [N, directions, sources].
public func pathAffinities(edge: Tensor, pairs: AffinityPairs) -> Tensor {
    let batch = checkMap(edge, pairs, channels: 1, "pathAffinities: edge")
    let pixels = pairs.height * pairs.width, sources = pairs.sourceCount
    var result = Tensor(shape: [batch, pairs.directions.count, sources])
    for n in 0..<batch {
        for d in pairs.directions.indices {
            let offsets = pairs.paths[d].map { $0.dy * pairs.width + $0.dx }
            for s in 0..<sources {
                let (maximum, _) = pathMaximum(edge.scalars, base: n * pixels + pairs.sourceIndex(s), offsets: offsets)
                result.scalars[(n * pairs.directions.count + d) * sources + s] = 1 - maximum
            }
        }
    }
    return result
}

/// The largest of values[base + offsets[k]] and its index, scanning k upwards and replacing the
/// maximum only by a greater value or a NaN (PyTorch's max-pool rule).
@inline(__always)
func pathMaximum<C: RandomAccessCollection>(_ values: C, base: Int, offsets: [Int]) -> (Float, Int)
    where C.Element == Float, C.Index == Int {
    var best = base + offsets[0]
    var maximum = values[best]
    for k in 1..<offsets.count {
        let index = base + offsets[k]
        let value = values[index]
        if value > maximum || value.isNaN {
            maximum = value
            best = index
        }
    }
    return (maximum, best)
}

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
/// `edgeGradient` at the pair's winning path pixel.
func accumulateAffinityLoss(edge: UnsafePointer<Float>, labels: [AffinityLabel], pairs: AffinityPairs,
                            coefficients: AffinityCoefficients,
                            edgeGradient: UnsafeMutablePointer<Float>) -> AffinityLossSums {
    var sums = AffinityLossSums()
    let sources = pairs.sourceCount
    let pixels = pairs.height * pairs.width
    let values = UnsafeBufferPointer(start: edge, count: pixels)
    let epsilon: Float = 1e-5
    let onePlusEpsilon = Float(1.0 + 1e-5)
    labels.withUnsafeBufferPointer { labels in
        for d in pairs.directions.indices {
            let offsets = pairs.paths[d].map { $0.dy * pairs.width + $0.dx }
            let row = d &* sources
            for s in 0..<sources {
                let label = labels[row &+ s]
                if label == .ignored { continue }
                let (maximum, winner) = pathMaximum(values, base: pairs.sourceIndex(s), offsets: offsets)
                let affinity = 1 - maximum
                switch label {
                case .backgroundPositive, .foregroundPositive:
                    let shifted = affinity + epsilon
                    let loss = Double(-log(shifted))
                    if label == .backgroundPositive {
                        sums.backgroundPositive += loss
                        edgeGradient[winner] += coefficients.backgroundPositive / shifted
                    } else {
                        sums.foregroundPositive += loss
                        edgeGradient[winner] += coefficients.foregroundPositive / shifted
                    }
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
