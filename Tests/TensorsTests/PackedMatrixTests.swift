// Weights packed ahead of time (PackedMatrix, ConvolutionWeight) give bit-identical products:
// gemm with a packed A against gemm with the plain A on seeded random geometries (both
// transposes of A, several k-slices, rows no multiple of the 6-row panel, k = 0), and conv2d
// with a ConvolutionWeight against conv2d with the plain weight (1×1, 3×3 strided, dilated).
import XCTest
@testable import Tensors
import TestSupport

final class PackedMatrixTests: XCTestCase {
    func testPackedGEMMEqualsPlainGEMMBitForBit() {
        var random = SeededRandom(seed: 77)
        let shapes: [(Int, Int, Int)] = [(1, 1, 1), (7, 33, 257), (64, 100, 64), (145, 40, 600), (13, 300, 5),
                                         (300, 17, 513), (6, 16, 256), (50, 1, 2000)]
        for (index, (m, n, k)) in shapes.enumerated() {
            let transposeA = index % 2 == 1
            let lda = (transposeA ? m : k) + index % 3
            let a = random.tensor(shape: [(transposeA ? k : m) * lda], scale: 1).scalars
            let b = random.tensor(shape: [k * n], scale: 1).scalars
            let c0 = random.tensor(shape: [m * n], scale: 1).scalars
            let bias = random.tensor(shape: [m], scale: 1).scalars
            let beta: Float = index % 2 == 0 ? 0 : 0.5
            var plain = c0
            gemm(transposeA: transposeA, m: m, n: n, k: k, alpha: 1.5, a: a, lda: lda, b: b, ldb: n,
                 beta: beta, c: &plain, ldc: n, rowBias: bias, activation: .relu)
            let packed = a.withUnsafeBufferPointer {
                PackedMatrix($0.baseAddress!, rows: m, columns: k, ld: lda, transposed: transposeA)
            }
            XCTAssertEqual(packed.rows, m)
            XCTAssertEqual(packed.columns, k)
            let plainA = (0 ..< m * k).map { e in transposeA ? a[(e % k) * lda + e / k] : a[(e / k) * lda + e % k] }
            XCTAssertEqual(packed.unpacked(), plainA)
            var fast = c0
            b.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bias in
                    fast.withUnsafeMutableBufferPointer { c in
                        gemm(packed, n: n, alpha: 1.5, b: b.baseAddress!, ldb: n, beta: beta, c: c.baseAddress!,
                             ldc: n, rowBias: bias.baseAddress, activation: .relu)
                    }
                }
            }
            XCTAssertEqual(fast, plain, "m \(m) n \(n) k \(k) transposeA \(transposeA)")
        }
    }

    func testPackedGEMMWithZeroDepthAppliesTheEpilogue() {
        let packed = PackedMatrix(weight: Tensor(shape: [2, 0], scalars: []))
        var c: [Float] = [1, -2, 3, -4, 5, -6]
        let b: [Float] = [0]
        let bias: [Float] = [0.5, -0.5]
        b.withUnsafeBufferPointer { b in
            bias.withUnsafeBufferPointer { bias in
                c.withUnsafeMutableBufferPointer { c in
                    gemm(packed, n: 3, b: b.baseAddress!, ldb: 3, beta: 2, c: c.baseAddress!, ldc: 3,
                         rowBias: bias.baseAddress, activation: .relu)
                }
            }
        }
        XCTAssertEqual(c, [2.5, 0, 6.5, 0, 9.5, 0])
    }

    func testConvolutionWeightEqualsPlainWeightBitForBit() {
        var random = SeededRandom(seed: 78)
        // (Cin, Cout, kernel, stride, padding, dilation, H, W)
        let cases = [(16, 70, 1, 1, 0, 1, 9, 23), (3, 64, 7, 2, 3, 1, 31, 40), (40, 9, 3, 1, 2, 2, 17, 12),
                     (300, 13, 3, 2, 1, 1, 11, 10)]
        for (inChannels, outChannels, kernel, stride, padding, dilation, height, width) in cases {
            let input = random.tensor(shape: [2, inChannels, height, width], scale: 1)
            let weight = random.tensor(shape: [outChannels, inChannels, kernel, kernel], scale: 0.2)
            let bias = random.tensor(shape: [outChannels], scale: 1)
            let plain = conv2d(input, weight: weight, bias: bias, stride: (stride, stride),
                               padding: (padding, padding), dilation: (dilation, dilation), activation: .relu)
            let packed = conv2d(input, weight: ConvolutionWeight(weight), bias: bias, stride: (stride, stride),
                                padding: (padding, padding), dilation: (dilation, dilation), activation: .relu)
            XCTAssertEqual(packed.shape, plain.shape)
            XCTAssertEqual(packed.scalars, plain.scalars, "\(inChannels)→\(outChannels) k\(kernel)/\(stride)")
        }
    }
}
