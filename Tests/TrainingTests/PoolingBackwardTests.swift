// Max-pool and global-average-pool gradients: finite differences of Double forwards on tie-free
// inputs, and PyTorch autograd on inputs full of ties (max pool: the first maximum in scan order
// receives the gradient).
import XCTest
import Tensors
import Training
import TestSupport

final class PoolingBackwardTests: XCTestCase {
    private let maxPoolCases: [(shape: [Int], kernel: Int, stride: Int, padding: Int)] = [
        ([2, 3, 9, 11], 3, 2, 1), ([1, 2, 7, 8], 3, 1, 1), ([1, 3, 8, 10], 2, 2, 0), ([1, 1, 5, 6], 3, 3, 0),
    ]

    func testMaxPoolFiniteDifferences() {
        var random = SeededRandom(seed: 20)
        var worst = 0.0
        for c in maxPoolCases {
            let x = random.tensor(shape: c.shape, scale: 1)  // distinct values: no ties
            let y = maxPool2d(x, kernel: c.kernel, stride: c.stride, padding: c.padding)
            let dy = random.tensor(shape: y.shape, scale: 1)
            let planes = c.shape[0] * c.shape[1]
            let analytic = maxPool2dBackward(outputGradient: dy, input: x, kernel: c.kernel, stride: c.stride,
                                             padding: c.padding)
            let numerical = numericalGradient(at: x.doubles, step: 1e-7) {
                dot(dy.doubles, maxPoolDouble($0, planes: planes, height: c.shape[2], width: c.shape[3],
                                              kernel: c.kernel, stride: c.stride, padding: c.padding))
            }
            worst = max(worst, assertGradient(analytic, numerical, tolerance: 1e-6, "max pool \(c)"))
        }
        print("maxPool2dBackward vs finite differences: max error relative to peak \(worst)")
    }

    func testMaxPoolTiesMatchPyTorch() throws {
        // training_backward.py MAX_POOL: x = floor(U(-2, 2)) (draw scale 2), then dy (scale 1).
        let cases: [(String, UInt64, [Int], Int, Int, Int)] = [
            ("k3s2p1", 21, [2, 3, 9, 11], 3, 2, 1), ("k3s1p1", 22, [1, 2, 7, 8], 3, 1, 1),
            ("k2s2", 23, [1, 3, 8, 10], 2, 2, 0),
        ]
        for (name, seed, shape, kernel, stride, padding) in cases {
            var random = SeededRandom(seed: seed)
            var x = random.tensor(shape: shape, scale: 2)
            x.scalars = x.scalars.map { $0.rounded(.down) }
            let y = maxPool2d(x, kernel: kernel, stride: stride, padding: padding)
            let dy = random.tensor(shape: y.shape, scale: 1)
            let expected = try Fixtures.tensor("training_backward/max_pool/\(name)_dx.npy")
            let dx = maxPool2dBackward(outputGradient: dy, input: x, kernel: kernel, stride: stride, padding: padding)
            // Each input sums the dy of the windows it wins, in another order than PyTorch's.
            assertClose(dx, expected, atol: 1e-6, rtol: 1e-6, name)
            // The case is only meaningful if windows do hold equal maxima.
            let tiedWindows = countTiedWindows(x, kernel: kernel, stride: stride, padding: padding)
            XCTAssertGreaterThan(tiedWindows, y.count / 4, "\(name): too few tied windows")
            print("max pool \(name): \(tiedWindows) of \(y.count) windows hold tied maxima; max |error| \(relativeToPeak(dx, expected))")
        }
    }

    /// Windows whose maximum occurs more than once.
    private func countTiedWindows(_ x: Tensor, kernel: Int, stride: Int, padding: Int) -> Int {
        let h = x.shape[2], w = x.shape[3], planes = x.shape[0] * x.shape[1]
        let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
        var tied = 0
        for p in 0..<planes {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var values: [Float] = []
                    for ky in 0..<kernel {
                        for kx in 0..<kernel {
                            let iy = oy * stride - padding + ky, ix = ox * stride - padding + kx
                            if iy >= 0 && iy < h && ix >= 0 && ix < w { values.append(x.scalars[(p * h + iy) * w + ix]) }
                        }
                    }
                    let m = values.max()!
                    if values.filter({ $0 == m }).count > 1 { tied += 1 }
                }
            }
        }
        return tied
    }

    func testGlobalAveragePoolFiniteDifferences() {
        var random = SeededRandom(seed: 30)
        let x = random.tensor(shape: [2, 3, 4, 5], scale: 1)
        let dy = random.tensor(shape: [2, 3, 1, 1], scale: 1)
        let analytic = globalAveragePoolBackward(outputGradient: dy, inputShape: x.shape)
        let numerical = numericalGradient(at: x.doubles, step: 1e-3) { x in
            (0..<6).reduce(0.0) { sum, plane in
                sum + Double(dy.scalars[plane]) * x[(plane * 20)..<((plane + 1) * 20)].reduce(0, +) / 20
            }
        }
        assertGradient(analytic, numerical, tolerance: 1e-6, "global average pool")
        // The [N, C] form of the output gradient gives the same result.
        XCTAssertEqual(globalAveragePoolBackward(outputGradient: dy.reshaped([2, 3]), inputShape: x.shape), analytic)
    }

    func testGlobalAveragePoolMatchesPyTorch() throws {
        // training_backward.py gap(): x (2, 5, 6, 7) scale 1, dy (2, 5, 1, 1) scale 1, seed 31.
        var random = SeededRandom(seed: 31)
        let x = random.tensor(shape: [2, 5, 6, 7], scale: 1)
        let dy = random.tensor(shape: [2, 5, 1, 1], scale: 1)
        let expected = try Fixtures.tensor("training_backward/gap/dx.npy")
        // One division per element, as PyTorch: equal to the last bit.
        assertClose(globalAveragePoolBackward(outputGradient: dy, inputShape: x.shape), expected, atol: 0, rtol: 1e-7)
    }
}
