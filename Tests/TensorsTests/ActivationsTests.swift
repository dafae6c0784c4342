// ReLU and sigmoid against torch.relu / torch.sigmoid (Fixtures/ops/activations, made by
// Fixtures/Generators/ops.py), including ±1000, ±inf and signed zeros, and the in-place forms
// against the returning forms.
import XCTest
import Tensors
import TestSupport

final class ActivationsTests: XCTestCase {
    /// The EXTREMES list of ops.py.
    private let extremes = Tensor(shape: [18], scalars: [
        -1000, -100, -88.5, -30, -17, -1, -1e-3, -0.0, 0.0, 1e-3, 1, 17, 30, 88.5, 100, 1000,
        .infinity, -.infinity])

    private var inputs: [(String, Tensor)] {
        [("small", seededTensor(201, [2, 3, 5, 7], scale: 4)),
         ("large", seededTensor(202, [3, 41], scale: 120)),
         ("extremes", extremes)]
    }

    func testReLUMatchesPyTorchExactly() throws {
        for (name, x) in inputs {
            let expected = try Fixtures.tensor("ops/activations/relu_\(name).npy")
            assertGolden(relu(x), expected, atol: 0, rtol: 0, "relu \(name)")
            var inPlace = x
            inPlace.applyReLU()
            assertClose(inPlace, expected, atol: 0, rtol: 0, "applyReLU \(name)")
        }
        let withNaN = relu(Tensor(shape: [3], scalars: [.nan, -1, 2]))
        XCTAssertTrue(withNaN.scalars[0].isNaN, "relu keeps NaN like torch.relu")
    }

    func testSigmoidMatchesPyTorch() throws {
        for (name, x) in inputs {
            let expected = try Fixtures.tensor("ops/activations/sigmoid_\(name).npy")
            assertGolden(sigmoid(x), expected, atol: 1e-7, rtol: 1e-6, "sigmoid \(name)")
            var inPlace = x
            inPlace.applySigmoid()
            assertClose(inPlace, sigmoid(x), atol: 0, rtol: 0, "applySigmoid \(name)")
        }
    }

    func testSigmoidStaysFiniteAndOrderedForHugeInputs() {
        let x = Tensor(shape: [6], scalars: [-Float.greatestFiniteMagnitude, -1e30, -90, 90, 1e30,
                                             .greatestFiniteMagnitude])
        let y = sigmoid(x).scalars
        XCTAssertEqual(y, [0, 0, y[2], 1, 1, 1])
        XCTAssertTrue(y[2] > 0 && y[2] < 1e-38, "sigmoid(-90) is a tiny positive number, got \(y[2])")
    }
}
