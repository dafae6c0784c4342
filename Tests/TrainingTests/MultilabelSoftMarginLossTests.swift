// The CAM classification loss (step/train_cam.py): value and gradient against a Double
// forward by finite differences (soft targets too, and saturated logits, whose gradient must
// keep its relative precision), and against PyTorch's F.multilabel_soft_margin_loss.
import XCTest
import Tensors
import Training
import TestSupport

final class MultilabelSoftMarginLossTests: XCTestCase {
    func testFiniteDifferences() {
        var random = SeededRandom(seed: 70)
        let logits = random.tensor(shape: [3, 7], scale: 5)
        var targets = random.tensor(shape: [3, 7], scale: 1)
        targets.scalars = targets.scalars.map { $0 > 0.3 ? 1 : ($0 < -0.6 ? 0.25 : 0) }  // hard and soft
        let result = multilabelSoftMarginLoss(logits: logits, targets: targets)
        let exact = multilabelLossDouble(logits.doubles, targets.doubles, samples: 3, classes: 7)
        XCTAssertEqual(Double(result.loss), exact, accuracy: 1e-6 * exact)
        assertGradient(result.gradient, numericalGradient(at: logits.doubles, step: 1e-5) {
            multilabelLossDouble($0, targets.doubles, samples: 3, classes: 7)
        }, tolerance: 1e-6, "multilabel soft margin")
        // Saturated logits keep a relative precision (no 1 − σ cancellation).
        let extreme = Tensor(shape: [1, 4], scalars: [40, -40, 40, -40])
        let labels = Tensor(shape: [1, 4], scalars: [1, 0, 0, 1])
        let saturated = multilabelSoftMarginLoss(logits: extreme, targets: labels)
        let tiny = sigmoidDouble(-40) / 4
        XCTAssertEqual(Double(saturated.gradient.scalars[0]), -tiny, accuracy: 1e-6 * tiny)
        XCTAssertEqual(Double(saturated.gradient.scalars[1]), tiny, accuracy: 1e-6 * tiny)
    }

    func testMatchesPyTorch() throws {
        // training_backward.py multilabel(): logits (4, 20) scale 4, then 80 units: target = u < 0.3.
        var random = SeededRandom(seed: 71)
        let logits = random.tensor(shape: [4, 20], scale: 4)
        let targets = Tensor(shape: [4, 20], scalars: (0..<80).map { _ in random.nextUnit() < 0.3 ? 1 : 0 })
        let result = multilabelSoftMarginLoss(logits: logits, targets: targets)
        let loss = try Fixtures.tensor("training_backward/multilabel/loss.npy")
        let gradient = try Fixtures.tensor("training_backward/multilabel/dlogits.npy")
        // A mean of 80 terms: 1e-6 relative for the value; the gradient elementwise within 1e-5.
        XCTAssertEqual(result.loss, loss.scalars[0], accuracy: 1e-6 * loss.scalars[0])
        assertClose(result.gradient, gradient, atol: 1e-9, rtol: 1e-5, "dlogits")
        print("multilabel soft margin vs PyTorch: loss \(result.loss) vs \(loss.scalars[0]); gradient error relative to peak \(relativeToPeak(result.gradient, gradient))")
    }
}
