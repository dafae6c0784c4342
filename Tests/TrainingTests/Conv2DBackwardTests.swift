// conv2dBackward (GEMM + col2im) against its naive twin on seeded random geometries (kernels 1,
// 3, 5, 7, strides 1-2, padding, dilation, sizes that fit no tile), col2im as the adjoint of
// im2col, finite differences of a Double conv, and PyTorch autograd's dx, dW, db.
import XCTest
import Tensors
import Training
import TestSupport

final class Conv2DBackwardTests: XCTestCase {
    private func pick<T>(_ values: [T], _ random: inout SeededRandom) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }

    private func between(_ low: Int, _ high: Int, _ random: inout SeededRandom) -> Int {
        low + Int(random.next() % UInt64(high - low + 1))
    }

    /// A random conv geometry whose kernel fits its padded input.
    private func randomGeometry(_ random: inout SeededRandom, maxChannels: Int, maxSize: Int)
        -> (x: [Int], w: [Int], stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) {
        while true {
            let kh = pick([1, 1, 3, 3, 5, 7], &random)
            let kw = random.next() % 4 == 0 ? pick([1, 3, 5], &random) : kh
            let stride = (pick([1, 2], &random), pick([1, 2], &random))
            let dilation = (pick([1, 1, 2], &random), pick([1, 1, 2], &random))
            let padding = (between(0, kh / 2 + 1, &random), between(0, kw / 2 + 1, &random))
            let x = [between(1, 2, &random), between(1, maxChannels, &random),
                     between(1, maxSize, &random), between(1, maxSize, &random)]
            let w = [between(1, maxChannels, &random), x[1], kh, kw]
            if x[2] + 2 * padding.0 >= dilation.0 * (kh - 1) + 1 && x[3] + 2 * padding.1 >= dilation.1 * (kw - 1) + 1 {
                return (x, w, stride, padding, dilation)
            }
        }
    }

    func testCol2ImIsTheAdjointOfIm2Col() {
        var random = SeededRandom(seed: 1)
        for _ in 0..<60 {
            let s = randomGeometry(&random, maxChannels: 6, maxSize: 13)
            let g = Conv2DGeometry(channels: s.x[1], height: s.x[2], width: s.x[3], kernel: (s.w[2], s.w[3]),
                                   stride: s.stride, padding: s.padding, dilation: s.dilation)
            let image = random.tensor(shape: [g.channels, g.height, g.width], scale: 1)
            let matrix = random.tensor(shape: [g.patchSize, g.outputPixels], scale: 1)
            var patches = [Float](repeating: 0, count: g.patchSize * g.outputPixels)
            var scattered = [Float](repeating: 0, count: image.count)
            image.scalars.withUnsafeBufferPointer { im in
                patches.withUnsafeMutableBufferPointer { im2col(im.baseAddress!, geometry: g, into: $0.baseAddress!) }
            }
            matrix.scalars.withUnsafeBufferPointer { m in
                scattered.withUnsafeMutableBufferPointer { col2im(m.baseAddress!, geometry: g, addingInto: $0.baseAddress!) }
            }
            // ⟨im2col(x), M⟩ = ⟨x, col2im(M)⟩; col2im sums in Float, so compare against the scale
            // of the terms.
            let left = dot(patches.map(Double.init), matrix.doubles)
            let right = dot(image.doubles, scattered.map(Double.init))
            let scale = zip(patches, matrix.scalars).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
            XCTAssertLessThanOrEqual(abs(left - right), 1e-6 * max(scale, 1), "geometry \(g)")
        }
    }

    func testMatchesNaiveOnRandomGeometries() {
        var random = SeededRandom(seed: 2)
        var worst: Float = 0
        for _ in 0..<40 {
            let s = randomGeometry(&random, maxChannels: 17, maxSize: 19)
            let x = random.tensor(shape: s.x, scale: 1)
            let w = random.tensor(shape: s.w, scale: 0.3)
            let y = conv2d(x, weight: w, stride: s.stride, padding: s.padding, dilation: s.dilation)
            let dy = random.tensor(shape: y.shape, scale: 1)
            let fast = conv2dBackward(outputGradient: dy, input: x, weight: w, stride: s.stride,
                                      padding: s.padding, dilation: s.dilation)
            let naive = conv2dBackwardNaive(outputGradient: dy, input: x, weight: w, stride: s.stride,
                                            padding: s.padding, dilation: s.dilation)
            let name = "x \(s.x) w \(s.w) stride \(s.stride) padding \(s.padding) dilation \(s.dilation)"
            // Float sums of up to a few thousand unit-size products against Double sums.
            assertClose(fast.input!, naive.input!, atol: 2e-5, rtol: 1e-5, "dx " + name)
            assertClose(fast.weight, naive.weight, atol: 1e-4, rtol: 1e-5, "dW " + name)
            assertClose(fast.bias, naive.bias, atol: 1e-4, rtol: 1e-5, "db " + name)
            worst = max(worst, relativeToPeak(fast.input!, naive.input!), relativeToPeak(fast.weight, naive.weight))
            let noInput = conv2dBackward(outputGradient: dy, input: x, weight: w, stride: s.stride, padding: s.padding,
                                         dilation: s.dilation, computeInputGradient: false)
            XCTAssertNil(noInput.input)
            XCTAssertEqual(noInput.weight, fast.weight, name)
        }
        print("conv2dBackward vs naive: 40 geometries, max error relative to peak \(worst)")
    }

    func testFiniteDifferences() {
        // Tiny geometries; L = ⟨dy, conv(x, w) + b⟩ in Double, central differences with h = 1e-3
        // (L is linear in each operand, so only rounding remains).
        let cases: [([Int], [Int], (Int, Int), (Int, Int), (Int, Int))] = [
            ([2, 3, 4, 5], [4, 3, 1, 1], (1, 1), (0, 0), (1, 1)),
            ([1, 2, 5, 6], [3, 2, 1, 1], (2, 2), (0, 0), (1, 1)),
            ([1, 2, 5, 5], [2, 2, 3, 3], (2, 2), (1, 1), (1, 1)),
            ([1, 2, 6, 7], [2, 2, 3, 3], (1, 1), (2, 2), (2, 2)),
            ([1, 2, 9, 8], [2, 2, 7, 7], (2, 2), (3, 3), (1, 1)),
            ([2, 1, 5, 7], [2, 1, 3, 5], (1, 2), (1, 2), (2, 1)),
        ]
        var random = SeededRandom(seed: 3)
        var worst = 0.0
        for (xShape, wShape, stride, padding, dilation) in cases {
            let x = random.tensor(shape: xShape, scale: 1)
            let w = random.tensor(shape: wShape, scale: 0.5)
            let b = random.tensor(shape: [wShape[0]], scale: 0.5)
            let y = conv2d(x, weight: w, bias: b, stride: stride, padding: padding, dilation: dilation)
            let dy = random.tensor(shape: y.shape, scale: 1).doubles
            func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
                dot(dy, conv2dDouble(x, xShape, w, wShape, b, stride: stride, padding: padding, dilation: dilation))
            }
            let analytic = conv2dBackward(outputGradient: Tensor(shape: y.shape, doubles: dy), input: x, weight: w,
                                          stride: stride, padding: padding, dilation: dilation)
            let name = "x \(xShape) w \(wShape)"
            worst = max(worst, assertGradient(analytic.input!, numericalGradient(at: x.doubles, step: 1e-3) {
                loss($0, w.doubles, b.doubles) }, tolerance: 1e-6, "dx " + name))
            worst = max(worst, assertGradient(analytic.weight, numericalGradient(at: w.doubles, step: 1e-3) {
                loss(x.doubles, $0, b.doubles) }, tolerance: 1e-6, "dW " + name))
            worst = max(worst, assertGradient(analytic.bias, numericalGradient(at: b.doubles, step: 1e-3) {
                loss(x.doubles, w.doubles, $0) }, tolerance: 1e-6, "db " + name))
        }
        print("conv2dBackward vs finite differences: max error relative to peak \(worst)")
    }

    func testMatchesPyTorch() throws {
        // Fixtures/Generators/training_backward.py, CONV: (case, seed, x, w, stride, padding, dilation);
        // draws x (scale 1), w (scale 0.2), dy (scale 1).
        let cases: [(String, UInt64, [Int], [Int], (Int, Int), (Int, Int), (Int, Int))] = [
            ("1x1", 11, [2, 12, 7, 9], [10, 12, 1, 1], (1, 1), (0, 0), (1, 1)),
            ("1x1s2", 12, [1, 8, 9, 11], [6, 8, 1, 1], (2, 2), (0, 0), (1, 1)),
            ("3x3", 13, [2, 6, 9, 10], [7, 6, 3, 3], (1, 1), (1, 1), (1, 1)),
            ("3x3s2", 14, [1, 8, 11, 9], [5, 8, 3, 3], (2, 2), (1, 1), (1, 1)),
            ("3x3_dilated", 15, [1, 5, 12, 13], [4, 5, 3, 3], (1, 1), (2, 2), (2, 2)),
            ("7x7s2", 16, [1, 3, 19, 17], [8, 3, 7, 7], (2, 2), (3, 3), (1, 1)),
            ("asymmetric", 17, [2, 4, 10, 14], [3, 4, 3, 5], (1, 2), (1, 2), (2, 1)),
        ]
        var worst: Float = 0
        for (name, seed, xShape, wShape, stride, padding, dilation) in cases {
            var random = SeededRandom(seed: seed)
            let x = random.tensor(shape: xShape, scale: 1)
            let w = random.tensor(shape: wShape, scale: 0.2)
            let y = conv2d(x, weight: w, stride: stride, padding: padding, dilation: dilation)
            let dy = random.tensor(shape: y.shape, scale: 1)
            let result = conv2dBackward(outputGradient: dy, input: x, weight: w, stride: stride, padding: padding,
                                        dilation: dilation)
            let dx = try Fixtures.tensor("training_backward/conv/\(name)_dx.npy")
            let dw = try Fixtures.tensor("training_backward/conv/\(name)_dw.npy")
            let db = try Fixtures.tensor("training_backward/conv/\(name)_db.npy")
            // Reductions over up to 2·90 pixels (dW, db) or 7·7·8 taps (dx): 1e-5 relative plus
            // an absolute floor for terms that cancel.
            assertClose(result.input!, dx, atol: 1e-5, rtol: 1e-5, "dx \(name)")
            assertClose(result.weight, dw, atol: 2e-5, rtol: 1e-5, "dW \(name)")
            assertClose(result.bias, db, atol: 2e-5, rtol: 1e-5, "db \(name)")
            worst = max(worst, relativeToPeak(result.input!, dx), relativeToPeak(result.weight, dw),
                        relativeToPeak(result.bias, db))
        }
        print("conv2dBackward vs PyTorch: 7 geometries, max error relative to peak \(worst)")
    }
}
