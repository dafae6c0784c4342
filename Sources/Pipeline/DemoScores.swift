// DemoScores: the demo's metrics, accumulated scene by scene with the Evaluation module exactly
// as `irn eval` scores the written files (DatasetEvaluation): CAM mIoU (high_res against a
// constant background, at the reference's and at the demo's background), semantic pseudo-label mIoU
// (ConfusionMatrix, void ignored) and VOC instance AP^r (chainercv's rules) of the three
// instance methods at IoU 0.25, 0.5, 0.7 and 0.75. Ground truth instances are built from the
// scene's class and object maps as VOCDataset reads them from the PNGs.
import Evaluation
import Instances

public struct DemoScores: Sendable {
    /// The instance methods, in the order of the paper's Table 2.
    public enum Method: String, CaseIterable, Sendable {
        case camOnly = "CAM only"
        case boundary = "+ boundary (random walk)"
        case displacement = "+ displacement (IRN)"
    }

    /// CAM backgrounds scored: the reference's, then the demo's (chosen on tuning scenes).
    public let camThresholds: [Float]
    public private(set) var camSweep: CAMThresholdSweep
    public private(set) var semantic = ConfusionMatrix()
    public private(set) var instances: [Method: InstanceSegmentationEvaluator]
    public private(set) var sceneCount = 0
    public private(set) var groundTruthInstances = 0
    /// Ground-truth instances that touch another instance (share a border or overlap).
    public private(set) var touchingInstances = 0

    public init(referenceCAMThreshold: Float = 0.15, camThreshold: Float) {
        camThresholds = [referenceCAMThreshold, camThreshold]
        camSweep = CAMThresholdSweep(thresholds: camThresholds)
        let evaluator = InstanceSegmentationEvaluator(iouThresholds: InstanceSegmentationEvaluator.standardThresholds)
        instances = Dictionary(uniqueKeysWithValues: Method.allCases.map { ($0, evaluator) })
    }

    /// The ground truth of a scene as VOCDataset builds it from SegmentationClass/Object.
    public static func groundTruth(_ scene: SyntheticScene) throws -> GroundTruthInstances {
        try VOCDataset.instances(classMap: LabelMap(width: scene.width, height: scene.height, values: scene.classMap),
                                 objectMap: LabelMap(width: scene.width, height: scene.height, values: scene.objectMap),
                                 path: scene.id)
    }

    /// Detected instances as the evaluator takes them (as DatasetEvaluation reads an ins_seg npz).
    public static func prediction(_ detected: DetectedInstances) -> PredictedInstances {
        let pixels = detected.height * detected.width
        guard detected.count > 0 else { return PredictedInstances(masks: .empty(pixelCount: pixels), labels: [], scores: []) }
        return PredictedInstances(masks: InstanceMasks(count: detected.count, pixelCount: pixels, bytes: detected.masks),
                                  labels: detected.classes, scores: detected.scores.map { Double($0) })
    }

    public mutating func add(_ result: DemoSceneResult) throws {
        let scene = result.scene
        camSweep.accumulate(cams: result.cam.highRes?.scalars ?? [], keys: result.cam.keys, groundTruth: scene.classMap)
        semantic.accumulate(prediction: result.semantic, groundTruth: scene.classMap)
        let truth = try Self.groundTruth(scene)
        instances[.camOnly]!.add(prediction: Self.prediction(result.camInstances), groundTruth: truth)
        instances[.boundary]!.add(prediction: Self.prediction(result.walkInstances), groundTruth: truth)
        instances[.displacement]!.add(prediction: Self.prediction(result.irnInstances), groundTruth: truth)
        sceneCount += 1
        groundTruthInstances += truth.labels.count
        touchingInstances += Self.touchingCount(scene)
    }

    /// Instances whose pixels are 8-neighbours of another instance's pixels, void borders
    /// counted as the instances they separate (a void pixel next to two instances joins them).
    static func touchingCount(_ scene: SyntheticScene) -> Int {
        let w = scene.width, h = scene.height
        var touching = Set<UInt8>()
        for y in 0 ..< h {
            for x in 0 ..< w {
                let p = y * w + x
                var near = Set<UInt8>()
                for dy in -1 ... 1 {
                    for dx in -1 ... 1 {
                        let yy = y + dy, xx = x + dx
                        guard yy >= 0, yy < h, xx >= 0, xx < w else { continue }
                        let v = scene.objectMap[yy * w + xx]
                        if v != 0 && v != 255 { near.insert(v) }
                    }
                }
                if near.count > 1 && (scene.objectMap[p] == 255 || near.contains(scene.objectMap[p])) {
                    touching.formUnion(near)
                }
            }
        }
        return touching.count
    }

    /// CAM mIoU at the reference's background.
    public var camMeanIoU: Double { camSweep.meanIntersectionOverUnions[0] }

    /// CAM mIoU at the demo's background.
    public var tunedCAMMeanIoU: Double { camSweep.meanIntersectionOverUnions[1] }

    public var semanticMeanIoU: Double { semantic.meanIntersectionOverUnion }

    /// Mean AP of a method at IoU `threshold` (one of 0.25, 0.5, 0.7, 0.75).
    public func averagePrecision(_ method: Method, iou threshold: Double = 0.5) -> Double {
        let evaluator = instances[method]!
        guard let index = evaluator.iouThresholds.firstIndex(of: threshold) else {
            preconditionFailure("DemoScores: no AP at IoU \(threshold)")
        }
        return evaluator.result(thresholdIndex: index).meanAveragePrecision
    }
}
