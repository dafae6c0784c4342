// MaskFiles: reading the mask-like inputs of the refinement commands (`irn refine`, `irn crf`,
// `irn mine-relations`): float class maps [K, h, w] from .npy files or named arrays of .npz
// archives (a CAM's `high_res` / `cam` with its `keys`, a refined `prob`), and label maps from
// indexed or greyscale 8-bit PNGs. Every check on the untrusted file — dtype, rank, finiteness,
// sizes, label values — ends in a typed `MaskFileError` naming the file and the array.
import Codecs
import Tensors

public enum MaskFileError: Error, Equatable, Sendable {
    /// The archive holds no array of that name (`available` lists the ones it has).
    case missingArray(path: String, name: String, available: [String])
    /// Several arrays could be meant and none was named.
    case ambiguousArray(path: String, available: [String])
    /// An array with the wrong element type, shape or values.
    case badArray(path: String, name: String, reason: String)
    /// A label PNG that is not 8-bit indexed or greyscale.
    case unsupportedLabelImage(path: String, reason: String)
    /// The file is neither .npy nor .npz (by content).
    case unknownFormat(path: String)
    /// A map larger than the image, or of another size where the sizes must match.
    case sizeMismatch(path: String, reason: String)
}

/// Class maps read from a file: [K, h, w] scores and, for a CAM archive, its 0-based classes.
public struct MaskArray: Sendable {
    public var scores: Tensor
    public var keys: [Int]?
    /// The array the scores came from ("high_res", "prob", ... ; the file name for .npy).
    public var name: String
}

public enum MaskFiles {
    /// Largest accepted element count of a mask array (2^28 floats, 1 GiB).
    public static let elementLimit = 1 << 28

    /// Arrays tried, in order, when an .npz archive has several and none is named.
    public static let preferredArrays = ["prob", "high_res", "cam"]

    /// Float class maps from an .npy file or an .npz archive at `path`. In an archive the array
    /// is `name` if given, else the first of `preferredArrays` present, else its only array;
    /// a `keys` array beside it is returned as the classes. Rank 2 [h, w] reads as one
    /// channel, rank 4 [1, K, h, w] drops the batch axis.
    public static func loadScores(_ path: String, array name: String? = nil) throws -> MaskArray {
        try scores(from: FileIO.read(path), path: path, array: name)
    }

    /// `loadScores` on the bytes of a file already read.
    public static func scores(from bytes: [UInt8], path: String, array name: String? = nil) throws -> MaskArray {
        if bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            let array = try NPY.decode(bytes, elementLimit: elementLimit)
            return MaskArray(scores: try scores(array, path: path, name: FileIO.stem(of: path)), keys: nil,
                             name: FileIO.stem(of: path))
        }
        guard bytes.starts(with: [0x50, 0x4B]) else { throw MaskFileError.unknownFormat(path: path) }
        let arrays = try NPZ.decode(bytes, limits: ZipLimits(maxEntries: 4096, maxEntrySize: 1 << 31, maxTotalSize: 1 << 33),
                                    elementLimit: elementLimit)
        let names = arrays.map { $0.name }
        let chosen: String
        if let name {
            guard names.contains(name) else {
                throw MaskFileError.missingArray(path: path, name: name, available: names)
            }
            chosen = name
        } else if let preferred = preferredArrays.first(where: names.contains) {
            chosen = preferred
        } else if arrays.count == 1 {
            chosen = names[0]
        } else {
            throw MaskFileError.ambiguousArray(path: path, available: names)
        }
        let array = arrays.first { $0.name == chosen }!.array
        let result = try scores(array, path: path, name: chosen)
        var keys: [Int]? = nil
        if let keyArray = arrays.first(where: { $0.name == "keys" })?.array {
            keys = try classKeys(keyArray, path: path, channels: result.shape[0])
        }
        return MaskArray(scores: result, keys: keys, name: chosen)
    }

    /// A CAM archive's `keys` and `high_res` ([K, H, W] at the image's size).
    public static func loadCAM(_ path: String) throws -> (keys: [Int], highRes: Tensor) {
        let mask = try loadScores(path, array: "high_res")
        guard let keys = mask.keys else {
            throw MaskFileError.missingArray(path: path, name: "keys", available: ["high_res"])
        }
        return (keys, mask.scores)
    }

    /// Label values of an 8-bit indexed (palette indices) or greyscale PNG, row-major.
    public static func loadLabels(_ path: String) throws -> (labels: [UInt8], width: Int, height: Int) {
        try labels(from: FileIO.read(path), path: path)
    }

    /// `loadLabels` on the bytes of a file already read.
    public static func labels(from bytes: [UInt8], path: String) throws -> (labels: [UInt8], width: Int, height: Int) {
        let raster = try PNG.decodeRaster(bytes)
        let header = raster.header
        guard header.bitDepth == 8, header.colorType == .indexed || header.colorType == .greyscale else {
            throw MaskFileError.unsupportedLabelImage(
                path: path, reason: "\(header.colorType) with \(header.bitDepth)-bit samples; labels need 8-bit indexed or greyscale")
        }
        return (raster.samples8, header.width, header.height)
    }

    static func scores(_ array: NPYArray, path: String, name: String) throws -> Tensor {
        guard [.float16, .float32, .float64].contains(array.dtype) else {
            throw MaskFileError.badArray(path: path, name: name, reason: "element type \(array.dtype) is not floating point")
        }
        var shape = array.shape
        if shape.count == 2 { shape.insert(1, at: 0) }
        if shape.count == 4 && shape[0] == 1 { shape.removeFirst() }
        guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw MaskFileError.badArray(path: path, name: name, reason: "shape \(array.shape) is not [K, h, w]")
        }
        let values = array.floats()
        guard values.allSatisfy({ $0.isFinite }) else {
            throw MaskFileError.badArray(path: path, name: name, reason: "holds NaN or infinite values")
        }
        return Tensor(shape: shape, scalars: values)
    }

    static func classKeys(_ array: NPYArray, path: String, channels: Int) throws -> [Int] {
        let integer: [NPYDType] = [.int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64]
        guard integer.contains(array.dtype), array.shape.count == 1 else {
            throw MaskFileError.badArray(path: path, name: "keys", reason: "must be a 1-D integer array, got \(array.dtype) \(array.shape)")
        }
        let keys = array.int64s().map { Int($0) }
        guard keys.count == channels else {
            throw MaskFileError.badArray(path: path, name: "keys", reason: "\(keys.count) keys for \(channels) channels")
        }
        guard keys.allSatisfy({ (0...253).contains($0) }) else {
            throw MaskFileError.badArray(path: path, name: "keys", reason: "values \(keys) must lie in 0...253")
        }
        return keys
    }
}
