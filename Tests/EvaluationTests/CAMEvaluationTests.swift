// CAM evaluation against IRNet's step/eval_cam.py at seven background thresholds
// (Fixtures/evaluation/cam/sweep.npz; CAM values on a 1/20 grid, so classes tie with each other
// and with the threshold): the label maps equal, IoU and mIoU within 1e-9. The one-pass sweep
// is checked against the per-threshold argmax on seeded random CAMs with ties and NaN.
import XCTest
import Evaluation
import Tensors

final class CAMEvaluationTests: XCTestCase {
    struct Image { let cams: [Float]; let keys: [Int]; let truth: [UInt8] }

    func images(_ fixture: Case) throws -> [Image] {
        try (0..<fixture.int("count")).map { i in
            Image(cams: try fixture.array("cams\(i)").floats(), keys: try fixture.ints("keys\(i)"),
                  truth: try fixture.array("gt\(i)").uint8s())
        }
    }

    func testEqualsIRNEvalCam() throws {
        largestDifferenceSeen = 0
        defer { print("eval_cam: largest |difference| from the reference \(largestDifferenceSeen)") }
        let fixture = try Case("cam/sweep.npz")
        let thresholds = try fixture.doubles("thresholds").map { Float($0) }
        let data = try images(fixture)
        var sweep = CAMThresholdSweep(thresholds: thresholds)
        for (i, image) in data.enumerated() {
            let pixels = image.truth.count
            let swept = sweep.labelsForEachThreshold(cams: image.cams, keys: image.keys, pixelCount: pixels)
            for (t, threshold) in thresholds.enumerated() {
                let expected = try fixture.ints("labels\(i)_t\(t)").map { Int32($0) }
                XCTAssertEqual(CAMEvaluation.labels(cams: image.cams, keys: image.keys, pixelCount: pixels,
                                                    threshold: threshold), expected, "image \(i), threshold \(threshold)")
                XCTAssertEqual(swept[t], expected, "sweep, image \(i), threshold \(threshold)")
            }
            sweep.accumulate(cams: image.cams, keys: image.keys, groundTruth: image.truth)
        }
        var expectedScores: [Double] = []
        for t in thresholds.indices {
            assertDoubles(sweep.confusions[t].intersectionOverUnion, try fixture.doubles("iou_t\(t)"), "threshold \(t)")
            expectedScores.append(try fixture.double("miou_t\(t)"))
        }
        assertDoubles(sweep.meanIntersectionOverUnions, expectedScores)
        let best = try XCTUnwrap(sweep.best)
        // The first of the highest reference scores.
        let bestIndex = expectedScores.firstIndex(of: expectedScores.max()!)!
        XCTAssertEqual(best.index, bestIndex)
        XCTAssertEqual(best.threshold, thresholds[bestIndex])
        assertDouble(best.meanIntersectionOverUnion, expectedScores[bestIndex])
    }

    func testSweepEqualsPerThresholdArgmax() {
        var random = SeededRandom(seed: 41)
        let thresholds: [Float] = [0, 0.05, 0.15, 0.25, 0.3, 0.5, 1, .nan]
        let sweep = CAMThresholdSweep(thresholds: thresholds)
        for (pixels, keys) in [(1, [3]), (7, [0, 5]), (33, [1, 2, 19]), (64, []), (129, [4, 6, 8, 10])] {
            var cams: [Float] = (0..<(keys.count * pixels)).map { _ in Float(Int(random.nextUnit() * 8)) / 16 }
            for k in cams.indices where random.nextUnit() < 0.05 { cams[k] = .nan }
            let swept = sweep.labelsForEachThreshold(cams: cams, keys: keys, pixelCount: pixels)
            for (t, threshold) in thresholds.enumerated() {
                XCTAssertEqual(swept[t], CAMEvaluation.labels(cams: cams, keys: keys, pixelCount: pixels, threshold: threshold),
                               "\(pixels) pixels, keys \(keys), threshold \(threshold)")
            }
        }
    }
}
