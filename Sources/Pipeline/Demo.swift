// Demo: the whole method on synthetic scenes with ground truth (`irn demo`). Per scene:
// multi-scale CAMs (ClassActivationMaps) → boundary and displacement maps (BoundaryMaps) →
// semantic labels by the random walk (SemanticLabels) → instances three ways, the rows of the
// IRNet paper's Table 2 on this benchmark (IRNet §5):
// - CAM only: 4-connected components of the CAM argmax (high_res against a constant background
//   of the CAM background), each scored by its class's CAM maximum inside it;
// - + boundary: the same components and scores taken from the random-walk maps (the
//   semantic pseudo labels' components);
// - + displacement: IRNet's instances (centroids, clusters, per-instance walk; WalkLabeling).
// Fragments under 1 % of the image score 0 in all three (the reference's detect_instance).
// β and the background scores are first chosen on separate tuning scenes (DemoTuning).
import Codecs
import Evaluation
import Instances
import Networks
import Tensors

/// Settings of a demo run.
public struct DemoOptions: Sendable {
    /// Number of validation scenes.
    public var count = 100
    public var sceneSize = 128
    /// Seed of the validation scenes (the training scenes use other seeds).
    public var seed: UInt64 = 1000
    public var camScales: [Double] = defaultCAMScales
    /// The CAM background of Table 1's first row (the reference's cam_eval_thres).
    public var referenceCAMThreshold: Float = 0.15
    /// β and the background scores of the labels; replaced by the search's choice when
    /// `tuning` is set.
    public var settings = DemoSettings.reference
    /// Choose `settings` on tuning scenes first (nil: use `settings` as given).
    public var tuning: DemoTuning? = DemoTuning()
    public var expTimes = 8
    public var radius = 5
    /// The side IRNet's input is zero-padded to (the training crop); nil: the scene size.
    public var irnCropSize: Int? = nil
    /// Scenes shown as panels (the first ones).
    public var panelCount = 6

    public init() {}
}

/// Every stage's output for one scene.
public struct DemoSceneResult: Sendable {
    public var scene: SyntheticScene
    public var cam: CAMFile
    public var boundary: BoundaryFile
    /// Semantic pseudo labels: 0 background, class + 1.
    public var semantic: [UInt8]
    public var camInstances: DetectedInstances
    public var walkInstances: DetectedInstances
    public var irnInstances: DetectedInstances
}

public enum Demo {
    /// The networks' outputs on one scene: multi-scale CAMs of its classes (none for a scene
    /// without objects) and the boundary and displacement maps.
    public static func networkOutputs(_ scene: SyntheticScene, models: DemoModels,
                                      options: DemoOptions) -> (cam: CAMFile, boundary: BoundaryFile) {
        let height = scene.height, width = scene.width
        let edgeNetwork = EdgeDisplacement(network: models.irn, cropSize: options.irnCropSize ?? max(height, width))
        let boundary = boundaryMaps(of: scene.image, network: edgeNetwork)
        guard !scene.labels.isEmpty else {
            let h4 = stridedLength(height), w4 = stridedLength(width)
            return (CAMFile(keys: [], cam: Tensor(shape: [0, h4, w4]), highRes: Tensor(shape: [0, height, width]),
                            height: height, width: width), boundary)
        }
        return (classActivationMaps(of: scene.image, network: models.cam, keys: scene.labels, scales: options.camScales),
                boundary)
    }

    /// The stages of the method on one scene, with `options.settings`.
    public static func process(_ scene: SyntheticScene, models: DemoModels, options: DemoOptions) throws -> DemoSceneResult {
        let keys = scene.labels
        let height = scene.height, width = scene.width
        let (cam, boundary) = networkOutputs(scene, models: models, options: options)
        guard !keys.isEmpty else {
            let none = DetectedInstances(height: height, width: width, scores: [], classes: [], masks: [])
            return DemoSceneResult(scene: scene, cam: cam, boundary: boundary,
                                   semantic: [UInt8](repeating: 0, count: height * width),
                                   camInstances: none, walkInstances: none, irnInstances: none)
        }
        let settings = options.settings
        let semantic = semanticLabels(cam: cam.cam, keys: keys, boundary: boundary.edge,
                                      imageHeight: height, imageWidth: width, beta: settings.beta,
                                      expTimes: options.expTimes, radius: options.radius,
                                      backgroundThreshold: settings.semanticBackground)
        let camInstances = detectInstances(walked: cam.highRes!, keys: keys, backgroundScore: settings.camBackground)
        let walkInstances = detectInstances(walked: semantic.walked, keys: keys, backgroundScore: settings.semanticBackground)
        let labeling = WalkLabeling(beta: settings.beta, expTimes: options.expTimes, radius: options.radius,
                                    backgroundThreshold: settings.instanceBackground)
        let irnInstances = try labeling.instances(cam: cam, boundary: boundary)
        return DemoSceneResult(scene: scene, cam: cam, boundary: boundary, semantic: semantic.labels,
                               camInstances: camInstances, walkInstances: walkInstances, irnInstances: irnInstances)
    }

    /// Runs the demo: generates `options.count` scenes, processes and scores each, and (with an
    /// `output`) writes scenes, stage files, panels and index.html. `progress` gets one line
    /// per step worth reporting.
    public static func run(options given: DemoOptions, models: DemoModels, output: DemoOutput? = nil,
                           clock: () -> Double = { 0 }, progress: (String) -> Void = { _ in }) throws -> DemoReport {
        precondition(given.count >= 1, "Demo: count \(given.count) must be positive")
        var options = given
        var tuned: DemoTuning.Result?
        if let tuning = options.tuning {
            precondition(tuning.seed != options.seed, "Demo: the tuning scenes must not be the validation scenes")
            let result = try tuning.run(models: models, options: options, progress: progress)
            options.settings = result.settings
            tuned = result
        }
        let scenes = SyntheticScenes(size: options.sceneSize, seed: options.seed)
        var scores = DemoScores(referenceCAMThreshold: options.referenceCAMThreshold,
                                camThreshold: options.settings.camBackground)
        var panelIDs: [String] = []
        var ids: [String] = [], labels: [[Int]] = []
        let start = clock()
        let step = max(1, options.count / 10)
        for index in 0 ..< options.count {
            let scene = scenes.scene(index)
            let result = try process(scene, models: models, options: options)
            try scores.add(result)
            ids.append(scene.id)
            labels.append(scene.labels)
            if index < options.panelCount { panelIDs.append(scene.id) }
            if let output { try output.write(result, panel: index < options.panelCount) }
            if (index + 1) % step == 0 || index + 1 == options.count {
                let elapsed = clock() - start
                progress("demo: \(index + 1)/\(options.count) scenes" + (elapsed > 0 ? ", " + DemoReport.decimal(elapsed) + " s" : ""))
            }
        }
        let report = DemoReport(options: options, models: models, scores: scores, ids: ids,
                                panelIDs: panelIDs, seconds: clock() - start, tuning: tuned)
        if let output {
            try output.finish(ids: ids, labels: labels, report: report)
        }
        return report
    }
}
