// Unary energies of the dense CRF, built the way pydensecrf's utilities build them:
// from a hard label map with a confidence ("unary_from_labels": -log gt_prob for the given label,
// -log((1 - gt_prob)/(K - 1)) for every other, optionally label 0 = unsure = uniform), and from
// class probabilities ("unary_from_softmax": -log of the clipped, optionally flattened p).
// Relation mining (DESIGN §6) uses the label form with gt_prob 0.7 and no unsure label.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensors

extension DenseCRF {
    /// Unary energies from a label map (row-major H·W). Without `zeroUnsure`, label values are
    /// 0 ..< K and each names its own row. With `zeroUnsure`, 0 means "could be anything"
    /// (every label gets -log(1/K)) and values 1 ... K name rows 0 ..< K.
    public mutating func setUnary(fromLabels labels: [Int], gtProbability: Double, zeroUnsure: Bool) {
        precondition(labels.count == pixelCount, "\(labels.count) labels for \(pixelCount) pixels")
        precondition(gtProbability > 0 && gtProbability < 1, "gtProbability must lie in (0, 1)")
        precondition(zeroUnsure || labelCount >= 2, "a confident label needs at least two labels")
        let k = labelCount, n = pixelCount
        // The reference computes the energies in double and stores them as float.
        let p = gtProbability
        let other = Float(-log((1 - p) / Double(k - 1)))
        let given = Float(-log(p))
        let unsure = Float(-log(1 / Double(k)))
        var energies = [Float](repeating: other, count: k * n)
        for (i, label) in labels.enumerated() {
            if zeroUnsure {
                precondition(label >= 0 && label <= k, "label \(label) at pixel \(i) is outside 0...\(k)")
                if label == 0 {
                    for l in 0 ..< k { energies[l * n + i] = unsure }
                } else {
                    energies[(label - 1) * n + i] = given
                }
            } else {
                precondition(label >= 0 && label < k, "label \(label) at pixel \(i) is outside 0..<\(k)")
                energies[label * n + i] = given
            }
        }
        unary = energies
    }

    /// Unary energies -log p from class probabilities [K, H, W]. With `scale` s the
    /// probabilities are first pulled towards uniform, s·p + (1 - s)/K; then clipped to
    /// [clip, 1] (pass nil to skip clipping; zeros then give infinite energies).
    public mutating func setUnary(fromProbabilities probabilities: Tensor, scale: Double? = nil,
                                  clip: Double? = 1e-5) {
        precondition(probabilities.shape == [labelCount, height, width],
                     "probability shape \(probabilities.shape) is not [\(labelCount), \(height), \(width)]")
        if let scale { precondition(scale > 0 && scale <= 1, "scale must lie in (0, 1]") }
        // NumPy works in float32 when no scale is given; with one, s·p is float32 and the sum
        // with the (float64) uniform part and everything after it float64. Both are reproduced.
        guard let scale else {
            unary = probabilities.scalars.map { value in
                var p = value
                if let clip { p = min(max(p, Float(clip)), 1) }
                return -log(p)
            }
            return
        }
        let uniform = 1 / Double(labelCount)
        unary = probabilities.scalars.map { value in
            var p = Double(Float(scale) * value) + (1 - scale) * uniform
            if let clip { p = min(max(p, clip), 1) }
            return Float(-log(p))
        }
    }
}
