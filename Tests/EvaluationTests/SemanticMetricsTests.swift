// Semantic segmentation metrics against chainercv's eval_semantic_segmentation and IRNet's
// step/eval_sem_seg.py (Fixtures/evaluation/semantic): confusion matrices equal, IoU, mIoU,
// pixel and class accuracy and IRNet's printed false-positive/negative shares within 1e-9, NaN
// where the reference gives NaN; ground truth 255 ignored, the matrix growing with the labels.
import XCTest
import Evaluation

final class SemanticMetricsTests: XCTestCase {
    /// The case's label maps; IRNet's cases map predicted 255 to 0 as its eval_sem_seg does.
    func maps(_ fixture: Case, irnPredictions: Bool) throws -> [(prediction: [UInt8], truth: [UInt8])] {
        try (0..<fixture.int("count")).map { i in
            var prediction = try fixture.array("pred\(i)").uint8s()
            if irnPredictions { prediction = prediction.map { $0 == 255 ? 0 : $0 } }
            return (prediction, try fixture.array("gt\(i)").uint8s())
        }
    }

    func checkChainerCV(_ confusion: ConfusionMatrix, _ fixture: Case, _ label: String) throws {
        let expected = try fixture.array("confusion")
        XCTAssertEqual(confusion.classCount, expected.shape[0], "\(label): class count")
        XCTAssertEqual(confusion.counts, expected.int64s().map { Int($0) }, "\(label): confusion")
        assertDoubles(confusion.intersectionOverUnion, try fixture.doubles("iou"), "\(label): iou")
        assertDouble(confusion.meanIntersectionOverUnion, try fixture.double("miou"), "\(label): miou")
        assertDouble(confusion.pixelAccuracy, try fixture.double("pixel_accuracy"), "\(label): pixel accuracy")
        assertDoubles(confusion.classAccuracy, try fixture.doubles("class_accuracy"), "\(label): class accuracy")
        assertDouble(confusion.meanClassAccuracy, try fixture.double("mean_class_accuracy"), "\(label): mean class accuracy")
    }

    func testChainerCVMetrics() throws {
        largestDifferenceSeen = 0
        defer { print("semantic: largest |difference| from chainercv \(largestDifferenceSeen)") }
        for name in ["random", "ignored_growth", "voc21", "few_classes"] {
            let fixture = try Case("semantic/\(name).npz")
            let irn = fixture.has("irn_fp")
            let images = try maps(fixture, irnPredictions: irn)
            var bytes = ConfusionMatrix()
            var wide = ConfusionMatrix()
            for (prediction, truth) in images {
                bytes.accumulate(prediction: prediction, groundTruth: truth)
                // The dataset's convention: 255 read as -1.
                wide.accumulate(prediction: prediction.map { Int32($0) },
                                groundTruth: truth.map { $0 == 255 ? -1 : Int32($0) })
            }
            XCTAssertEqual(bytes, wide, name)
            try checkChainerCV(bytes, fixture, name)
        }
    }

    func testIRNEvalSemSegSummary() throws {
        largestDifferenceSeen = 0
        defer { print("eval_sem_seg: largest |difference| from the reference \(largestDifferenceSeen)") }
        for name in ["voc21", "few_classes"] {
            let fixture = try Case("semantic/\(name).npz")
            var confusion = ConfusionMatrix()
            for (prediction, truth) in try maps(fixture, irnPredictions: true) {
                confusion.accumulate(prediction: prediction, groundTruth: truth)
            }
            let summary = SemanticSummary(confusion, classCount: 21)
            let shares = try fixture.doubles("irn_fp")  // fp[0], fn[0], mean fp[1:], mean fn[1:]
            assertDoubles([summary.backgroundFalsePositive, summary.backgroundFalseNegative,
                           summary.foregroundFalsePositive, summary.foregroundFalseNegative], shares, name)
            assertDoubles(summary.intersectionOverUnion, try fixture.doubles("irn_iou"), name)
            assertDouble(summary.meanIntersectionOverUnion, try fixture.double("irn_miou"), name)
        }
    }

    func testGrowthSplittingAndCutting() throws {
        let fixture = try Case("semantic/random.npz")
        let images = try maps(fixture, irnPredictions: false)
        var whole = ConfusionMatrix()
        var parts = [ConfusionMatrix(), ConfusionMatrix()]
        for (i, image) in images.enumerated() {
            whole.accumulate(prediction: image.prediction, groundTruth: image.truth)
            parts[i % 2].accumulate(prediction: image.prediction, groundTruth: image.truth)
        }
        var merged = parts[1]
        merged.add(parts[0])
        XCTAssertEqual(merged, whole)
        // The first image alone sizes the matrix by its own largest label.
        var first = ConfusionMatrix()
        first.accumulate(prediction: images[0].prediction, groundTruth: images[0].truth)
        let largest = images[0].prediction.map(Int.init).max()!
        let largestTruth = images[0].truth.filter { $0 != 255 }.map(Int.init).max()!
        XCTAssertEqual(first.classCount, max(largest, largestTruth) + 1)
        // leading(n) is the top-left block; past the size it is the whole matrix.
        let cut = whole.leading(3)
        for row in 0..<3 {
            for column in 0..<3 {
                XCTAssertEqual(cut[groundTruth: row, prediction: column], whole[groundTruth: row, prediction: column])
            }
        }
        XCTAssertEqual(whole.leading(whole.classCount + 5), whole)
        // Without ignoring, 255 in the ground truth is a class: the matrix grows to 256.
        var unfiltered = ConfusionMatrix()
        unfiltered.accumulate(prediction: images[0].prediction, groundTruth: images[0].truth, ignoredGroundTruth: nil)
        XCTAssertEqual(unfiltered.classCount, 256)
        XCTAssertEqual(unfiltered.counts.reduce(0, +), images[0].truth.count)
    }
}
