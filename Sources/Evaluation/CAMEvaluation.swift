// CAMEvaluation: semantic labels straight from class activation maps, scored by mIoU, as
// IRNet's step/eval_cam.py does: a constant background map (the threshold, default 0.15 in the
// reference, compared in float32) is put before the K class maps, the argmax over those K+1
// values (first maximum wins, a NaN wins outright) picks index i, and the label is 0 for i = 0,
// keys[i−1] + 1 otherwise. CAMThresholdSweep scores many thresholds in one pass and reports the
// best (DESIGN §6, "Labels"; the mIoU of ConfusionMatrix+Metrics.swift).

public enum CAMEvaluation {
    /// Labels of one image from `cams` (K maps of `pixelCount` values, class-major, the
    /// reference's `high_res`) for the 0-based foreground classes `keys` (K of them).
    public static func labels(cams: [Float], keys: [Int], pixelCount: Int, threshold: Float) -> [Int32] {
        precondition(cams.count == keys.count * pixelCount,
                     "\(cams.count) CAM values for \(keys.count) keys of \(pixelCount) pixels")
        var labels = [Int32](repeating: 0, count: pixelCount)
        if threshold.isNaN || keys.isEmpty { return labels }
        cams.withUnsafeBufferPointer { c in
            for pixel in 0..<pixelCount {
                // NumPy's argmax: a later value wins only if the running maximum is not ≥ it.
                var best = threshold
                var winner = 0
                for k in 0..<keys.count {
                    let value = c[k * pixelCount + pixel]
                    if !(value <= best) {
                        best = value
                        winner = k + 1
                        if value.isNaN { break }
                    }
                }
                labels[pixel] = winner == 0 ? 0 : Int32(keys[winner - 1] + 1)
            }
        }
        return labels
    }
}

/// Confusion matrices of CAM labels at several background thresholds, accumulated together:
/// each pixel's strongest class is found once, then compared with every threshold.
public struct CAMThresholdSweep: Sendable {
    public let thresholds: [Float]
    public private(set) var confusions: [ConfusionMatrix]

    public init(thresholds: [Float]) {
        precondition(!thresholds.isEmpty, "no threshold to sweep")
        self.thresholds = thresholds
        confusions = thresholds.map { _ in ConfusionMatrix() }
    }

    /// Adds one image: CAMs as for `CAMEvaluation.labels`, the ground truth with
    /// `ignoredGroundTruth` (VOC's 255) left out.
    public mutating func accumulate(cams: [Float], keys: [Int], groundTruth: [UInt8],
                                    ignoredGroundTruth: UInt8? = 255) {
        let labels = labelsForEachThreshold(cams: cams, keys: keys, pixelCount: groundTruth.count)
        let truth = groundTruth.map { value -> Int32 in
            value == ignoredGroundTruth ? -1 : Int32(value)
        }
        for t in thresholds.indices {
            confusions[t].accumulate(prediction: labels[t], groundTruth: truth)
        }
    }

    /// The labels `CAMEvaluation.labels` gives at each threshold, from one scan of the CAMs:
    /// the background wins where its value is ≥ the first strongest class value (not NaN).
    public func labelsForEachThreshold(cams: [Float], keys: [Int], pixelCount: Int) -> [[Int32]] {
        precondition(cams.count == keys.count * pixelCount,
                     "\(cams.count) CAM values for \(keys.count) keys of \(pixelCount) pixels")
        var strongest = [Float](repeating: -.infinity, count: pixelCount)
        var strongestLabel = [Int32](repeating: 0, count: pixelCount)
        if !keys.isEmpty {
            cams.withUnsafeBufferPointer { c in
                for pixel in 0..<pixelCount {
                    var best = c[pixel]
                    var winner = 0
                    if !best.isNaN {
                        for k in 1..<keys.count {
                            let value = c[k * pixelCount + pixel]
                            if !(value <= best) {
                                best = value
                                winner = k
                                if value.isNaN { break }
                            }
                        }
                    }
                    strongest[pixel] = best
                    strongestLabel[pixel] = Int32(keys[winner] + 1)
                }
            }
        }
        return thresholds.map { threshold in
            if threshold.isNaN || keys.isEmpty { return [Int32](repeating: 0, count: pixelCount) }
            return (0..<pixelCount).map { pixel in
                let value = strongest[pixel]
                return !value.isNaN && value <= threshold ? 0 : strongestLabel[pixel]
            }
        }
    }

    /// Mean IoU at each threshold.
    public var meanIntersectionOverUnions: [Double] {
        confusions.map(\.meanIntersectionOverUnion)
    }

    /// The threshold with the highest mean IoU (the first of equals; NaN scores never win);
    /// nil if every score is NaN.
    public var best: (threshold: Float, index: Int, meanIntersectionOverUnion: Double)? {
        var found: (threshold: Float, index: Int, meanIntersectionOverUnion: Double)?
        for (index, score) in meanIntersectionOverUnions.enumerated() where !score.isNaN {
            if found == nil || score > found!.meanIntersectionOverUnion {
                found = (thresholds[index], index, score)
            }
        }
        return found
    }
}
