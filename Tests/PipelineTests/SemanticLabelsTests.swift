// Semantic labels against the reference's sem-seg step on the label fixtures: the whole label
// map must be identical; plus the stage-file readers' typed errors and --classes parsing.
import XCTest
import Codecs
import Pipeline
import Tensors
import TestSupport

final class SemanticLabelsTests: XCTestCase {
    func testLabelsEqualReference() throws {
        for name in LabelScene.names {
            let scene = try LabelScene(name)
            let (labels, walked) = semanticLabels(cam: scene.cam.cam, keys: scene.cam.keys, boundary: scene.boundary.edge,
                                                  imageHeight: scene.cam.height, imageWidth: scene.cam.width)
            let expected = try scene.referenceSemantic()
            XCTAssertEqual(labels.count, expected.count, name)
            let differing = zip(labels, expected).enumerated().filter { $0.element.0 != $0.element.1 }
            XCTAssertTrue(differing.isEmpty, "\(name): \(differing.count) pixels differ, first \(differing.prefix(5).map { ($0.offset, $0.element.0, $0.element.1) })")
            XCTAssertEqual(walked.shape, [scene.cam.keys.count, scene.cam.height, scene.cam.width])
            XCTAssertEqual(walked.scalars.max(), 1, name)
            XCTAssertGreaterThan(Set(expected).count, 2, "\(name): the fixture should show background and two classes")
        }
    }

    func testAWalkFromZeroFollowsTheReference() throws {
        // "blank": no CAM value lies off the boundary, the walk is 0 everywhere and the division
        // by its maximum is 0/0; the reference's argmax then takes the first class everywhere.
        let scene = try LabelScene("blank")
        XCTAssertTrue(WalkLabeling.walkStartsFromZero(cam: scene.cam, boundary: scene.boundary))
        let (labels, walked) = semanticLabels(cam: scene.cam.cam, keys: scene.cam.keys, boundary: scene.boundary.edge,
                                              imageHeight: scene.cam.height, imageWidth: scene.cam.width)
        XCTAssertEqual(labels, try scene.referenceSemantic())
        XCTAssertTrue(walked.scalars.allSatisfy(\.isNaN))
        for name in LabelScene.names {
            let other = try LabelScene(name)
            XCTAssertFalse(WalkLabeling.walkStartsFromZero(cam: other.cam, boundary: other.boundary), name)
        }
    }

    func testTiesGoToTheLowerIndex() {
        // Two identical CAMs: every pixel ties between them and goes to the first key.
        let plane = [Float](repeating: 1, count: 6)
        let cam = Tensor(shape: [2, 2, 3], scalars: plane + plane)
        let (labels, _) = semanticLabels(cam: cam, keys: [3, 5], boundary: Tensor(shape: [2, 3]),
                                         imageHeight: 5, imageWidth: 9, expTimes: 2)
        XCTAssertEqual(labels, [UInt8](repeating: 4, count: 45))
        // A threshold of exactly 1 ties with the normalised maximum: background wins.
        let (ties, _) = semanticLabels(cam: cam, keys: [3, 5], boundary: Tensor(shape: [2, 3]),
                                       imageHeight: 5, imageWidth: 9, expTimes: 2, backgroundThreshold: 1)
        XCTAssertEqual(ties, [UInt8](repeating: 0, count: 45))
    }

    func testStageFileRoundTrip() throws {
        let scene = try LabelScene("touching")
        XCTAssertEqual(try CAMFile.decode(scene.cam.encoded()), scene.cam)
        XCTAssertEqual(try BoundaryFile.decode(scene.boundary.encoded()), scene.boundary)
        XCTAssertNotNil(scene.cam.highRes)
    }

    func testStageFileErrors() throws {
        let scene = try LabelScene("touching")
        let keys = NPYArray(int64: [7, 11], shape: [2])
        let size = NPYArray(int64: [61, 77], shape: [2])
        let cam = NPYArray(float32: scene.cam.cam.scalars, shape: scene.cam.cam.shape)
        func camError(_ arrays: [(String, NPYArray)]) -> StageFileError? {
            do { _ = try CAMFile.decode(NPZ.encode(arrays), file: "c.npz"); return nil } catch { return error as? StageFileError }
        }
        XCTAssertEqual(camError([("keys", keys), ("size", size)]), .missingArray(file: "c.npz", array: "cam"))
        XCTAssertEqual(camError([("cam", cam), ("size", size)]), .missingArray(file: "c.npz", array: "keys"))
        guard case .badArray(_, "cam", _)? = camError([("keys", keys), ("size", NPYArray(int64: [60, 90], shape: [2])), ("cam", cam)]) else {
            return XCTFail("a cam of the wrong size must be refused")
        }
        guard case .badArray(_, "keys", _)? = camError([("keys", NPYArray(int64: [7, 7], shape: [2])), ("size", size), ("cam", cam)]) else {
            return XCTFail("repeated keys must be refused")
        }
        guard case .badArray(_, "cam", _)? = camError([("keys", keys), ("size", size),
                                                       ("cam", NPYArray(int64: [Int64](repeating: 0, count: cam.count), shape: cam.shape))]) else {
            return XCTFail("an integer cam must be refused")
        }
        var nan = scene.cam.cam.scalars
        nan[5] = .nan
        guard case .badArray(_, "cam", _)? = camError([("keys", keys), ("size", size), ("cam", NPYArray(float32: nan, shape: cam.shape))]) else {
            return XCTFail("a NaN in the cam must be refused")
        }
        func boundaryError(_ arrays: [(String, NPYArray)]) -> StageFileError? {
            do { _ = try BoundaryFile.decode(NPZ.encode(arrays), file: "b.npz"); return nil } catch { return error as? StageFileError }
        }
        let edge = NPYArray(float32: scene.boundary.edge.scalars, shape: scene.boundary.edge.shape)
        XCTAssertEqual(boundaryError([("edge", edge)]), .missingArray(file: "b.npz", array: "dp"))
        guard case .badArray(_, "dp", _)? = boundaryError([("edge", edge), ("dp", NPYArray(float32: [Float](repeating: 0, count: 2 * 16 * 19), shape: [2, 16, 19]))]) else {
            return XCTFail("a dp of another size must be refused")
        }
        guard case .badArray(_, "edge", _)? = boundaryError([("edge", NPYArray(float32: [Float](repeating: 2, count: 320), shape: [16, 20])),
                                                             ("dp", NPYArray(float32: [Float](repeating: 0, count: 640), shape: [2, 16, 20]))]) else {
            return XCTFail("edge values outside [0, 1] must be refused")
        }
        let other = try LabelScene("smooth")
        XCTAssertThrowsError(try other.boundary.check(against: scene.cam, camPath: "c.npz", boundaryPath: "b.npz")) { error in
            guard case .mismatch(let text)? = error as? StageFileError else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("b.npz") && text.contains("c.npz"), text)
        }
    }

    func testParseClasses() throws {
        XCTAssertEqual(try parseClasses("dog,cat"), [7, 11])
        XCTAssertEqual(try parseClasses("Person, 0 ,person"), [0, 14])
        XCTAssertEqual(try parseClasses("19"), [19])
        XCTAssertEqual(VOCClasses.names.count, 20)
        XCTAssertEqual(VOCClasses.names[14], "person")
        XCTAssertThrowsError(try parseClasses("20")) { XCTAssertEqual($0 as? ClassListError, .unknownClass("20")) }
        XCTAssertThrowsError(try parseClasses("unicorn")) { XCTAssertEqual($0 as? ClassListError, .unknownClass("unicorn")) }
        XCTAssertThrowsError(try parseClasses(" , ")) { XCTAssertEqual($0 as? ClassListError, .empty) }
    }
}
