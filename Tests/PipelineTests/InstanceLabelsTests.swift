// Instance labels against the reference's ins-seg step on the label fixtures: the same number
// of instances, the same classes and masks (whole arrays), scores within 1e-3; and the ins-seg
// files (npz round trip, index map, JSON).
import XCTest
import Foundation
import Codecs
import Instances
import Pipeline
import TestSupport

final class InstanceLabelsTests: XCTestCase {
    func detect(_ scene: LabelScene) -> DetectedInstances {
        instanceLabels(cam: scene.cam.cam, keys: scene.cam.keys, boundary: scene.boundary.edge,
                       displacement: scene.boundary.displacement,
                       imageHeight: scene.cam.height, imageWidth: scene.cam.width)
    }

    func testInstancesEqualReference() throws {
        for name in LabelScene.names {
            let scene = try LabelScene(name)
            let found = detect(scene)
            let expected = try scene.referenceInstances()
            XCTAssertEqual(found.count, expected.count, name)
            XCTAssertEqual(found.classes, expected.classes, name)
            XCTAssertEqual(found.masks, expected.masks, "\(name): masks differ")
            assertClose(found.scores, expected.scores, atol: 1e-3, rtol: 0)
            let worst = zip(found.scores, expected.scores).map { abs($0 - $1) }.max() ?? 0
            print("\(name): \(found.count) instances, max score error \(worst)")
        }
    }

    func testAWalkFromZeroFollowsTheReference() throws {
        // "blank": the walked scores are 0/0; the reference puts every pixel in the first
        // instance of the first class and scores it NaN.
        let scene = try LabelScene("blank")
        let found = detect(scene)
        let expected = try scene.referenceInstances()
        XCTAssertEqual(found.count, expected.count)
        XCTAssertEqual(found.classes, expected.classes)
        XCTAssertEqual(found.masks, expected.masks)
        XCTAssertEqual(found.scores.map(\.isNaN), expected.scores.map(\.isNaN))
        XCTAssertTrue(expected.scores.allSatisfy(\.isNaN), "the fixture should hold the reference's NaN scores")
    }

    func testInstanceFiles() throws {
        let scene = try LabelScene("touching")
        let found = detect(scene)
        XCTAssertGreaterThanOrEqual(found.count, 3)
        XCTAssertEqual(try LabelFiles.decodeInstances(LabelFiles.instanceNPZ(found)), found)
        let map = LabelFiles.instanceIndexMap(found)
        let plane = found.height * found.width
        for p in 0 ..< plane {
            let owners = (0 ..< found.count).filter { found.masks[$0 * plane + p] != 0 }
            XCTAssertEqual(Int(map[p]), owners.first.map { $0 + 1 } ?? 0)
        }
        let decoded = try PNG.decode(LabelFiles.instancePNG(found))
        XCTAssertEqual(decoded.pixels.count, plane * 3)
        let json = LabelFiles.instanceJSON(found, image: "touching")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let rows = object?["instances"] as? [[String: Any]] ?? []
        XCTAssertEqual(rows.count, found.count)
        for (i, row) in rows.enumerated() {
            XCTAssertEqual(row["index"] as? Int, i + 1)
            XCTAssertEqual(row["class"] as? Int, found.classes[i])
            XCTAssertEqual(row["class_name"] as? String, VOCClasses.names[found.classes[i]])
            XCTAssertEqual((row["score"] as? Double).map { Float($0) }, found.scores[i])
            XCTAssertEqual(row["pixels"] as? Int, found.mask(of: i).reduce(0) { $0 + Int($1) })
        }
    }
}
