// Bilinear-resize gradients: the fast (separable) backward against its four-corner twin on
// random sizes and modes, against the exact derivative of Tensors' forward (the forward is
// linear, so ∂L/∂xᵢ = ⟨dy, resize(eᵢ)⟩), and against PyTorch autograd for both align_corners
// settings, scale factors 2 and 4, and size mode.
import XCTest
import Tensors
import Training
import TestSupport

final class ResizeBackwardTests: XCTestCase {
    /// A resize mode: a scale factor or an output size, with align_corners.
    private enum Mode {
        case scale(Double, corners: Bool)
        case size(Int, Int, corners: Bool)
    }

    private func forward(_ x: Tensor, _ mode: Mode) -> Tensor {
        switch mode {
        case let .scale(s, corners): return resizeBilinear(x, scaleFactor: s, alignCorners: corners)
        case let .size(h, w, corners): return resizeBilinear(x, height: h, width: w, alignCorners: corners)
        }
    }

    private func backward(_ dy: Tensor, _ inputShape: [Int], _ mode: Mode) -> Tensor {
        let h = inputShape[inputShape.count - 2], w = inputShape[inputShape.count - 1]
        switch mode {
        case let .scale(s, corners):
            return resizeBilinearBackward(outputGradient: dy, inputHeight: h, inputWidth: w, scaleFactor: s,
                                          alignCorners: corners)
        case let .size(_, _, corners):
            return resizeBilinearBackward(outputGradient: dy, inputHeight: h, inputWidth: w, alignCorners: corners)
        }
    }

    private func naive(_ dy: Tensor, _ inputShape: [Int], _ mode: Mode) -> Tensor {
        let h = inputShape[inputShape.count - 2], w = inputShape[inputShape.count - 1]
        switch mode {
        case let .scale(s, corners):
            return resizeBilinearBackwardNaive(outputGradient: dy, inputHeight: h, inputWidth: w, alignCorners: corners,
                                               heightScale: s, widthScale: s)
        case let .size(_, _, corners):
            return resizeBilinearBackwardNaive(outputGradient: dy, inputHeight: h, inputWidth: w, alignCorners: corners)
        }
    }

    func testExactDerivativeOfTheForward() {
        var random = SeededRandom(seed: 50)
        let modes: [Mode] = [.scale(2, corners: false), .scale(4, corners: false), .scale(2, corners: true),
                             .scale(0.5, corners: false), .scale(1.7, corners: false),
                             .size(9, 4, corners: false), .size(7, 11, corners: true), .size(1, 3, corners: true),
                             .size(4, 5, corners: false), .size(3, 2, corners: false)]
        var worst = 0.0
        for mode in modes {
            let shape = [2, 4, 5]
            let x = random.tensor(shape: shape, scale: 1)
            let dy = random.tensor(shape: forward(x, mode).shape, scale: 1)
            var numerical = [Double]()
            for i in 0..<x.count {
                var basis = Tensor(shape: shape)
                basis.scalars[i] = 1
                numerical.append(dot(dy.doubles, forward(basis, mode).doubles))
            }
            worst = max(worst, assertGradient(backward(dy, shape, mode), numerical, tolerance: 1e-6, "\(mode)"))
        }
        print("resizeBilinearBackward vs the forward's derivative: max error relative to peak \(worst)")
    }

    func testMatchesNaiveOnRandomSizes() {
        var random = SeededRandom(seed: 51)
        for trial in 0..<40 {
            let corners = trial % 2 == 0
            let h = 1 + Int(random.next() % 12), w = 1 + Int(random.next() % 19)
            let mode: Mode = trial % 3 == 0
                ? .scale([2, 4, 0.5, 3][trial % 4], corners: corners)
                : .size(1 + Int(random.next() % 30), 1 + Int(random.next() % 30), corners: corners)
            let shape = [1 + Int(random.next() % 3), h, w]
            if case let .scale(s, _) = mode, (Double(h) * s < 1 || Double(w) * s < 1) { continue }
            let dy = random.tensor(shape: forward(Tensor(shape: shape), mode).shape, scale: 1)
            assertClose(backward(dy, shape, mode), naive(dy, shape, mode), atol: 1e-5, rtol: 1e-5, "\(shape) \(mode)")
        }
    }

    func testMatchesPyTorch() throws {
        // training_backward.py RESIZE: x (1, 3, 5, 7) scale 1, then dy of the output's shape.
        let cases: [(String, UInt64, Mode)] = [
            ("scale2", 51, .scale(2, corners: false)), ("scale4", 52, .scale(4, corners: false)),
            ("scale2_corners", 53, .scale(2, corners: true)), ("size_9x4", 54, .size(9, 4, corners: false)),
            ("size_11x13_corners", 55, .size(11, 13, corners: true)), ("size_3x3", 56, .size(3, 3, corners: false)),
        ]
        var worst: Float = 0
        for (name, seed, mode) in cases {
            var random = SeededRandom(seed: seed)
            let x = random.tensor(shape: [1, 3, 5, 7], scale: 1)
            let dy = random.tensor(shape: forward(x, mode).shape, scale: 1)
            let expected = try Fixtures.tensor("training_backward/resize/\(name)_dx.npy")
            let fast = backward(dy, x.shape, mode)
            // Each input sums up to (2·4)² weighted terms: 1e-5 relative, 1e-6 absolute.
            assertClose(fast, expected, atol: 1e-6, rtol: 1e-5, "fast \(name)")
            assertClose(naive(dy, x.shape, mode), expected, atol: 1e-6, rtol: 1e-5, "naive \(name)")
            worst = max(worst, relativeToPeak(fast, expected))
        }
        print("resizeBilinearBackward vs PyTorch: max error relative to peak \(worst)")
    }
}
