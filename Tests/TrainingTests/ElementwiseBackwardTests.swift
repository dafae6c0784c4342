// Gradients of the shape and pointwise layers: ReLU and sigmoid (finite differences; sigmoid
// also against PyTorch), concatenation and cropping (each the adjoint of its Tensors forward,
// checked exactly), and the residual sum.
import XCTest
import Tensors
import Training
import TestSupport

final class ElementwiseBackwardTests: XCTestCase {
    func testReLUFiniteDifferences() {
        var random = SeededRandom(seed: 60)
        let x = random.tensor(shape: [2, 3, 5, 7], scale: 1)
        let dy = random.tensor(shape: x.shape, scale: 1)
        let analytic = reluBackward(outputGradient: dy, output: relu(x))
        let numerical = numericalGradient(at: x.doubles, step: 1e-7) { x in
            dot(dy.doubles, x.map { max($0, 0) })
        }
        assertGradient(analytic, numerical, tolerance: 1e-7, "relu")
        // At exactly zero PyTorch's rule gives no gradient.
        let zeros = Tensor(shape: [9], repeating: 0)
        XCTAssertEqual(reluBackward(outputGradient: Tensor(shape: [9], repeating: 1), output: relu(zeros)), zeros)
    }

    func testSigmoidFiniteDifferencesAndPyTorch() throws {
        var random = SeededRandom(seed: 61)  // training_backward.py sigmoid(): x (3, 17) scale 6, dy scale 1
        let x = random.tensor(shape: [3, 17], scale: 6)
        let dy = random.tensor(shape: [3, 17], scale: 1)
        let dx = sigmoidBackward(outputGradient: dy, output: sigmoid(x))
        assertGradient(dx, numericalGradient(at: x.doubles, step: 1e-5) { x in
            dot(dy.doubles, x.map(sigmoidDouble))
        }, tolerance: 1e-6, "sigmoid")
        // The same three Float operations per element as PyTorch, on a sigmoid equal within an ulp.
        assertClose(dx, try Fixtures.tensor("training_backward/sigmoid/dx.npy"), atol: 1e-7, rtol: 1e-6, "sigmoid")
    }

    func testConcatBackwardIsTheAdjointOfConcat() {
        var random = SeededRandom(seed: 62)
        let channels = [3, 1, 4, 0, 2]
        let parts = channels.map { random.tensor(shape: [2, $0, 3, 5], scale: 1) }
        let dy = random.tensor(shape: [2, 10, 3, 5], scale: 1)
        let split = concatChannelsBackward(outputGradient: dy, channels: channels)
        XCTAssertEqual(split.map(\.shape), parts.map(\.shape))
        // Splitting undoes concatenation exactly, and ⟨concat(xᵢ), dy⟩ = Σ ⟨xᵢ, splitᵢ(dy)⟩.
        XCTAssertEqual(concatChannels(split), dy)
        let left = dot(concatChannels(parts).doubles, dy.doubles)
        let right = zip(parts, split).reduce(0.0) { $0 + dot($1.0.doubles, $1.1.doubles) }
        XCTAssertEqual(left, right, accuracy: 1e-9)
    }

    func testCropBackwardIsTheAdjointOfCrop() {
        var random = SeededRandom(seed: 63)
        let x = random.tensor(shape: [2, 3, 9, 11], scale: 1)
        for (top, left, h, w) in [(0, 0, 9, 11), (0, 0, 5, 6), (2, 3, 4, 8), (8, 10, 1, 1)] {
            let dy = random.tensor(shape: [2, 3, h, w], scale: 1)
            let dx = cropBackward(outputGradient: dy, inputHeight: 9, inputWidth: 11, top: top, left: left)
            XCTAssertEqual(dx.shape, x.shape)
            // The window gets dy back exactly; everything else is zero.
            XCTAssertEqual(crop(dx, top: top, left: left, height: h, width: w), dy)
            XCTAssertEqual(dot(dx.doubles, dx.doubles), dot(dy.doubles, dy.doubles), accuracy: 1e-9)
            XCTAssertEqual(dot(crop(x, top: top, left: left, height: h, width: w).doubles, dy.doubles),
                           dot(x.doubles, dx.doubles), accuracy: 1e-9)
        }
    }

    func testResidualAddAndGradientAccumulation() {
        var random = SeededRandom(seed: 64)
        let dy = random.tensor(shape: [1, 4, 3, 3], scale: 1)
        let (main, shortcut) = residualAddBackward(outputGradient: dy)
        XCTAssertEqual(main, dy)
        XCTAssertEqual(shortcut, dy)
        // A tensor feeding both branches collects the sum of their gradients.
        let other = random.tensor(shape: dy.shape, scale: 1)
        var total: Tensor? = nil
        accumulateGradient(&total, dy)
        XCTAssertEqual(total, dy)
        accumulateGradient(&total, other)
        XCTAssertEqual(total, dy + other)
    }
}
