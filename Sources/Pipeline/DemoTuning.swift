// DemoTuning: the demo's label settings, chosen on tuning scenes that are neither trained on nor
// reported (IRNet §5's β and background scores, and the CAM background of Table 1). Grid search,
// first best in grid order: the walk's β and the semantic background by semantic mIoU, then the
// instance background by AP50 of IRNet's instances at that β, and the CAM background by CAM mIoU.
// The networks run once per tuning scene; each β walks once, each background only re-thresholds
// the walked maps (CAMThresholdSweep, detectInstances), so a sweep costs about one demo pass.
import Evaluation
import Instances
import Tensors

/// The settings the demo's labels and CAM rows use.
public struct DemoSettings: Equatable, Sendable {
    /// Affinity sharpening exponent of the walk.
    public var beta: Float
    /// Constant background score of the semantic labels (and the "+ boundary" instances).
    public var semanticBackground: Float
    /// Constant background score of IRNet's instances.
    public var instanceBackground: Float
    /// Constant background score of CAM labels and CAM-only instances.
    public var camBackground: Float

    public init(beta: Float, semanticBackground: Float, instanceBackground: Float, camBackground: Float) {
        self.beta = beta
        self.semanticBackground = semanticBackground
        self.instanceBackground = instanceBackground
        self.camBackground = camBackground
    }

    /// The reference's VOC values (run_sample.py: beta 10, sem_seg_bg_thres and ins_seg_bg_thres
    /// 0.25, cam_eval_thres 0.15).
    public static let reference = DemoSettings(beta: 10, semanticBackground: 0.25, instanceBackground: 0.25,
                                               camBackground: 0.15)
}

/// How the settings are searched, and on which scenes.
public struct DemoTuning: Equatable, Sendable {
    /// Tuning scenes: `count` scenes of seed `seed` (the training scenes are seed 1, the
    /// validation scenes seed 1000).
    public var count = 100
    public var seed: UInt64 = 2000
    public var betas: [Float] = [5, 7, 10, 14, 20, 28, 40, 56, 80]
    /// Backgrounds searched for the walk's labels and the CAMs: 0.05, 0.10, ..., 0.70.
    public var backgrounds: [Float] = (1 ... 14).map { Float($0) * 0.05 }
    /// Settings given by the user are kept, not searched.
    public var fixedBeta: Float? = nil
    public var fixedBackground: Float? = nil

    public init() {}

    /// What the search saw and chose.
    public struct Result: Sendable {
        public var settings: DemoSettings
        public var tuning: DemoTuning
        /// Semantic mIoU per β (rows, `betas` or the fixed β) and background (columns).
        public var semanticGrid: [[Double]]
        public var searchedBetas: [Float]
        public var searchedBackgrounds: [Float]
        /// AP50 of IRNet's instances at the chosen β, per background.
        public var instanceGrid: [Double]
        /// CAM mIoU per background (always `backgrounds`).
        public var camGrid: [Double]
    }

    /// The networks' outputs on one tuning scene.
    struct Inputs {
        var scene: SyntheticScene
        var cam: CAMFile
        var boundary: BoundaryFile
    }

    /// Runs the search with `models` (walk length and radius from `options`).
    public func run(models: DemoModels, options: DemoOptions, progress: (String) -> Void = { _ in }) throws -> Result {
        precondition(count >= 1 && !betas.isEmpty && !backgrounds.isEmpty, "DemoTuning: nothing to search")
        let scenes = SyntheticScenes(size: options.sceneSize, seed: seed)
        var inputs: [Inputs] = []
        var cams = CAMThresholdSweep(thresholds: backgrounds)
        for index in 0 ..< count {
            let scene = scenes.scene(index)
            let (cam, boundary) = Demo.networkOutputs(scene, models: models, options: options)
            cams.accumulate(cams: cam.highRes?.scalars ?? [], keys: cam.keys, groundTruth: scene.classMap)
            inputs.append(Inputs(scene: scene, cam: cam, boundary: boundary))
            if (index + 1) % max(1, count / 4) == 0 { progress("tune: networks on \(index + 1)/\(count) tuning scenes") }
        }
        let searchedBetas = fixedBeta.map { [$0] } ?? betas
        let searchedBackgrounds = fixedBackground.map { [$0] } ?? backgrounds

        // β and the semantic background: one walk per β and scene, every background from it.
        var semanticGrid: [[Double]] = []
        for beta in searchedBetas {
            var sweep = CAMThresholdSweep(thresholds: searchedBackgrounds)
            for input in inputs where !input.cam.keys.isEmpty {
                let walked = semanticLabels(cam: input.cam.cam, keys: input.cam.keys, boundary: input.boundary.edge,
                                            imageHeight: input.scene.height, imageWidth: input.scene.width,
                                            beta: beta, expTimes: options.expTimes, radius: options.radius).walked
                sweep.accumulate(cams: walked.scalars, keys: input.cam.keys, groundTruth: input.scene.classMap)
            }
            semanticGrid.append(sweep.meanIntersectionOverUnions)
            progress("tune: beta \(beta) walked")
        }
        let (betaIndex, semanticIndex) = Self.firstBest(semanticGrid)
        let beta = searchedBetas[betaIndex]

        // The instance background at that β: one instance walk per scene, every background from it.
        var evaluators = searchedBackgrounds.map { _ in InstanceSegmentationEvaluator(iouThresholds: [0.5]) }
        for input in inputs {
            let truth = try DemoScores.groundTruth(input.scene)
            let walked: Tensor
            if input.cam.keys.isEmpty {
                walked = Tensor(shape: [0, input.scene.height, input.scene.width])
            } else {
                walked = walkedInstanceScores(cam: input.cam.cam, keys: input.cam.keys, boundary: input.boundary.edge,
                                              instances: instanceMap(displacement: input.boundary.displacement),
                                              imageHeight: input.scene.height, imageWidth: input.scene.width,
                                              beta: beta, expTimes: options.expTimes, radius: options.radius)
            }
            for (index, background) in searchedBackgrounds.enumerated() {
                let detected = input.cam.keys.isEmpty
                    ? DetectedInstances(height: input.scene.height, width: input.scene.width, scores: [], classes: [], masks: [])
                    : detectInstances(walked: walked, keys: input.cam.keys, backgroundScore: background)
                evaluators[index].add(prediction: DemoScores.prediction(detected), groundTruth: truth)
            }
        }
        let instanceGrid = evaluators.map { $0.result(thresholdIndex: 0).meanAveragePrecision }
        let instanceIndex = Self.firstBest([instanceGrid]).column
        let camGrid = cams.meanIntersectionOverUnions
        let camIndex = Self.firstBest([camGrid]).column
        let settings = DemoSettings(beta: beta, semanticBackground: searchedBackgrounds[semanticIndex],
                                    instanceBackground: searchedBackgrounds[instanceIndex],
                                    camBackground: backgrounds[camIndex])
        progress("tune: beta \(settings.beta), semantic background \(settings.semanticBackground), "
                 + "instance background \(settings.instanceBackground), CAM background \(settings.camBackground)")
        return Result(settings: settings, tuning: self, semanticGrid: semanticGrid, searchedBetas: searchedBetas,
                      searchedBackgrounds: searchedBackgrounds, instanceGrid: instanceGrid, camGrid: camGrid)
    }

    /// Row and column of the first largest value (NaN never wins; (0, 0) if all are NaN).
    static func firstBest(_ grid: [[Double]]) -> (row: Int, column: Int) {
        var best = (row: 0, column: 0)
        var bestValue = -Double.infinity
        for (row, values) in grid.enumerated() {
            for (column, value) in values.enumerated() where value > bestValue {
                bestValue = value
                best = (row, column)
            }
        }
        return best
    }
}
