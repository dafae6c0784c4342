// `irn sem-seg` / `irn ins-seg` on the label fixtures (Fixtures/labels, made from the
// reference's sem-seg and ins-seg steps): the PNG, npz and JSON hold the reference's labels and
// instances; bad flags exit 2 and bad files exit 1, each with one error line and one hint.
import XCTest
import Foundation
import Codecs
import Pipeline
import TestSupport
@testable import irn

final class LabelCommandsTests: CommandTestCase {

    /// The palette indices of an indexed PNG, after checking its palette is VOC's.
    private func indexed(_ bytes: [UInt8]) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let raster = try PNG.decodeRaster(bytes)
        XCTAssertEqual(raster.header.colorType, .indexed)
        XCTAssertEqual(raster.palette, Array(VOCPalette.rgb.prefix(raster.palette.count)))
        return (raster.header.width, raster.header.height, raster.samples8)
    }

    private func inputs(_ name: String) -> [String] {
        ["--cam", Fixtures.url("labels/cam/\(name).npz").path, "--boundary", Fixtures.url("labels/boundary/\(name).npz").path,
         "--out", folder.path]
    }

    func testSemSegWritesReferenceLabels() throws {
        for name in ["touching", "smooth"] {
            XCTAssertEqual(run(["sem-seg"] + inputs(name)).code, 0)
            let png = try indexed(Fixtures.bytes(at: folder.appendingPathComponent("sem_seg/\(name).png")))
            let expected = try Fixtures.array("labels/\(name)_sem_seg.npy")
            XCTAssertEqual(png.width, expected.shape[1])
            XCTAssertEqual(png.height, expected.shape[0])
            XCTAssertEqual(png.pixels, expected.uint8s(), name)
        }
    }

    func testInsSegWritesReferenceInstances() throws {
        let name = "touching"
        XCTAssertEqual(run(["ins-seg"] + inputs(name) + ["--visualize"]).code, 0)
        let base = folder.appendingPathComponent("ins_seg/\(name)")
        let found = try LabelFiles.decodeInstances(Fixtures.bytes(at: base.appendingPathExtension("npz")))
        let scores = try Fixtures.array("labels/\(name)_ins_score.npy").floats()
        let classes = try Fixtures.array("labels/\(name)_ins_class.npy").int64s().map { Int($0) }
        let masks = try Fixtures.array("labels/\(name)_ins_mask.npy")
        XCTAssertEqual(found.classes, classes)
        XCTAssertEqual(found.masks, masks.uint8s())
        assertClose(found.scores, scores, atol: 1e-3, rtol: 0)
        // The index map: row i of the npz is value i + 1.
        let map = try indexed(Fixtures.bytes(at: base.appendingPathExtension("png")))
        let plane = found.height * found.width
        let expectedMap = (0 ..< plane).map { p in
            UInt8((0 ..< found.count).first { masks.uint8s()[$0 * plane + p] != 0 }.map { $0 + 1 } ?? 0)
        }
        XCTAssertEqual(map.pixels, expectedMap)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: base.appendingPathExtension("json"))) as? [String: Any]
        let rows = json?["instances"] as? [[String: Any]] ?? []
        XCTAssertEqual(rows.map { $0["class"] as? Int }, classes.map { Optional($0) })
        XCTAssertEqual(rows.map { $0["class_name"] as? String }, classes.map { Optional(VOCClasses.names[$0]) })
        let visual = try ImageFiles.load(folder.appendingPathComponent("vis/\(name).png").path)
        XCTAssertEqual(visual.height, found.height)
        XCTAssertEqual(visual.width, 5 * found.width + 4 * 4)
    }

    func testAWalkFromZeroWarnsAndFollowsTheReference() throws {
        // "blank": every CAM value sits where the boundary is 1; the reference labels every
        // pixel with the first class and scores its one instance NaN (JSON null).
        let name = "blank"
        for command in ["sem-seg", "ins-seg"] {
            let result = run([command] + inputs(name))
            XCTAssertEqual(result.code, 0, result.err.joined())
            XCTAssertEqual(result.err.count, 2, result.err.joined(separator: "\n"))
            XCTAssertTrue(result.err.first?.hasPrefix("irn: warning: ") == true, result.err.first ?? "")
            XCTAssertTrue(result.err.first?.contains("(bottle)") == true, result.err.first ?? "")
        }
        let png = try indexed(Fixtures.bytes(at: folder.appendingPathComponent("sem_seg/\(name).png")))
        XCTAssertEqual(png.pixels, try Fixtures.array("labels/\(name)_sem_seg.npy").uint8s())
        let base = folder.appendingPathComponent("ins_seg/\(name)")
        let found = try LabelFiles.decodeInstances(Fixtures.bytes(at: base.appendingPathExtension("npz")))
        XCTAssertEqual(found.classes, try Fixtures.array("labels/\(name)_ins_class.npy").int64s().map { Int($0) })
        XCTAssertEqual(found.masks, try Fixtures.array("labels/\(name)_ins_mask.npy").uint8s())
        let expectedScores = try Fixtures.array("labels/\(name)_ins_score.npy").floats()
        XCTAssertEqual(found.scores.map(\.isNaN), expectedScores.map(\.isNaN))
        XCTAssertTrue(expectedScores.allSatisfy(\.isNaN), "the fixture should hold the reference's NaN scores")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: base.appendingPathExtension("json"))) as? [String: Any]
        let rows = json?["instances"] as? [[String: Any]] ?? []
        XCTAssertEqual(rows.count, found.count)
        XCTAssertTrue(rows.allSatisfy { $0["score"] is NSNull }, "\(rows)")
        // A scene with something to walk gives no warning.
        let quiet = run(["sem-seg"] + inputs("smooth"))
        XCTAssertEqual(quiet.err.count, 1, quiet.err.joined(separator: "\n"))
    }

    func testReferenceCAMFilesAreAccepted() throws {
        // The reference's make_cam output (.npy of a pickled dict) in place of the .npz.
        let name = "touching"
        let camPath = Fixtures.url("labels/reference_cam/\(name)_numpy1.npy").path
        let boundaryPath = Fixtures.url("labels/boundary/\(name).npz").path
        for command in ["sem-seg", "ins-seg"] {
            let result = run([command, "--cam", camPath, "--boundary", boundaryPath, "--out", folder.path])
            XCTAssertEqual(result.code, 0, result.err.joined())
        }
        let png = try indexed(Fixtures.bytes(at: folder.appendingPathComponent("sem_seg/\(name)_numpy1.png")))
        XCTAssertEqual(png.pixels, try Fixtures.array("labels/\(name)_sem_seg.npy").uint8s())
        let found = try LabelFiles.decodeInstances(Fixtures.bytes(at: folder.appendingPathComponent("ins_seg/\(name)_numpy1.npz")))
        XCTAssertEqual(found.classes, try Fixtures.array("labels/\(name)_ins_class.npy").int64s().map { Int($0) })
        XCTAssertEqual(found.masks, try Fixtures.array("labels/\(name)_ins_mask.npy").uint8s())
        assertClose(found.scores, try Fixtures.array("labels/\(name)_ins_score.npy").floats(), atol: 1e-3, rtol: 0)
        // A damaged one: one error line naming the file, one hint, exit 1.
        let bytes = try Fixtures.bytes("labels/reference_cam/\(name).npy")
        let damaged = folder.appendingPathComponent("damaged.npy")
        try Data(bytes.prefix(bytes.count / 2)).write(to: damaged)
        let result = run(["sem-seg", "--cam", damaged.path, "--boundary", boundaryPath, "--out", folder.path])
        XCTAssertEqual(result.code, 1)
        XCTAssertEqual(result.err.count, 2, result.err.joined(separator: "\n"))
        XCTAssertTrue(result.err.first?.hasPrefix("irn: error: \(damaged.path) is not a readable CAM file of the reference") == true,
                      result.err.first ?? "")
        XCTAssertTrue(result.err.last?.hasPrefix("hint: ") == true)
    }

    func testUsageErrorsExitTwo() {
        for flags in [["--beta", "0"], ["--beta", "x"], ["--exp-times", "31"], ["--radius", "0"], ["--radius", "21"],
                      ["--bg-threshold", "1.5"], ["--image", "a.png"], ["--frobnicate"]] {
            let result = run(["sem-seg"] + inputs("touching") + flags)
            XCTAssertEqual(result.code, 2, "\(flags)")
            XCTAssertEqual(result.err.count, 2, "\(flags): \(result.err)")
            XCTAssertTrue(result.err.first?.hasPrefix("irn: error: ") ?? false)
            XCTAssertTrue(result.err.last?.hasPrefix("hint: ") ?? false)
        }
        XCTAssertEqual(run(["ins-seg", "--cam", "c.npz", "--out", folder.path]).code, 2)
    }

    func testBadFilesExitOne() throws {
        let touching = inputs("touching"), smooth = inputs("smooth")
        // CAM and boundary of different images.
        let mismatch = run(["ins-seg", "--cam", touching[1], "--boundary", smooth[3], "--out", folder.path])
        XCTAssertEqual(mismatch.code, 1)
        XCTAssertEqual(mismatch.err.count, 2)
        XCTAssertTrue(mismatch.err[0].contains("boundary/smooth.npz"), mismatch.err[0])
        // A boundary file given as the CAM file: the missing array is named.
        let swapped = run(["sem-seg", "--cam", touching[3], "--boundary", touching[3], "--out", folder.path])
        XCTAssertEqual(swapped.code, 1)
        XCTAssertTrue(swapped.err[0].contains("no array 'keys'"), swapped.err[0])
        // Not a zip archive; a missing file.
        let junk = folder.appendingPathComponent("junk.npz")
        try Data("not an archive".utf8).write(to: junk)
        XCTAssertEqual(run(["sem-seg", "--cam", junk.path, "--boundary", touching[3], "--out", folder.path]).code, 1)
        let missing = run(["sem-seg", "--cam", folder.appendingPathComponent("none.npz").path, "--boundary", touching[3], "--out", folder.path])
        XCTAssertEqual(missing.code, 1)
        XCTAssertTrue(missing.err[0].hasPrefix("irn: error: no such file"), missing.err[0])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("sem_seg").path))
    }
}
