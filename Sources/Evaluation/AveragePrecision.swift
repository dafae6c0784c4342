// AveragePrecision: one class's AP from its precision/recall curve, as PASCAL VOC defines it and
// chainercv's calc_detection_voc_ap computes it. VOC2010+ (the default): the area under the
// curve whose precision at each recall is the best precision at that recall or beyond, with
// sentinels (0, 0) and (1, 0) and NaN precision read as 0. VOC2007: the mean over
// t = 0, 0.1, …, 1 of the best precision at recall ≥ t (0 when none). No curve: NaN.

/// How a precision/recall curve becomes one number.
public enum AveragePrecisionMetric: Sendable, CaseIterable {
    /// VOC2010 and later: area under the interpolated curve (chainercv's default).
    case voc2010
    /// VOC2007: 11-point interpolated average (`use_07_metric=True`).
    case voc2007
}

public enum AveragePrecision {
    /// AP of one class; NaN when either curve is missing (the class has no ground truth, or was
    /// never seen).
    public static func of(precision: [Double]?, recall: [Double]?, metric: AveragePrecisionMetric = .voc2010) -> Double {
        guard let precision, let recall else { return .nan }
        precondition(precision.count == recall.count, "precision and recall differ in length")
        let cleaned = precision.map { $0.isNaN ? 0 : $0 }
        switch metric {
        case .voc2010:
            let p = [0] + cleaned + [0]
            let r = [0] + recall + [1]
            var envelope = p
            for i in stride(from: envelope.count - 2, through: 0, by: -1) {
                envelope[i] = max(envelope[i], envelope[i + 1])
            }
            var terms: [Double] = []
            for i in 0..<(r.count - 1) where r[i + 1] != r[i] {
                terms.append((r[i + 1] - r[i]) * envelope[i + 1])
            }
            return NumPyReductions.sum(terms)
        case .voc2007:
            var ap = 0.0
            for step in 0...10 {
                let t = Double(step) * 0.1  // NumPy's arange(0, 1.1, 0.1) values
                var best: Double?
                for (p, r) in zip(cleaned, recall) where r >= t {
                    best = max(best ?? p, p)
                }
                ap += (best ?? 0) / 11
            }
            return ap
        }
    }
}
