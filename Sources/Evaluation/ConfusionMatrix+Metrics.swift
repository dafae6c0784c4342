// Semantic segmentation metrics from a ConfusionMatrix, as chainercv's
// eval_semantic_segmentation computes them: per-class IoU = N_ii / (Σ_j N_ij + Σ_j N_ji − N_ii)
// (NaN for a class absent from both maps), mean IoU over the non-NaN classes, pixel accuracy,
// per-class and mean class accuracy; and the false-positive / false-negative shares of the
// union that IRNet's step/eval_sem_seg.py prints beside the IoUs (SemanticSummary).

extension ConfusionMatrix {
    /// Σ_j N_ij: ground-truth pixels of each class.
    public var groundTruthTotals: [Int] {
        (0..<classCount).map { row in (0..<classCount).reduce(0) { $0 + self[groundTruth: row, prediction: $1] } }
    }

    /// Σ_i N_ij: predicted pixels of each class.
    public var predictionTotals: [Int] {
        (0..<classCount).map { column in (0..<classCount).reduce(0) { $0 + self[groundTruth: $1, prediction: column] } }
    }

    /// N_ii: correctly labelled pixels of each class.
    public var diagonal: [Int] {
        (0..<classCount).map { self[groundTruth: $0, prediction: $0] }
    }

    /// |ground truth ∪ prediction| of each class.
    public var unions: [Int] {
        let g = groundTruthTotals, p = predictionTotals, d = diagonal
        return (0..<classCount).map { g[$0] + p[$0] - d[$0] }
    }

    /// Intersection over union of each class; NaN where the class is in neither map.
    public var intersectionOverUnion: [Double] {
        let d = diagonal, u = unions
        return (0..<classCount).map { Double(d[$0]) / Double(u[$0]) }
    }

    /// Mean of the non-NaN IoUs (NumPy's nanmean); NaN if there are none.
    public var meanIntersectionOverUnion: Double {
        NumPyReductions.nanMean(intersectionOverUnion)
    }

    /// Correct pixels over counted pixels.
    public var pixelAccuracy: Double {
        Double(diagonal.reduce(0, +)) / Double(counts.reduce(0, +))
    }

    /// Recall of each class: N_ii / Σ_j N_ij (NaN without ground truth of that class).
    public var classAccuracy: [Double] {
        let d = diagonal, g = groundTruthTotals
        return (0..<classCount).map { Double(d[$0]) / Double(g[$0]) }
    }

    /// Mean of the non-NaN class accuracies.
    public var meanClassAccuracy: Double {
        NumPyReductions.nanMean(classAccuracy)
    }

    /// 1 − |ground truth| / |union| per class: the predicted-but-wrong share of the union
    /// (IRNet's `fp`).
    public var falsePositiveShare: [Double] {
        let g = groundTruthTotals, u = unions
        return (0..<classCount).map { 1 - Double(g[$0]) / Double(u[$0]) }
    }

    /// 1 − |prediction| / |union| per class: the missed share of the union (IRNet's `fn`).
    public var falseNegativeShare: [Double] {
        let p = predictionTotals, u = unions
        return (0..<classCount).map { 1 - Double(p[$0]) / Double(u[$0]) }
    }
}

/// What IRNet's step/eval_sem_seg.py prints for a dataset: the confusion matrix cut to the
/// first `classCount` classes (21 for VOC), the background's false-positive and false-negative
/// shares, their plain means over the foreground classes (NaN if any class is absent), the IoUs
/// and their nanmean.
public struct SemanticSummary: Equatable, Sendable {
    public var backgroundFalsePositive: Double
    public var backgroundFalseNegative: Double
    public var foregroundFalsePositive: Double
    public var foregroundFalseNegative: Double
    public var intersectionOverUnion: [Double]
    public var meanIntersectionOverUnion: Double

    public init(_ confusion: ConfusionMatrix, classCount: Int = 21) {
        let cut = confusion.leading(classCount)
        precondition(cut.classCount >= 1, "no class to summarise")
        let fp = cut.falsePositiveShare, fn = cut.falseNegativeShare
        backgroundFalsePositive = fp[0]
        backgroundFalseNegative = fn[0]
        foregroundFalsePositive = NumPyReductions.mean(Array(fp.dropFirst()))
        foregroundFalseNegative = NumPyReductions.mean(Array(fn.dropFirst()))
        intersectionOverUnion = cut.intersectionOverUnion
        meanIntersectionOverUnion = cut.meanIntersectionOverUnion
    }
}
