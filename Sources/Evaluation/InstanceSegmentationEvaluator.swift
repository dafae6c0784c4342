// InstanceSegmentationEvaluator: PASCAL VOC AP^r of instance masks over a dataset, equal to
// chainercv's eval_instance_segmentation_voc (IRNet's step/eval_ins_seg.py, IoU 0.5), with the
// difficult-flag handling of its detection twin. Per image and class, predictions are ranked
// by score (NumPy's argsort order, reversed), each takes the ground truth it overlaps most (if
// IoU ≥ threshold in float32) and is a true positive if that truth is still free, a false
// positive otherwise; matches to a difficult truth count neither way. Per class, all scores are
// ranked again, and precision/recall follow from running counts; AP: AveragePrecision.swift.

/// One image's predicted instances: masks, 0-based foreground classes and confidence scores.
public struct PredictedInstances: Sendable {
    public var masks: InstanceMasks
    public var labels: [Int]
    public var scores: [Double]

    public init(masks: InstanceMasks, labels: [Int], scores: [Double]) {
        precondition(labels.count == masks.count && scores.count == masks.count,
                     "\(masks.count) masks, \(labels.count) labels, \(scores.count) scores")
        precondition(labels.allSatisfy { $0 >= 0 }, "instance labels must be 0 or more")
        self.masks = masks
        self.labels = labels
        self.scores = scores
    }
}

/// One image's ground-truth instances: masks, 0-based foreground classes, optional difficult
/// flags (all false when nil).
public struct GroundTruthInstances: Sendable {
    public var masks: InstanceMasks
    public var labels: [Int]
    public var difficult: [Bool]?

    public init(masks: InstanceMasks, labels: [Int], difficult: [Bool]? = nil) {
        precondition(labels.count == masks.count && (difficult?.count ?? masks.count) == masks.count,
                     "\(masks.count) masks, \(labels.count) labels, \(difficult?.count ?? masks.count) flags")
        precondition(labels.allSatisfy { $0 >= 0 }, "instance labels must be 0 or more")
        self.masks = masks
        self.labels = labels
        self.difficult = difficult
    }
}

/// A class's precision and recall after each ranked prediction. `precision` is nil for a class
/// that never appeared; `recall` is nil also when the class has no (non-difficult) ground truth.
public struct PrecisionRecall: Sendable {
    public var precision: [Double]?
    public var recall: [Double]?
}

/// Per-class AP (NaN for classes without a curve) and their nanmean, at one IoU threshold.
public struct AveragePrecisionResult: Sendable {
    public var iouThreshold: Double
    public var metric: AveragePrecisionMetric
    public var averagePrecision: [Double]
    public var meanAveragePrecision: Double
}

public struct InstanceSegmentationEvaluator: Sendable {
    /// The IoU thresholds AP^r is usually reported at.
    public static let standardThresholds: [Double] = [0.25, 0.5, 0.7, 0.75]

    public let iouThresholds: [Double]
    /// Per class: whether it appeared, non-difficult ground truths, and all predictions' scores
    /// in the order they were ranked within their images.
    private var seen: [Bool] = []
    private var positives: [Int] = []
    private var scores: [[Double]] = []
    /// matches[threshold][class]: 1 true positive, 0 false positive, -1 ignored (difficult).
    private var matches: [[[Int8]]]

    /// An evaluator matching at every threshold of `iouThresholds` at once.
    public init(iouThresholds: [Double] = [0.5]) {
        precondition(!iouThresholds.isEmpty, "no IoU threshold")
        self.iouThresholds = iouThresholds
        matches = iouThresholds.map { _ in [] }
    }

    /// Adds one image.
    public mutating func add(prediction: PredictedInstances, groundTruth: GroundTruthInstances) {
        precondition(prediction.masks.pixelCount == groundTruth.masks.pixelCount || prediction.masks.count == 0
                        || groundTruth.masks.count == 0, "prediction and ground truth differ in size")
        let classes = Set(prediction.labels + groundTruth.labels).sorted()
        guard let largest = classes.last else { return }
        if largest >= seen.count { grow(to: largest + 1) }
        let difficult = groundTruth.difficult ?? [Bool](repeating: false, count: groundTruth.labels.count)
        for label in classes {
            seen[label] = true
            let mine = prediction.labels.indices.filter { prediction.labels[$0] == label }
            let ranked = NumPyArgsort.descending(mine.map { prediction.scores[$0] }).map { mine[$0] }
            let truths = groundTruth.labels.indices.filter { groundTruth.labels[$0] == label }
            positives[label] += truths.reduce(0) { $0 + (difficult[$1] ? 0 : 1) }
            scores[label] += ranked.map { prediction.scores[$0] }
            if ranked.isEmpty { continue }
            if truths.isEmpty {
                for t in iouThresholds.indices {
                    matches[t][label] += [Int8](repeating: 0, count: ranked.count)
                }
                continue
            }
            let iou = select(prediction.masks, ranked).intersectionOverUnion(with: select(groundTruth.masks, truths))
            // NumPy's argmax and max along each row: the first maximum, a NaN beating everything.
            var nearest = [Int](repeating: 0, count: ranked.count)
            var overlap = [Float](repeating: 0, count: ranked.count)
            for row in ranked.indices {
                var best = iou[row * truths.count], bestIndex = 0
                if !best.isNaN {
                    for column in 1..<truths.count {
                        let value = iou[row * truths.count + column]
                        if !(value <= best) {
                            best = value
                            bestIndex = column
                            if value.isNaN { break }
                        }
                    }
                }
                nearest[row] = bestIndex
                overlap[row] = best
            }
            for (t, threshold) in iouThresholds.enumerated() {
                let bound = Float(threshold)  // the reference compares its float32 IoUs in float32
                var taken = [Bool](repeating: false, count: truths.count)
                var found: [Int8] = []
                for row in ranked.indices {
                    if overlap[row] < bound {
                        found.append(0)
                        continue
                    }
                    let truth = nearest[row]
                    if difficult[truths[truth]] {
                        found.append(-1)
                    } else {
                        found.append(taken[truth] ? 0 : 1)
                    }
                    taken[truth] = true
                }
                matches[t][label] += found
            }
        }
    }

    /// Precision and recall of every class 0 ..< (largest label seen + 1) at threshold `index`.
    public func precisionRecall(thresholdIndex index: Int = 0) -> [PrecisionRecall] {
        (0..<seen.count).map { label in
            guard seen[label] else { return PrecisionRecall(precision: nil, recall: nil) }
            let order = NumPyArgsort.descending(scores[label])
            var truePositives = 0, falsePositives = 0
            var precision: [Double] = [], recall: [Double] = []
            precision.reserveCapacity(order.count)
            recall.reserveCapacity(order.count)
            for k in order {
                switch matches[index][label][k] {
                case 1: truePositives += 1
                case 0: falsePositives += 1
                default: break
                }
                precision.append(Double(truePositives) / Double(truePositives + falsePositives))
                recall.append(Double(truePositives) / Double(positives[label]))
            }
            return PrecisionRecall(precision: precision, recall: positives[label] > 0 ? recall : nil)
        }
    }

    /// AP of every class and their nanmean at threshold `index`.
    public func result(thresholdIndex index: Int = 0, metric: AveragePrecisionMetric = .voc2010) -> AveragePrecisionResult {
        let ap = precisionRecall(thresholdIndex: index).map {
            AveragePrecision.of(precision: $0.precision, recall: $0.recall, metric: metric)
        }
        return AveragePrecisionResult(iouThreshold: iouThresholds[index], metric: metric, averagePrecision: ap,
                                      meanAveragePrecision: NumPyReductions.nanMean(ap))
    }

    /// Results at every threshold, in the order of `iouThresholds`.
    public func results(metric: AveragePrecisionMetric = .voc2010) -> [AveragePrecisionResult] {
        iouThresholds.indices.map { result(thresholdIndex: $0, metric: metric) }
    }

    /// chainercv's eval_instance_segmentation_voc in one call: images in order, one threshold.
    public static func evaluate(predictions: [PredictedInstances], groundTruths: [GroundTruthInstances],
                                iouThreshold: Double = 0.5,
                                metric: AveragePrecisionMetric = .voc2010) -> AveragePrecisionResult {
        precondition(predictions.count == groundTruths.count,
                     "\(predictions.count) predicted images, \(groundTruths.count) ground-truth images")
        var evaluator = InstanceSegmentationEvaluator(iouThresholds: [iouThreshold])
        for (prediction, truth) in zip(predictions, groundTruths) {
            evaluator.add(prediction: prediction, groundTruth: truth)
        }
        return evaluator.result(metric: metric)
    }

    private mutating func grow(to classCount: Int) {
        let extra = classCount - seen.count
        seen += [Bool](repeating: false, count: extra)
        positives += [Int](repeating: 0, count: extra)
        scores += [[Double]](repeating: [], count: extra)
        for t in matches.indices { matches[t] += [[Int8]](repeating: [], count: extra) }
    }

    private func select(_ masks: InstanceMasks, _ rows: [Int]) -> InstanceMasks {
        masks.selecting(rows)
    }
}
