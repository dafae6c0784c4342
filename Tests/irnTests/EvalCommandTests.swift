// `irn eval sem|ins|cam` on Fixtures/voc_mini against the IRNet reference's evaluation steps run
// on the same files (Fixtures/Generators/voc_mini.py): every IoU, fp/fn share, AP and mIoU is
// compared in full through --json. Also: missing predictions are counted and warned about, and
// bad inputs fail with the right exit code and message.
import XCTest
import Foundation
import Codecs
import TestSupport
@testable import irn

final class EvalCommandTests: XCTestCase {
    let root = Fixtures.url("voc_mini").path
    var list: String { root + "/ImageSets/Segmentation/val.txt" }
    var expected: [String: NPYArray] = [:]

    override func setUpWithError() throws {
        let arrays = try NPZ.decode(Fixtures.bytes("voc_mini/expected.npz"))
        expected = Dictionary(uniqueKeysWithValues: arrays.map { ($0.name, $0.array) })
    }

    private func run(_ arguments: [String]) -> (code: Int32, out: [String], err: [String]) {
        var out: [String] = [], err: [String] = []
        let code = IRNCommandLine.run(arguments, console: Console(out: { out.append($0) }, err: { err.append($0) }))
        return (code, out, err)
    }

    private func json(_ arguments: [String]) throws -> [String: Any] {
        let result = run(arguments + ["--json"])
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        XCTAssertEqual(result.out.count, 1)
        return try JSONSerialization.jsonObject(with: Data((result.out.first ?? "{}").utf8)) as! [String: Any]
    }

    /// NaN in the reference is null in our JSON.
    private func numbers(_ value: Any?) -> [Double] {
        (value as! [Any]).map { ($0 as? Double) ?? .nan }
    }

    private func assertSame(_ actual: [Double], _ reference: [Double], _ what: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, reference.count, what, file: file, line: line)
        for (a, r) in zip(actual, reference) where !(a.isNaN && r.isNaN) {
            XCTAssertEqual(a, r, accuracy: 1e-12, "\(what): \(actual) vs \(reference)", file: file, line: line)
        }
    }

    func testSemanticEqualsReference() throws {
        let result = try json(["eval", "sem", "--pred", root + "/predictions/sem_seg", "--voc-root", root, "--list", list])
        assertSame(numbers(result["iou"]), expected["sem_iou"]!.doubles(), "IoU")
        assertSame([result["miou"] as! Double], expected["sem_miou"]!.doubles(), "mIoU")
        let fp = expected["sem_fp"]!.doubles()
        assertSame([result["background_fp"] as! Double, result["background_fn"] as! Double], Array(fp[0..<2]), "background fp/fn")
        // The foreground means are NaN in the reference (absent classes): null here.
        assertSame([(result["foreground_mean_fp"] as? Double) ?? .nan, (result["foreground_mean_fn"] as? Double) ?? .nan],
                   Array(fp[2..<4]), "foreground fp/fn")
        XCTAssertEqual(result["missing_predictions"] as? Int, 0)
        XCTAssertEqual(result["images"] as? Int, 4)
        // The table names the classes and ends with the mIoU.
        let table = run(["eval", "sem", "--pred", root + "/predictions/sem_seg", "--voc-root", root, "--list", "val"])
        XCTAssertEqual(table.code, 0)
        XCTAssertTrue(table.out[0].contains("tvmonitor"))
        XCTAssertTrue(table.out[0].hasSuffix("mIoU 0.7875"), table.out[0])
    }

    func testInstancesEqualReferenceAtFourThresholds() throws {
        let result = try json(["eval", "ins", "--pred", root + "/predictions/ins_seg", "--voc-root", root, "--list", list,
                               "--all-thresholds"])
        let entries = result["results"] as! [[String: Any]]
        XCTAssertEqual(entries.map { $0["iou_threshold"] as! Double }, [0.25, 0.5, 0.7, 0.75])
        for entry in entries {
            let t = entry["iou_threshold"] as! Double
            let key = t == 0.5 ? "0.5" : t == 0.25 ? "0.25" : t == 0.7 ? "0.7" : "0.75"
            let reference = expected["ins_ap_\(key)"]!.doubles()
            let ap = numbers(entry["ap"])
            // chainercv's AP vector stops at the largest class seen; ours lists all 20 classes.
            assertSame(Array(ap.prefix(reference.count)), reference, "AP@\(key)")
            XCTAssertTrue(ap.dropFirst(reference.count).allSatisfy(\.isNaN))
            assertSame([entry["map"] as! Double], expected["ins_map_\(key)"]!.doubles(), "mAP@\(key)")
        }
        let single = try json(["eval", "ins", "--pred", root + "/predictions/ins_seg", "--voc-root", root, "--list", list])
        let only = (single["results"] as! [[String: Any]])
        XCTAssertEqual(only.count, 1)
        assertSame([only[0]["map"] as! Double], expected["ins_map_0.5"]!.doubles(), "mAP@0.5")
    }

    func testCAMSweepEqualsReference() throws {
        let result = try json(["eval", "cam", "--pred", root + "/predictions/cam", "--voc-root", root, "--list", list,
                               "--thresholds", "0.05:0.5:0.05"])
        XCTAssertEqual(numbers(result["thresholds"]).map(Float.init), expected["cam_thresholds"]!.floats())
        let miou = expected["cam_miou"]!.doubles()
        assertSame(numbers(result["miou"]), miou, "mIoU per threshold")
        let bestIndex = miou.indices.max { miou[$0] < miou[$1] }!
        XCTAssertEqual(result["best_miou"] as? Double, miou[bestIndex])
        let single = try json(["eval", "cam", "--pred", root + "/predictions/cam", "--voc-root", root, "--list", list])
        assertSame(numbers(single["iou"]), expected["cam_iou_015"]!.doubles(), "IoU at 0.15")
    }

    func testReferenceFilesEvaluateAsTheStageFiles() throws {
        // The reference's own .npy outputs (pickled dicts, Fixtures/Generators/reference_files.py)
        // of the same predictions give the same JSON, number for number.
        for (kind, sub, extra) in [("ins", "ins_seg", ["--all-thresholds"]), ("cam", "cam", ["--thresholds", "0.05:0.5:0.05"])] {
            let stage = try json(["eval", kind, "--pred", root + "/predictions/\(sub)", "--voc-root", root, "--list", list] + extra)
            let reference = try json(["eval", kind, "--pred", root + "/reference_predictions/\(sub)", "--voc-root", root,
                                      "--list", list] + extra)
            XCTAssertEqual(reference["missing_predictions"] as? Int, 0, kind)
            XCTAssertEqual(NSDictionary(dictionary: reference), NSDictionary(dictionary: stage), kind)
        }
        // And export to the same COCO file.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("irn-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (sub, name) in [("predictions", "a.json"), ("reference_predictions", "b.json")] {
            let result = run(["export", "coco", "--ins-dir", root + "/\(sub)/ins_seg", "--list", list, "--voc-root", root,
                              "--out", folder.appendingPathComponent(name).path])
            XCTAssertEqual(result.code, 0, result.err.joined())
        }
        XCTAssertEqual(try Fixtures.bytes(at: folder.appendingPathComponent("a.json")),
                       try Fixtures.bytes(at: folder.appendingPathComponent("b.json")))
    }

    func testMissingPredictionsAreCountedAndWarned() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("irn-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for kind in ["sem_seg", "ins_seg", "cam"] {
            let target = folder.appendingPathComponent(kind)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let source = Fixtures.url("voc_mini/predictions/\(kind)")
            for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where !name.hasPrefix("x.") {
                try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
            }
        }
        for (kind, sub) in [("sem", "sem_seg"), ("ins", "ins_seg"), ("cam", "cam")] {
            let result = run(["eval", kind, "--pred", folder.appendingPathComponent(sub).path, "--voc-root", root, "--list", list, "--json"])
            XCTAssertEqual(result.code, 0, result.err.joined())
            XCTAssertEqual(result.err.count, 1)
            XCTAssertTrue(result.err[0].hasPrefix("irn: warning: 1 of 4 images have no prediction"), result.err[0])
            XCTAssertTrue(result.err[0].contains("(x)"), result.err[0])
            let parsed = try JSONSerialization.jsonObject(with: Data(result.out[0].utf8)) as! [String: Any]
            XCTAssertEqual(parsed["missing_predictions"] as? Int, 1)
        }
    }

    func testErrors() throws {
        let pred = root + "/predictions/sem_seg"
        // Missing VOC root: runtime error naming it.
        let noRoot = run(["eval", "sem", "--pred", pred, "--voc-root", "/nonexistent/voc", "--list", list])
        XCTAssertEqual(noRoot.code, 1)
        XCTAssertEqual(noRoot.err, ["irn: error: no such dataset folder: /nonexistent/voc",
                                    "hint: --voc-root names the folder holding JPEGImages and SegmentationClass"])
        // A list line with two words: file and line number.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("irn-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.txt")
        try Data("2007_000032\n# fine\n/JPEGImages/x.jpg /SegmentationClass/x.png\n".utf8).write(to: bad)
        let badLine = run(["eval", "sem", "--pred", pred, "--voc-root", root, "--list", bad.path])
        XCTAssertEqual(badLine.code, 1)
        XCTAssertEqual(badLine.err[0], "irn: error: \(bad.path):3: expected one image id per line, found several words: '/JPEGImages/x.jpg /SegmentationClass/x.png'")
        // An id without ground truth: the missing file and its role.
        let unknown = folder.appendingPathComponent("unknown.txt")
        try Data("nosuchimage\n".utf8).write(to: unknown)
        let missing = run(["eval", "sem", "--pred", pred, "--voc-root", root, "--list", unknown.path])
        XCTAssertEqual(missing.code, 1)
        XCTAssertEqual(missing.err[0], "irn: error: missing ground-truth class map: \(root)/SegmentationClass/nosuchimage.png")
        // Missing list file, unknown evaluation, bad sweep, missing option.
        XCTAssertEqual(run(["eval", "sem", "--pred", pred, "--voc-root", root, "--list", "nolist"]).err.first,
                       "irn: error: missing image list: nolist")
        XCTAssertEqual(run(["eval", "box", "--pred", pred, "--voc-root", root, "--list", list]).code, 2)
        XCTAssertEqual(run(["eval", "cam", "--pred", pred, "--voc-root", root, "--list", list, "--thresholds", "0.5:0.1:0.1"]).code, 2)
        XCTAssertEqual(run(["eval", "sem", "--voc-root", root, "--list", list]).code, 2)
        // Predictions of the wrong size.
        let wrong = folder.appendingPathComponent("sem")
        try FileManager.default.createDirectory(at: wrong, withIntermediateDirectories: true)
        try Data(PNG.encodeIndexed(Image(width: 3, height: 2, channels: 1, pixels: [UInt8](repeating: 1, count: 6))))
            .write(to: wrong.appendingPathComponent("x.png"))
        let sized = run(["eval", "sem", "--pred", wrong.path, "--voc-root", root, "--list", list])
        XCTAssertEqual(sized.code, 1)
        XCTAssertTrue(sized.err[0].contains("prediction is 3x2, ground truth 29x17"), sized.err[0])
    }
}
