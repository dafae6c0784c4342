// `irn export coco` on Fixtures/voc_mini: the written JSON is byte-identical to the committed
// Fixtures/coco/voc_mini_coco.json, which pycocotools read back (Fixtures/Generators/
// coco_check.py): its decoded masks equal the ins_seg masks that scored ≥ --min-score, and
// pycocotools' areas and boxes equal ours. Missing ins_seg files are warned about.
import XCTest
import Foundation
import Codecs
import TestSupport
@testable import irn

final class ExportCommandTests: CommandTestCase {
    let root = Fixtures.url("voc_mini").path
    var list: String { root + "/ImageSets/Segmentation/val.txt" }

    func testExportDecodesInPycocotoolsToOurMasks() throws {
        let output = folder.appendingPathComponent("coco.json").path
        let result = run(["export", "coco", "--ins-dir", root + "/predictions/ins_seg", "--list", list,
                          "--voc-root", root, "--min-score", "0.5", "--out", output])
        XCTAssertEqual(result.code, 0, result.err.joined())
        XCTAssertEqual(result.err, ["wrote \(output): 4 images, 11 instances, 2 below --min-score left out"])
        XCTAssertEqual(try Fixtures.bytes(at: URL(fileURLWithPath: output)), try Fixtures.bytes("coco/voc_mini_coco.json"))

        let decoded = Dictionary(uniqueKeysWithValues: try NPZ.decode(Fixtures.bytes("coco/voc_mini_coco_decoded.npz")).map { ($0.name, $0.array) })
        let ids = decoded["ids"]!.int64s(), imageIDs = decoded["image_ids"]!.int64s(), categories = decoded["category_ids"]!.int64s()
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as! [String: Any]
        let annotations = document["annotations"] as! [[String: Any]]
        XCTAssertEqual(annotations.count, ids.count)
        // Walk the ins_seg files in list order, keeping instances scoring ≥ 0.5, as the export does.
        var k = 0
        for (imageIndex, id) in ["2007_000032", "2008_000123", "street-scene.v2", "x"].enumerated() {
            let arrays = Dictionary(uniqueKeysWithValues: try NPZ.decode(Fixtures.bytes("voc_mini/predictions/ins_seg/\(id).npz")).map { ($0.name, $0.array) })
            let scores = arrays["score"]!.floats(), classes = arrays["class"]!.int64s(), masks = arrays["mask"]!
            let pixels = masks.shape[1] * masks.shape[2]
            for n in scores.indices where scores[n] >= 0.5 {
                XCTAssertEqual(ids[k], Int64(k + 1))
                XCTAssertEqual(imageIDs[k], Int64(imageIndex + 1))
                XCTAssertEqual(categories[k], classes[n] + 1)
                let mask = decoded["mask_\(k + 1)"]!
                XCTAssertEqual(mask.shape, Array(masks.shape[1...]))
                XCTAssertEqual(mask.uint8s(), Array(masks.uint8s()[n * pixels ..< (n + 1) * pixels]), "annotation \(k + 1)")
                XCTAssertEqual(Double(annotations[k]["area"] as! Int), decoded["area"]!.doubles()[k])
                XCTAssertEqual((annotations[k]["bbox"] as! [Int]).map(Double.init), Array(decoded["bbox"]!.doubles()[4 * k ..< 4 * k + 4]))
                XCTAssertEqual(Float(annotations[k]["score"] as! Double), scores[n])
                k += 1
            }
        }
        XCTAssertEqual(k, ids.count)
        XCTAssertEqual(decoded["images"]!.int64s(), [1, 40, 50, 2, 31, 23, 3, 36, 44, 4, 17, 29])
    }

    func testMissingInstancesAndErrors() throws {
        let partial = folder.appendingPathComponent("ins")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.url("voc_mini/predictions/ins_seg/x.npz"), to: partial.appendingPathComponent("x.npz"))
        let output = folder.appendingPathComponent("a.json").path
        // With --voc-root the images without instances stay, sized from their annotations.
        let kept = run(["export", "coco", "--ins-dir", partial.path, "--list", list, "--voc-root", root, "--out", output])
        XCTAssertEqual(kept.code, 0)
        XCTAssertEqual(kept.err.last, "irn: warning: 3 of 4 images have no ins_seg file in \(partial.path) (2007_000032, 2008_000123, street-scene.v2); kept without instances")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as! [String: Any]
        XCTAssertEqual((document["images"] as! [[String: Any]]).map { $0["height"] as! Int }, [40, 31, 36, 17])
        // Without it they are left out.
        let dropped = run(["export", "coco", "--ins-dir", partial.path, "--list", list, "--out", output])
        XCTAssertEqual(dropped.code, 0)
        XCTAssertTrue(dropped.err.last!.hasSuffix("left out (give --voc-root to keep them as images without instances)"))
        // Usage and runtime errors.
        XCTAssertEqual(run(["export", "yaml", "--ins-dir", partial.path, "--list", list, "--out", output]).code, 2)
        XCTAssertEqual(run(["export", "coco", "--list", list, "--out", output]).code, 2)
        XCTAssertEqual(run(["export", "coco", "--ins-dir", folder.appendingPathComponent("none").path, "--list", list, "--out", output]).code, 1)
        try Data([1, 2, 3]).write(to: partial.appendingPathComponent("x.npz"))
        let broken = run(["export", "coco", "--ins-dir", partial.path, "--list", list, "--out", output])
        XCTAssertEqual(broken.code, 1)
        XCTAssertTrue(broken.err[0].hasPrefix("irn: error: not a readable zip archive"), broken.err[0])
    }
}
