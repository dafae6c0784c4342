// DisplacementLoss: the displacement-field terms of IRNet's training loss (IRNet §4.3, Eq. 5-7;
// reference `net/resnet50_irn.py` to_pair_displacement / to_displacement_loss, weighted as in
// `step/train_irn.py`; DESIGN §6). For a pair from source s to destination t = s + (dy, dx),
// with D the displacement field (channel 0: y, channel 1: x):
//   δ = D(s) − D(t)   (per channel),
//   foreground-positive pairs (same instance): |δ − (dy, dx)|  — both pixels point at one centroid;
//   background-positive pairs: |δ|  — background displacements agree.
// Backward: ∂|u|/∂u = sign(u) (0 at 0, like PyTorch), +sign to D(s), −sign to D(t).

import Tensors

/// The reference's `to_pair_displacement`: D(s) − D(t) for every pair, as
/// [N, 2, directions, sources], from a displacement field [N, 2, H, W].
public func pairDisplacements(displacement: Tensor, pairs: AffinityPairs) -> Tensor {
    let batch = checkMap(displacement, pairs, channels: 2, "pairDisplacements: displacement")
    let pixels = pairs.height * pairs.width, sources = pairs.sourceCount
    let directions = pairs.directions.count
    var result = Tensor(shape: [batch, 2, directions, sources])
    for n in 0..<batch {
        for k in 0..<2 {
            let plane = (n * 2 + k) * pixels
            for (d, offset) in pairs.directions.enumerated() {
                let step = offset.dy * pairs.width + offset.dx
                for s in 0..<sources {
                    let source = plane + pairs.sourceIndex(s)
                    result.scalars[((n * 2 + k) * directions + d) * sources + s] =
                        displacement.scalars[source] - displacement.scalars[source + step]
                }
            }
        }
    }
    return result
}

/// Sums of each displacement loss over the pairs of its kind (both channels).
struct DisplacementLossSums {
    var foreground = 0.0, background = 0.0
}

/// The displacement loss sums of one image's positive pairs (`field`: its [2, H, W]
/// displacement), and their gradient: each pair's loss, times the weight of its term in the
/// total loss, is differentiated and added to `fieldGradient` at the source (+) and the
/// destination (−) of the pair.
func accumulateDisplacementLoss(field: UnsafePointer<Float>, labels: [AffinityLabel], pairs: AffinityPairs,
                                foregroundCoefficient: Float, backgroundCoefficient: Float,
                                fieldGradient: UnsafeMutablePointer<Float>) -> DisplacementLossSums {
    var sums = DisplacementLossSums()
    let sources = pairs.sourceCount
    let pixels = pairs.height * pairs.width
    labels.withUnsafeBufferPointer { labels in
        let labels = labels.baseAddress!
        for (d, offset) in pairs.directions.enumerated() {
            let step = offset.dy &* pairs.width &+ offset.dx
            let target = (Float(offset.dy), Float(offset.dx))
            for row in 0..<pairs.sourceRows {
                let firstSource = row &* pairs.width &+ pairs.radiusFloor
                let rowLabels = labels + (d &* sources &+ row &* pairs.sourceColumns)
                for c in 0..<pairs.sourceColumns {
                    let label = rowLabels[c]
                    guard label == .foregroundPositive || label == .backgroundPositive else { continue }
                    let source = firstSource &+ c
                    for k in 0..<2 {
                        let plane = k &* pixels
                        let difference = field[plane &+ source] - field[plane &+ source &+ step]
                        let g: Float
                        if label == .foregroundPositive {
                            let error = difference - (k == 0 ? target.0 : target.1)
                            sums.foreground += Double(abs(error))
                            g = foregroundCoefficient * sign(error)
                        } else {
                            sums.background += Double(abs(difference))
                            g = backgroundCoefficient * sign(difference)
                        }
                        fieldGradient[plane &+ source] += g
                        fieldGradient[plane &+ source &+ step] -= g
                    }
                }
            }
        }
    }
    return sums
}

/// −1, 0 or 1 (NaN stays NaN), the derivative PyTorch gives |u|.
@inline(__always)
private func sign(_ u: Float) -> Float {
    u > 0 ? 1 : (u < 0 ? -1 : (u.isNaN ? u : 0))
}
