// Instance detection against the reference's detect_instance and the end of its ins-seg step
// (background-padded torch.argmax, to_one_hot, scikit-image labels; Fixtures/instances/detection):
// masks and classes equal exactly, scores within 1e-6. Cases: walked maps made from the
// hand-made field's instance CAMs, noise-dominated maps with many fragments under 1% of the
// image, and arbitrary overlapping masks. Then the shape-map path equals the per-mask path.
import XCTest
import Instances
import Tensors
import TestSupport

final class InstanceDetectionTests: XCTestCase {
    func assertDetections(_ actual: DetectedInstances, golden name: String,
                          file: StaticString = #filePath, line: UInt = #line) throws {
        let scores = try goldenTensor("detection/\(name)_score.npy")
        let (masks, maskShape) = try goldenBools("detection/\(name)_mask.npy")
        let (classes, _) = try goldenInt32s("detection/\(name)_class.npy")
        XCTAssertEqual([actual.count, actual.height, actual.width], maskShape, name, file: file, line: line)
        XCTAssertEqual(actual.classes, classes.map { Int($0) }, name, file: file, line: line)
        let expectedMasks: [UInt8] = masks.map { $0 ? 1 : 0 }
        XCTAssertTrue(actual.masks == expectedMasks, "\(name) masks: \(firstDifference(actual.masks, expectedMasks))",
                      file: file, line: line)
        assertClose(actual.scores, scores.scalars, atol: 1e-6, rtol: 0, shape: scores.shape, name, file: file, line: line)
        let worst = zip(actual.scores, scores.scalars).map { abs($0 - $1) }.max() ?? 0
        print("detection \(name): \(actual.count) instances, \(actual.scores.filter { $0 == 0 }.count) zero-scored, max |score diff| \(worst)")
    }

    func testHandmadeWalkedMaps() throws {
        let walked = try goldenTensor("detection/handmade_walked.npy")
        let detected = detectInstances(walked: walked, keys: [3, 14], backgroundScore: 0.25)
        try assertDetections(detected, golden: "handmade")
        // The same maps as [K, M, H, W].
        let shaped = walked.reshaped([2, walked.shape[0] / 2, walked.shape[1], walked.shape[2]])
        XCTAssertEqual(detectInstances(walked: shaped, keys: [3, 14], backgroundScore: 0.25), detected)
    }

    func testNoisyWalkedMapsWithSmallFragments() throws {
        let walked = try goldenTensor("detection/noisy_walked.npy")
        let detected = detectInstances(walked: walked, keys: [0, 7, 19], backgroundScore: 0.4)
        try assertDetections(detected, golden: "noisy")
        let plane = walked.shape[1] * walked.shape[2]
        let small = (0 ..< detected.count).filter { Double(detected.mask(of: $0).reduce(0) { $0 + Int($1) }) < Double(plane) * 0.01 }
        XCTAssertGreaterThan(small.count, 5, "the case must contain fragments under 1% of the image")
    }

    func testOverlappingMasks() throws {
        let scores = seededTensor(351, [5, 11, 14], scale: 1)
        let (masks, _) = try goldenBools("detection/overlapping_masks.npy")
        let detected = detectInstances(scores: scores, masks: masks, classes: [4, 4, 9, 1, 2],
                                       minimumFragmentSize: Double(11 * 14) * 0.01)
        try assertDetections(detected, golden: "overlapping")
    }

    func testShapeMapPathEqualsPerMaskPath() {
        var random = SeededRandom(seed: 2801)
        for trial in 0 ..< 200 {
            let height = random.int(in: 1 ... 19), width = random.int(in: 1 ... 23)
            let channels = random.int(in: 1 ... 6)
            let plane = height * width
            var scores = random.tensor(shape: [channels, height, width], scale: 1)
            if trial % 9 == 4 {
                for special in [Float.nan, .infinity, -.infinity] {
                    scores.scalars[random.int(in: 0 ... scores.count - 1)] = special
                }
            }
            // Blocky shape maps so that regions span several pixels.
            let block = random.int(in: 1 ... 4)
            let cells = (0 ..< plane).map { _ in Int32(random.int(in: 0 ... channels)) }
            let shapes = (0 ..< plane).map { p in cells[(p / width / block * block) * width + (p % width / block * block)] }
            var masks = [Bool](repeating: false, count: channels * plane)
            for p in 0 ..< plane where shapes[p] > 0 { masks[(Int(shapes[p]) - 1) * plane + p] = true }
            let classes = (0 ..< channels).map { _ in random.int(in: 0 ... 19) }
            let minimum = Double(random.int(in: 0 ... 6))
            let fast = detectInstances(scores: scores, shapes: shapes, classes: classes, minimumFragmentSize: minimum)
            let naive = detectInstances(scores: scores, masks: masks, classes: classes, minimumFragmentSize: minimum)
            XCTAssertEqual(fast.classes, naive.classes, "trial \(trial)")
            XCTAssertTrue(fast.masks == naive.masks, "trial \(trial): \(firstDifference(fast.masks, naive.masks))")
            XCTAssertEqual(fast.scores.map(\.bitPattern), naive.scores.map(\.bitPattern), "trial \(trial)")
        }
    }

    func testNothingDetectedWhenBackgroundWinsEverywhere() {
        // The reference cannot stack an empty list; here the result is simply empty.
        let walked = Tensor(shape: [4, 3, 5], repeating: 0.1)
        let detected = detectInstances(walked: walked, keys: [2, 5], backgroundScore: 0.25)
        XCTAssertEqual(detected.count, 0)
        XCTAssertEqual(instanceShapes(of: walked, backgroundScore: 0.25), [Int32](repeating: 0, count: 15))
    }
}
