// Fixtures: locating and loading the golden files under Fixtures/ for the test targets.
// Goldens are .npy files written by Fixtures/Generators/*.py from the reference
// implementations; tests read them with the project's own NPY decoder. Test-only code: it may
// use Foundation for file access, unlike the core modules.
import Foundation
import Codecs
import Tensors

public enum Fixtures {
    /// The repository root (found from this file's path, so it works in any checkout).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// URL of a file below Fixtures/.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
    }

    /// ../shared/testdata beside the checkout, when present.
    public static var sharedTestData: URL? {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/testdata")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Raw bytes of a file below Fixtures/.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relativePath)))
    }

    /// Raw bytes of any file.
    public static func bytes(at url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    /// An .npy fixture as an array.
    public static func array(_ relativePath: String) throws -> NPYArray {
        try NPY.decode(bytes(relativePath))
    }

    /// An .npy fixture as a Float32 tensor (any numeric dtype is converted).
    public static func tensor(_ relativePath: String) throws -> Tensor {
        let array = try array(relativePath)
        return Tensor(shape: array.shape, scalars: array.floats())
    }
}
