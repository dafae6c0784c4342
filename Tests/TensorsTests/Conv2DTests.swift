// conv2d against its naive twin (seven plain loops) on seeded random geometries: kernels 1, 3
// and 7, strides 1 and 2, padding, dilation 1 and 2, batch 1-2, odd spatial sizes, with and
// without bias and ReLU; and the im2col panel packer against the explicit im2col matrix.
import XCTest
@testable import Tensors
import TestSupport

final class Conv2DTests: XCTestCase {
    private func pick<T>(_ values: [T], _ random: inout SeededRandom) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }

    private func between(_ low: Int, _ high: Int, _ random: inout SeededRandom) -> Int {
        low + Int(random.next() % UInt64(high - low + 1))
    }

    func testMatchesNaiveOnRandomGeometries() {
        var random = SeededRandom(seed: 9)
        var worst: Float = 0
        var count = 0
        while count < 210 {
            let kernel = (pick([1, 1, 3, 3, 3, 7], &random), 0)
            let kh = kernel.0, kw = random.next() % 5 == 0 ? pick([1, 3, 5], &random) : kernel.0
            let stride = (pick([1, 2], &random), pick([1, 2], &random))
            let dilation = (pick([1, 1, 2], &random), pick([1, 1, 2], &random))
            let padding = (between(0, kh / 2 + 1, &random), between(0, kw / 2 + 1, &random))
            let batch = between(1, 2, &random)
            let channels = between(1, 20, &random)
            let outChannels = between(1, 40, &random)
            let height = between(1, 25, &random), width = between(1, 25, &random)
            let spanY = dilation.0 * (kh - 1) + 1, spanX = dilation.1 * (kw - 1) + 1
            guard height + 2 * padding.0 >= spanY, width + 2 * padding.1 >= spanX else { continue }
            count += 1
            let hasBias = random.next() % 3 != 0
            let activation: Activation = random.next() % 2 == 0 ? .relu : .identity
            let input = random.tensor(shape: [batch, channels, height, width], scale: 1)
            let weight = random.tensor(shape: [outChannels, channels, kh, kw], scale: 0.3)
            let bias = hasBias ? random.tensor(shape: [outChannels], scale: 0.5) : nil
            let fast = conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding,
                              dilation: dilation, activation: activation)
            let naive = conv2dNaive(input, weight: weight, bias: bias, stride: stride, padding: padding,
                                    dilation: dilation, activation: activation)
            let description = "input \(input.shape) weight \(weight.shape) stride \(stride) padding \(padding) dilation \(dilation) bias \(hasBias) \(activation)"
            assertClose(fast, naive, atol: 2e-5, rtol: 1e-5, description)
            worst = max(worst, zip(fast.scalars, naive.scalars).map { abs($0 - $1) }.max() ?? 0)
        }
        print("conv2d vs naive: \(count) geometries, max |difference| \(worst)")
    }

    func testIm2ColPanelsEqualExplicitIm2Col() {
        // Every packed panel from the image must equal the same panel packed from the explicit
        // im2col matrix, bit for bit, including panels that wrap rows and hit the padding.
        var random = SeededRandom(seed: 10)
        let geometries = [
            Conv2DGeometry(channels: 3, height: 23, width: 21, kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
            Conv2DGeometry(channels: 4, height: 40, width: 37, kernel: (3, 3), stride: (1, 1), padding: (1, 1)),
            Conv2DGeometry(channels: 2, height: 9, width: 70, kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
            Conv2DGeometry(channels: 5, height: 11, width: 50, kernel: (3, 2), stride: (1, 2), padding: (2, 0),
                           dilation: (2, 3)),
            Conv2DGeometry(channels: 6, height: 8, width: 33, kernel: (1, 1), stride: (2, 2)),
        ]
        for g in geometries {
            let image = random.tensor(shape: [g.channels, g.height, g.width], scale: 1).scalars
            var matrix = [Float](repeating: .nan, count: g.patchSize * g.outputPixels)
            image.withUnsafeBufferPointer { image in
                matrix.withUnsafeMutableBufferPointer { im2col(image.baseAddress!, geometry: g, into: $0.baseAddress!) }
                matrix.withUnsafeBufferPointer { matrix in
                    let direct = Im2ColPanelSource(image: image.baseAddress!, geometry: g)
                    let explicit = MatrixPanelSource(base: matrix.baseAddress!, ld: g.outputPixels, transposed: false)
                    var fromImage = [Float](repeating: .nan, count: 16 * g.patchSize)
                    var fromMatrix = [Float](repeating: .nan, count: 16 * g.patchSize)
                    for j0 in stride(from: 0, to: g.outputPixels, by: 16) {
                        let width = min(16, g.outputPixels - j0)
                        for p0 in Set([0, min(2, g.patchSize - 1)]) {
                            let kc = g.patchSize - p0
                            fromImage.withUnsafeMutableBufferPointer {
                                direct.pack(into: $0.baseAddress!, p0: p0, kc: kc, j0: j0, width: width)
                            }
                            fromMatrix.withUnsafeMutableBufferPointer {
                                explicit.pack(into: $0.baseAddress!, p0: p0, kc: kc, j0: j0, width: width)
                            }
                            XCTAssertEqual(Array(fromImage[0..<16 * kc]), Array(fromMatrix[0..<16 * kc]),
                                           "\(g) panel at column \(j0), row \(p0)")
                        }
                    }
                }
            }
        }
    }

    func testBatchNormFoldingMatchesConvThenNorm() {
        // Folding against the definition computed here: BN(conv(x)) per output channel.
        var random = SeededRandom(seed: 12)
        let input = random.tensor(shape: [1, 3, 7, 6], scale: 1)
        let weight = random.tensor(shape: [5, 3, 3, 3], scale: 0.3)
        let gamma = random.tensor(shape: [5], scale: 1)
        let beta = random.tensor(shape: [5], scale: 1)
        let mean = random.tensor(shape: [5], scale: 1)
        var variance = random.tensor(shape: [5], scale: 1)
        variance.scalars = variance.scalars.map { $0 * $0 + 0.05 }
        let plain = conv2dNaive(input, weight: weight, padding: (1, 1))
        var expected = plain
        let pixels = 7 * 6
        for o in 0..<5 {
            let scale = gamma.scalars[o] / (variance.scalars[o] + 1e-5).squareRoot()
            for i in 0..<pixels {
                let x = plain.scalars[o * pixels + i]
                expected.scalars[o * pixels + i] = (x - mean.scalars[o]) * scale + beta.scalars[o]
            }
        }
        let folded = foldBatchNorm(weight: weight, gamma: gamma, beta: beta, runningMean: mean,
                                   runningVariance: variance)
        let actual = conv2d(input, weight: folded.weight, bias: folded.bias, padding: (1, 1))
        assertClose(actual, expected, atol: 1e-5, rtol: 1e-5)
    }
}
