// PredictionFiles: reading the pipeline's stage outputs for evaluation and export: ins_seg
// npz (`score` float[N], `mask` uint8/bool[N,H,W], `class` int[N], 0-based classes) and cam npz
// (`keys` int[K], `high_res` float[K,H,W]) as DESIGN §5 lays them out. These readers check
// shapes and refuse anything else with the file named; the archive itself is read by
// StageFiles' StageArchive, the pipeline's general reader and writer of stage files. The
// reference's own .npy files of the same dicts (pickled) are read too.
import Checkpoints
import Codecs

/// One image's predicted instances as stored in ins_seg/<stem>.npz.
public struct InstancePrediction: Equatable, Sendable {
    public var height: Int
    public var width: Int
    /// N·H·W bytes, mask-major, row-major per mask; nonzero is inside.
    public var masks: [UInt8]
    /// 0-based foreground classes.
    public var classes: [Int]
    public var scores: [Float]

    public var count: Int { classes.count }

    public init(height: Int, width: Int, masks: [UInt8], classes: [Int], scores: [Float]) {
        precondition(masks.count == classes.count * height * width && scores.count == classes.count)
        self.height = height
        self.width = width
        self.masks = masks
        self.classes = classes
        self.scores = scores
    }

    /// Mask `index` as H·W bytes.
    public func mask(_ index: Int) -> ArraySlice<UInt8> {
        let n = height * width
        return masks[index * n ..< (index + 1) * n]
    }
}

/// One image's class activation maps at image resolution, as stored in cam/<stem>.npz.
public struct CAMPrediction: Equatable, Sendable {
    public var keys: [Int]
    public var height: Int
    public var width: Int
    /// K·H·W values, class-major.
    public var highRes: [Float]
}

public enum PredictionFiles {
    /// Largest prediction archive read.
    public static let readLimit = 1 << 31

    /// The arrays of the file at `path`: an .npz read as the stage files are (StageArchive),
    /// or the reference's .npy of a pickled dict (recognised by content; Checkpoints'
    /// PickledArrays, nothing executed).
    static func arrays(_ path: String) throws -> [String: NPYArray] {
        let bytes = try FileIO.read(path, limit: readLimit)
        guard NPY.hasMagic(bytes) else { return try StageArchive(bytes, file: path).arrays }
        let tensors = try ReferenceArrays.read(bytes) { DatasetError.badFile(path: path, reason: "not a pickled dict of arrays: \($0)") }
        return tensors.mapValues(npyArray)
    }

    /// A tensor of a pickled dict as the NPY array the readers below check.
    static func npyArray(_ tensor: CheckpointTensor) -> NPYArray {
        switch tensor.values {
        case .floats(let values): return NPYArray(float32: values, shape: tensor.shape)
        case .doubles(let values): return NPYArray(float64: values, shape: tensor.shape)
        case .integers(let values):
            switch tensor.dtype {
            case .bool: return NPYArray(bool: values.map { $0 != 0 }, shape: tensor.shape)
            case .uint8: return NPYArray(uint8: values.map { UInt8(truncatingIfNeeded: $0) }, shape: tensor.shape)
            default: return NPYArray(int64: values, shape: tensor.shape)
            }
        }
    }

    static func require(_ arrays: [String: NPYArray], _ name: String, path: String) throws -> NPYArray {
        guard let array = arrays[name] else {
            throw DatasetError.badFile(path: path, reason: "no '\(name)' array (has \(arrays.keys.sorted().joined(separator: ", ")))")
        }
        return array
    }

    /// The instances of an ins_seg npz.
    public static func readInstances(_ path: String) throws -> InstancePrediction {
        let a = try arrays(path)
        let score = try require(a, "score", path: path)
        let mask = try require(a, "mask", path: path)
        let label = try require(a, "class", path: path)
        guard score.shape.count == 1, label.shape == score.shape else {
            throw DatasetError.badFile(path: path, reason: "'score' \(score.shape) and 'class' \(label.shape) must be vectors of one length")
        }
        let n = score.shape[0]
        guard mask.shape.count == 3, mask.shape[0] == n else {
            throw DatasetError.badFile(path: path, reason: "'mask' has shape \(mask.shape), expected [\(n), H, W]")
        }
        guard [.uint8, .bool].contains(mask.dtype) else {
            throw DatasetError.badFile(path: path, reason: "'mask' is \(mask.dtype.rawValue), expected uint8 or bool")
        }
        guard [.float32, .float64, .float16].contains(score.dtype) else {
            throw DatasetError.badFile(path: path, reason: "'score' is \(score.dtype.rawValue), expected float32")
        }
        let classes = label.int64s()
        guard classes.allSatisfy({ $0 >= 0 && $0 < 4096 }) else {
            throw DatasetError.badFile(path: path, reason: "'class' holds a value outside 0..<4096")
        }
        return InstancePrediction(height: mask.shape[1], width: mask.shape[2], masks: mask.data,
                                  classes: classes.map { Int($0) }, scores: score.floats())
    }

    /// The keys and high-resolution maps of a cam npz.
    public static func readCAM(_ path: String) throws -> CAMPrediction {
        let a = try arrays(path)
        let keys = try require(a, "keys", path: path)
        let highRes = try require(a, "high_res", path: path)
        guard keys.shape.count == 1 else {
            throw DatasetError.badFile(path: path, reason: "'keys' has shape \(keys.shape), expected a vector")
        }
        let k = keys.shape[0]
        guard highRes.shape.count == 3, highRes.shape[0] == k else {
            throw DatasetError.badFile(path: path, reason: "'high_res' has shape \(highRes.shape), expected [\(k), H, W]")
        }
        let values = keys.int64s()
        guard values.allSatisfy({ $0 >= 0 && $0 < 4095 }) else {
            throw DatasetError.badFile(path: path, reason: "'keys' holds a value outside 0..<4095")
        }
        return CAMPrediction(keys: values.map { Int($0) }, height: highRes.shape[1], width: highRes.shape[2],
                             highRes: highRes.floats())
    }
}
