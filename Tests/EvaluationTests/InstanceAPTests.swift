// VOC instance AP^r against chainercv (Fixtures/evaluation/instance): precision and recall of
// every class, VOC2010 and VOC2007 AP and their nanmean at IoU 0.25, 0.5, 0.7 and 0.75, within
// 1e-9 and NaN where chainercv gives NaN. Cases: tied scores (NumPy's tie order), empty and
// one-sided classes and images, IoUs exactly at the thresholds and 0/0, difficult flags (via
// chainercv's detection routine), and IRNet's step/eval_ins_seg.py output at IoU 0.5.
import XCTest
import Evaluation
import Tensors

final class InstanceAPTests: XCTestCase {
    func images(_ fixture: Case) throws -> [(PredictedInstances, GroundTruthInstances)] {
        try (0..<fixture.int("count")).map { i in
            let predMasks = try fixture.array("pred_masks\(i)"), gtMasks = try fixture.array("gt_masks\(i)")
            let pixels = predMasks.shape[1] * predMasks.shape[2]
            let prediction = PredictedInstances(
                masks: InstanceMasks(count: predMasks.shape[0], pixelCount: pixels, bytes: predMasks.uint8s()),
                labels: try fixture.ints("pred_labels\(i)"), scores: try fixture.doubles("pred_scores\(i)"))
            let difficult = fixture.has("gt_difficult\(i)")
                ? try fixture.array("gt_difficult\(i)").uint8s().map { $0 != 0 } : nil
            let truth = GroundTruthInstances(
                masks: InstanceMasks(count: gtMasks.shape[0], pixelCount: pixels, bytes: gtMasks.uint8s()),
                labels: try fixture.ints("gt_labels\(i)"), difficult: difficult)
            return (prediction, truth)
        }
    }

    func check(_ name: String) throws {
        let fixture = try Case("instance/\(name).npz")
        let data = try images(fixture)
        largestDifferenceSeen = 0
        defer { print("instance \(name): largest |difference| from chainercv \(largestDifferenceSeen)") }
        var evaluator = InstanceSegmentationEvaluator(iouThresholds: InstanceSegmentationEvaluator.standardThresholds)
        for (prediction, truth) in data { evaluator.add(prediction: prediction, groundTruth: truth) }
        for (t, threshold) in evaluator.iouThresholds.enumerated() {
            let tag = "t\(Int((threshold * 100).rounded()))"
            let curves = evaluator.precisionRecall(thresholdIndex: t)
            XCTAssertEqual(curves.count, try fixture.int(tag + "_classes"), "\(name) \(tag): classes")
            for (label, curve) in curves.enumerated() {
                let p = "\(tag)_prec\(label)", r = "\(tag)_rec\(label)"
                XCTAssertEqual(curve.precision != nil, fixture.has(p), "\(name) \(p) presence")
                XCTAssertEqual(curve.recall != nil, fixture.has(r), "\(name) \(r) presence")
                if let precision = curve.precision, fixture.has(p) {
                    assertDoubles(precision, try fixture.doubles(p), "\(name) \(p)")
                }
                if let recall = curve.recall, fixture.has(r) {
                    assertDoubles(recall, try fixture.doubles(r), "\(name) \(r)")
                }
            }
            for (metric, suffix) in [(AveragePrecisionMetric.voc2010, ""), (.voc2007, "07")] {
                let result = evaluator.result(thresholdIndex: t, metric: metric)
                assertDoubles(result.averagePrecision, try fixture.doubles("\(tag)_ap\(suffix)"), "\(name) \(tag) ap\(suffix)")
                assertDouble(result.meanAveragePrecision, try fixture.double("\(tag)_map\(suffix)"), "\(name) \(tag) map\(suffix)")
            }
        }
        if fixture.has("irn_ap") {
            let one = InstanceSegmentationEvaluator.evaluate(predictions: data.map { $0.0 }, groundTruths: data.map { $0.1 },
                                                             iouThreshold: 0.5)
            assertDoubles(one.averagePrecision, try fixture.doubles("irn_ap"), "\(name): eval_ins_seg ap")
            assertDouble(one.meanAveragePrecision, try fixture.double("irn_map"), "\(name): eval_ins_seg map")
        }
    }

    func testTiedScores() throws { try check("ties") }
    func testEmptyClassesAndImages() throws { try check("empty") }
    func testIoUAtTheThresholds() throws { try check("exact") }
    func testDifficultFlags() throws { try check("difficult") }
    func testManyImages() throws { try check("many") }

    func testPackedIoUEqualsPlainTwin() {
        var random = SeededRandom(seed: 7)
        for (pixels, rows, columns) in [(1, 2, 3), (63, 3, 2), (64, 4, 4), (65, 2, 5), (120, 5, 3), (130, 1, 1), (1000, 3, 4)] {
            for density: Float in [0, 0.1, 0.5, 0.97] {
                let a = (0..<(rows * pixels)).map { _ in random.nextUnit() < density }
                let b = (0..<(columns * pixels)).map { _ in random.nextUnit() < density }
                let packed = InstanceMasks(count: rows, pixelCount: pixels, values: a)
                    .intersectionOverUnion(with: InstanceMasks(count: columns, pixelCount: pixels, values: b))
                let plain = naiveIntersectionOverUnion(a, b, pixelCount: pixels)
                XCTAssertEqual(packed.map(\.bitPattern), plain.map(\.bitPattern), "\(pixels) pixels, density \(density)")
                if density == 0 { XCTAssertTrue(packed.allSatisfy(\.isNaN), "0/0 is NaN") }
            }
        }
    }

    func testAccumulatingOneThresholdAtATimeAgrees() throws {
        let data = try images(Case("instance/ties.npz"))
        var all = InstanceSegmentationEvaluator(iouThresholds: InstanceSegmentationEvaluator.standardThresholds)
        for (prediction, truth) in data { all.add(prediction: prediction, groundTruth: truth) }
        for (t, threshold) in all.iouThresholds.enumerated() {
            let single = InstanceSegmentationEvaluator.evaluate(predictions: data.map { $0.0 },
                                                                groundTruths: data.map { $0.1 }, iouThreshold: threshold)
            XCTAssertEqual(single.averagePrecision.map(\.bitPattern),
                           all.result(thresholdIndex: t).averagePrecision.map(\.bitPattern))
        }
    }
}
