// WalkLabeling: the settings of the two label steps that walk the CAMs over the boundary map's
// affinities (IRNet §5; the reference's make_sem_seg_labels and make_ins_seg_labels: beta,
// exp_times, radius 5, sem_seg_bg_thres 0.25) and the calls that apply them to a CAM file and a
// boundary file. `irn sem-seg`, `irn ins-seg` and `irn run` (DatasetRun) all label through
// this type, so one image gets the same labels from each of them (DESIGN §3, §6 "Labels").
import Instances
import Tensors

public enum WalkLabelingError: Error, Equatable, Sendable {
    /// The displacement field splits the image into so many instances that the walk would hold
    /// more than `WalkLabeling.maximumWalkedValues` full-size values.
    case tooManyInstances(instances: Int, classes: Int)
}

public struct WalkLabeling: Equatable, Sendable {
    /// Affinity sharpening exponent (the reference's beta).
    public var beta: Float
    /// The walk takes 2^expTimes steps.
    public var expTimes: Int
    /// Affinity radius in stride-4 pixels.
    public var radius: Int
    /// The constant background score the walked maps compete with.
    public var backgroundThreshold: Float

    public init(beta: Float = 10, expTimes: Int = 8, radius: Int = 5, backgroundThreshold: Float = 0.25) {
        self.beta = beta
        self.expTimes = expTimes
        self.radius = radius
        self.backgroundThreshold = backgroundThreshold
    }

    /// Most full-size walked values the instance step may hold (4 GiB of float32): a
    /// displacement field that scatters the pixels into thousands of instances is refused.
    public static let maximumWalkedValues = 1 << 30

    /// True when the walk starts from zero everywhere: the image has classes, but no CAM value
    /// lies off the boundary (CAM ⊙ (1 − B) = 0). The walked scores are then all 0 and their
    /// division by the global maximum is 0/0 = NaN, which the argmax takes, as torch.argmax does,
    /// as the largest score: every pixel gets the first class (the first instance of it), and
    /// instance scores are NaN. The labels follow the reference; the CLI warns.
    public static func walkStartsFromZero(cam: CAMFile, boundary: BoundaryFile) -> Bool {
        guard !cam.keys.isEmpty else { return false }
        let plane = boundary.edge.scalars
        let maps = cam.cam.scalars
        for (index, value) in maps.enumerated() where value * (1 - plane[index % plane.count]) != 0 {
            return false
        }
        return true
    }

    /// The semantic label map (row-major H·W; 0 background, key + 1 for class `key`).
    public func semantic(cam: CAMFile, boundary: BoundaryFile) -> [UInt8] {
        semanticLabels(cam: cam.cam, keys: cam.keys, boundary: boundary.edge, imageHeight: cam.height,
                       imageWidth: cam.width, beta: beta, expTimes: expTimes, radius: radius,
                       backgroundThreshold: backgroundThreshold).labels
    }

    /// The instances: centroids and clusters from the displacement field, then the walk.
    public func instances(cam: CAMFile, boundary: BoundaryFile) throws -> DetectedInstances {
        let map = instanceMap(displacement: boundary.displacement)
        let (values, overflow) = (cam.keys.count * map.count).multipliedReportingOverflow(by: cam.height * cam.width)
        guard !overflow, values <= Self.maximumWalkedValues else {
            throw WalkLabelingError.tooManyInstances(instances: map.count, classes: cam.keys.count)
        }
        return instanceLabels(cam: cam.cam, keys: cam.keys, boundary: boundary.edge, instances: map,
                              imageHeight: cam.height, imageWidth: cam.width, beta: beta, expTimes: expTimes,
                              radius: radius, backgroundThreshold: backgroundThreshold)
    }
}
