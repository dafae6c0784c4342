// StageFiles: the .npz files that pass one image from stage to stage (DESIGN §5): the CAM file
// (keys, cam at stride 4, high_res, size), the boundary file (edge after the sigmoid, dp) and
// the ins-seg file (score, mask, class). Reading checks every array's presence, type, shape
// and values and says which file and which array is wrong; writing goes through FileIO
// (atomic). Array names match the reference's dictionaries, so numpy.load reads them directly.
import Codecs
import Instances
import Tensors

public enum StageFileError: Error, Equatable, Sendable {
    /// The archive lacks a required array.
    case missingArray(file: String, array: String)
    /// The array exists but has the wrong type, shape or values.
    case badArray(file: String, array: String, reason: String)
    /// Two files describe different map sizes.
    case mismatch(String)
    /// A .npy file that is not a readable pickled dict of arrays (the reference's CAM layout).
    case unreadable(file: String, reason: String)
}

/// Largest image side accepted from a stage file.
let maximumImageSide = 1 << 14

/// The arrays of one .npz file by name, with typed accessors that name the file on failure.
struct StageArchive {
    let file: String
    let arrays: [String: NPYArray]

    init(_ bytes: [UInt8], file: String) throws {
        self.file = file
        var arrays: [String: NPYArray] = [:]
        for (name, array) in try NPZ.decode(bytes, elementLimit: 1 << 30) { arrays[name] = array }
        self.arrays = arrays
    }

    func array(_ name: String) throws -> NPYArray {
        guard let array = arrays[name] else { throw StageFileError.missingArray(file: file, array: name) }
        return array
    }

    func fail(_ name: String, _ reason: String) -> StageFileError {
        .badArray(file: file, array: name, reason: reason)
    }

    /// A float array of rank `rank`, finite everywhere.
    func floats(_ name: String, rank: Int) throws -> Tensor {
        let array = try array(name)
        guard [.float32, .float64, .float16].contains(array.dtype) else {
            throw fail(name, "expected float32, found \(array.dtype.rawValue)")
        }
        guard array.shape.count == rank else {
            throw fail(name, "expected \(rank) dimensions, found shape \(array.shape)")
        }
        let values = array.floats()
        guard values.allSatisfy({ $0.isFinite }) else { throw fail(name, "holds NaN or infinite values") }
        return Tensor(shape: array.shape, scalars: values)
    }

    /// A 1-D integer array.
    func integers(_ name: String) throws -> [Int] {
        let array = try array(name)
        guard [.int64, .int32, .int16, .int8, .uint8, .uint16, .uint32, .uint64].contains(array.dtype) else {
            throw fail(name, "expected int64, found \(array.dtype.rawValue)")
        }
        guard array.shape.count == 1 else { throw fail(name, "expected 1 dimension, found shape \(array.shape)") }
        return array.int64s().map { Int(clamping: $0) }
    }
}

/// A CAM file: `keys` int64[K], `cam` float32[K, ⌈H/4⌉, ⌈W/4⌉], `high_res` float32[K, H, W],
/// `size` int64[2] = (H, W).
public struct CAMFile: Equatable, Sendable {
    public var keys: [Int]
    public var cam: Tensor
    /// Full-resolution CAMs; optional when reading (the label stages do not use them).
    public var highRes: Tensor?
    public var height: Int
    public var width: Int

    public init(keys: [Int], cam: Tensor, highRes: Tensor?, height: Int, width: Int) {
        precondition(cam.shape == [keys.count, (height + 3) / 4, (width + 3) / 4],
                     "CAMFile: cam \(cam.shape) does not fit \(keys.count) keys and a \(height)×\(width) image")
        if let highRes { precondition(highRes.shape == [keys.count, height, width], "CAMFile: high_res \(highRes.shape)") }
        self.keys = keys; self.cam = cam; self.highRes = highRes; self.height = height; self.width = width
    }

    /// Reads a CAM file: this package's .npz, or the reference's .npy (recognised by content;
    /// CAMFile+Reference.swift).
    public static func decode(_ bytes: [UInt8], file: String = "<memory>") throws -> CAMFile {
        if NPY.hasMagic(bytes) { return try decodeReference(bytes, file: file) }
        let archive = try StageArchive(bytes, file: file)
        let keys = try archive.integers("keys")
        guard keys.allSatisfy({ (0...254).contains($0) }) else {
            throw archive.fail("keys", "classes must lie in 0...254")
        }
        guard Set(keys).count == keys.count else { throw archive.fail("keys", "a class is listed twice") }
        let size = try archive.integers("size")
        guard size.count == 2, (1...maximumImageSide).contains(size[0]), (1...maximumImageSide).contains(size[1]) else {
            throw archive.fail("size", "expected (height, width) in 1...\(maximumImageSide), found \(size)")
        }
        let (height, width) = (size[0], size[1])
        let cam = try archive.floats("cam", rank: 3)
        let expected = [keys.count, (height + 3) / 4, (width + 3) / 4]
        guard cam.shape == expected else {
            throw archive.fail("cam", "expected shape \(expected) for \(keys.count) keys and size \(height)×\(width), found \(cam.shape)")
        }
        var highRes: Tensor? = nil
        if archive.arrays["high_res"] != nil {
            let full = try archive.floats("high_res", rank: 3)
            guard full.shape == [keys.count, height, width] else {
                throw archive.fail("high_res", "expected shape \([keys.count, height, width]), found \(full.shape)")
            }
            highRes = full
        }
        return CAMFile(keys: keys, cam: cam, highRes: highRes, height: height, width: width)
    }

    public func encoded() -> [UInt8] {
        var arrays: [(String, NPYArray)] = [
            ("keys", NPYArray(int64: keys.map { Int64($0) }, shape: [keys.count])),
            ("cam", NPYArray(float32: cam.scalars, shape: cam.shape)),
        ]
        if let highRes { arrays.append(("high_res", NPYArray(float32: highRes.scalars, shape: highRes.shape))) }
        arrays.append(("size", NPYArray(int64: [Int64(height), Int64(width)], shape: [2])))
        return NPZ.encode(arrays)
    }

    public static func load(_ path: String) throws -> CAMFile { try decode(FileIO.read(path), file: path) }
    public func save(to path: String) throws { try FileIO.writeAtomically(encoded(), to: path) }
}

/// A boundary file: `edge` float32[h4, w4] (after the sigmoid, in [0, 1]) and `dp`
/// float32[2, h4, w4] (row, then column displacement, in stride-4 pixels).
public struct BoundaryFile: Equatable, Sendable {
    public var edge: Tensor
    public var displacement: Tensor

    public init(edge: Tensor, displacement: Tensor) {
        precondition(edge.rank == 2 && displacement.shape == [2] + edge.shape,
                     "BoundaryFile: edge \(edge.shape) and dp \(displacement.shape) disagree")
        self.edge = edge; self.displacement = displacement
    }

    public static func decode(_ bytes: [UInt8], file: String = "<memory>") throws -> BoundaryFile {
        let archive = try StageArchive(bytes, file: file)
        let edge = try archive.floats("edge", rank: 2)
        guard edge.shape.allSatisfy({ (1...maximumImageSide).contains($0) }) else {
            throw archive.fail("edge", "shape \(edge.shape) is empty or too large")
        }
        guard edge.scalars.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw archive.fail("edge", "values must lie in [0, 1] (a boundary probability after the sigmoid)")
        }
        let dp = try archive.floats("dp", rank: 3)
        guard dp.shape == [2] + edge.shape else {
            throw archive.fail("dp", "expected shape \([2] + edge.shape) to match edge, found \(dp.shape)")
        }
        return BoundaryFile(edge: edge, displacement: dp)
    }

    public func encoded() -> [UInt8] {
        NPZ.encode([("edge", NPYArray(float32: edge.scalars, shape: edge.shape)),
                    ("dp", NPYArray(float32: displacement.scalars, shape: displacement.shape))])
    }

    public static func load(_ path: String) throws -> BoundaryFile { try decode(FileIO.read(path), file: path) }
    public func save(to path: String) throws { try FileIO.writeAtomically(encoded(), to: path) }

    /// Checks that this boundary map belongs to `cam` (same stride-4 size).
    public func check(against cam: CAMFile, camPath: String, boundaryPath: String) throws {
        guard edge.shape == Array(cam.cam.shape.dropFirst()) else {
            throw StageFileError.mismatch(
                "\(boundaryPath) has a \(edge.shape[0])×\(edge.shape[1]) map but \(camPath) has \(cam.cam.shape[1])×\(cam.cam.shape[2]) (image \(cam.height)×\(cam.width))")
        }
    }
}
