// The reference's own output files, pickled dicts saved with np.save: its CAM files (make_cam's
// {"keys": tensor, "cam": tensor, "high_res": ndarray}; Fixtures/Generators/reference_files.py,
// written by this NumPy and in NumPy 1.x's form) read as the same CAMFile as the .npz of the
// same scene and are labelled as the reference labels them; its ins-seg files (written by
// Fixtures/Generators/labels.py from the reference's detect_instance) read as its arrays;
// damaged files are typed errors.
import XCTest
import Codecs
import Pipeline
import TestSupport

final class ReferenceFilesTests: XCTestCase {
    func testReferenceFilesEqualTheStageFiles() throws {
        for name in ["touching", "smooth"] {
            let scene = try LabelScene(name)
            for variant in ["", "_numpy1"] {
                let path = "labels/reference_cam/\(name)\(variant).npy"
                let read = try CAMFile.decode(Fixtures.bytes(path), file: path)
                XCTAssertEqual(read, scene.cam, path)
                XCTAssertNotNil(read.highRes, path)
            }
            // And they label as the reference does (the stage file's labels are checked against it).
            let read = try CAMFile.decode(Fixtures.bytes("labels/reference_cam/\(name).npy"))
            XCTAssertEqual(WalkLabeling().semantic(cam: read, boundary: scene.boundary), try scene.referenceSemantic(), name)
        }
    }

    func testReferenceInstanceFilesReadAsTheirArrays() throws {
        for name in LabelScene.names + ["blank"] {
            let read = try PredictionFiles.readInstances(Fixtures.url("labels/reference_ins/\(name).npy").path)
            let expected = try LabelScene(name).referenceInstances()
            XCTAssertEqual(read.count, expected.count, name)
            XCTAssertEqual(read.classes, expected.classes, name)
            XCTAssertEqual(read.masks, expected.masks, name)
            XCTAssertEqual(read.scores.map(\.bitPattern), expected.scores.map(\.bitPattern), name)
        }
    }

    func testDamagedReferenceFilesAreTypedErrors() throws {
        let bytes = try Fixtures.bytes("labels/reference_cam/smooth_numpy1.npy")
        for length in stride(from: 0, to: bytes.count, by: 7) {
            XCTAssertThrowsError(try CAMFile.decode(Array(bytes[0..<length]), file: "x.npy"), "cut at \(length)") {
                if length > 128 { XCTAssertTrue($0 is StageFileError, "cut at \(length): \($0)") }
            }
        }
        // A damaged magic string sends the file to the .npz reader, which refuses it as a zip.
        let outcomes = Corruption.outcomes(of: bytes, positions: Array(stride(from: 0, to: bytes.count, by: 11)),
                                           isTyped: { $0 is StageFileError || $0 is ZipError }) {
            _ = try CAMFile.decode($0, file: "x.npy")
        }
        XCTAssertGreaterThan(outcomes.refused, 0)
        print("corrupted reference CAM files: \(outcomes.loaded) loaded, \(outcomes.refused) refused")
    }

    func testMissingAndInconsistentArraysAreNamed() throws {
        let bytes = try Fixtures.bytes("checkpoints/pickled_arrays.npy")  // a dict without "keys"
        XCTAssertThrowsError(try CAMFile.decode(bytes, file: "x.npy")) {
            XCTAssertEqual($0 as? StageFileError, .missingArray(file: "x.npy", array: "keys"))
        }
    }
}
