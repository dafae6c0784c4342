// NPZ against NumPy: numpy.savez and numpy.savez_compressed archives decode to the arrays
// NumPy saved (each also stored as its own .npy by make_zip_npz.py), in NumPy's order; our
// encodings are byte-identical to the committed ours_*.npz, which NumPy loaded back to the
// original arrays and re-saved (ours_*.resaved.npz) for us to compare here.
import XCTest
import Codecs
import TestSupport

final class NPZTests: XCTestCase {
    /// The keys NumPy wrote, in order (from zipfile's listing), and the arrays from ref/*.npy.
    private func reference() throws -> [(String, NPYArray)] {
        try ZipFixtures.manifest("npz/numpy_savez.npz").map { row in
            let key = String(row.name.dropLast(4))
            return (key, try Fixtures.array("npz/ref/\(key).npy"))
        }
    }

    private func assertSameArrays(_ actual: [(name: String, array: NPYArray)], _ expected: [(String, NPYArray)],
                                  _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.map(\.name), expected.map(\.0), message, file: file, line: line)
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a.array, e.1, "\(message): \(e.0) (dtype, shape and bytes)", file: file, line: line)
        }
    }

    func testNumPyArchivesDecodeToNumPysArrays() throws {
        let expected = try reference()
        XCTAssertEqual(Set(expected.map { $0.1.dtype }), [.bool, .uint8, .int32, .int64, .float32, .float64])
        for path in ["npz/numpy_savez.npz", "npz/numpy_savez_compressed.npz"] {
            assertSameArrays(try NPZ.decode(Fixtures.bytes(path)), expected, path)
        }
    }

    func testOurEncodingIsReadByNumPy() throws {
        let arrays = try reference()
        for (name, compressed) in [("ours_stored", false), ("ours_deflated", true)] {
            let bytes = NPZ.encode(arrays, compressed: compressed)
            try ZipFixtures.assertMatchesCommitted(bytes, "npz/\(name).npz")
            assertSameArrays(try NPZ.decode(bytes), arrays, "\(name) round trip")
            // numpy.load read our file; what it loaded, re-saved by NumPy, must be our input.
            assertSameArrays(try NPZ.decode(Fixtures.bytes("npz/\(name).resaved.npz")), arrays, "\(name) as NumPy loaded it")
            let methods = Set(try ZipArchive(bytes).entries.map(\.method))
            XCTAssertEqual(methods, [compressed ? ZipMethod.deflated : ZipMethod.stored])
        }
    }

    func testErrors() throws {
        var writer = ZipWriter()
        writer.append(name: "good.npy", data: NPY.encode(NPYArray(float32: [1, 2], shape: [2])))
        writer.append(name: "notes.txt", data: Array("not an array".utf8))
        XCTAssertThrowsError(try NPZ.decode(writer.finish())) {
            XCTAssertEqual($0 as? NPZError, .badArray(name: "notes.txt", .badMagic))
        }
        let bytes = try Fixtures.bytes("npz/numpy_savez.npz")
        XCTAssertThrowsError(try NPZ.decode(bytes, elementLimit: 10)) {
            XCTAssertEqual($0 as? NPZError, .badArray(name: "pixels", .tooLarge(elements: 20, limit: 10)))
        }
        XCTAssertThrowsError(try NPZ.decode(bytes, limits: ZipLimits(maxEntries: 2))) {
            XCTAssertEqual($0 as? ZipError, .tooManyEntries(declared: 8, limit: 2))
        }
        XCTAssertThrowsError(try NPZ.decode(Array(bytes.dropLast(3)))) {
            XCTAssertEqual($0 as? ZipError, .endOfCentralDirectoryNotFound)
        }
        // A truncated .npy inside a valid archive.
        var short = ZipWriter()
        short.append(name: "x.npy", data: Array(NPY.encode(NPYArray(float32: [1, 2, 3], shape: [3])).dropLast(4)))
        XCTAssertThrowsError(try NPZ.decode(short.finish())) {
            guard case .badArray("x", .truncated) = $0 as? NPZError else { return XCTFail("\($0)") }
        }
    }
}
