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

    /// The kc×16 values of each packed panel, without the padding between panels.
    private func panelContents(_ packed: [Float], kc: Int, panels: Int) -> [Float] {
        let stride = PanelRow.panelStride(kc: kc)
        return (0..<panels).flatMap { q in packed[q * stride ..< q * stride + 16 * kc] }
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
            Conv2DGeometry(channels: 2, height: 10, width: 64, kernel: (5, 5), stride: (3, 3), padding: (2, 2)),
            Conv2DGeometry(channels: 3, height: 6, width: 130, kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
        ]
        for g in geometries {
            let image = random.tensor(shape: [g.channels, g.height, g.width], scale: 1).scalars
            var matrix = [Float](repeating: .nan, count: g.patchSize * g.outputPixels)
            image.withUnsafeBufferPointer { image in
                matrix.withUnsafeMutableBufferPointer { im2col(image.baseAddress!, geometry: g, into: $0.baseAddress!) }
                matrix.withUnsafeBufferPointer { matrix in
                    let direct = Im2ColPanelSource(image: image.baseAddress!, geometry: g)
                    let explicit = MatrixPanelSource(base: matrix.baseAddress!, ld: g.outputPixels, transposed: false)
                    // Slices starting at several rows and columns (mid-row, wrapping rows, a
                    // ragged last panel), packed in two row ranges as two workers would.
                    let columnStarts = [0, 5, g.outputWidth, g.outputPixels / 2].filter { $0 < g.outputPixels }
                    for j0 in columnStarts {
                        for p0 in Set([0, min(2, g.patchSize - 1)]) {
                            let kc = g.patchSize - p0, nc = g.outputPixels - j0
                            let size = PanelRow.panelStride(kc: kc) * ((nc + 15) / 16)
                            var fromImage = [Float](repeating: .nan, count: size)
                            var fromMatrix = [Float](repeating: .nan, count: size)
                            for rows in [0..<kc / 2, kc / 2..<kc] {
                                fromImage.withUnsafeMutableBufferPointer {
                                    direct.pack(into: $0.baseAddress!, p0: p0, kc: kc, rows: rows, j0: j0, nc: nc)
                                }
                                fromMatrix.withUnsafeMutableBufferPointer {
                                    explicit.pack(into: $0.baseAddress!, p0: p0, kc: kc, rows: rows, j0: j0, nc: nc)
                                }
                            }
                            let image = panelContents(fromImage, kc: kc, panels: (nc + 15) / 16)
                            XCTAssertFalse(image.contains { $0.isNaN }, "\(g) slice \(p0), \(j0) left holes")
                            XCTAssertEqual(image, panelContents(fromMatrix, kc: kc, panels: (nc + 15) / 16),
                                           "\(g) slice at row \(p0), column \(j0)")
                        }
                    }
                }
            }
        }
    }

    func testTransposedMatrixPanelsEqualPlainPanels() {
        // The transposed matrix source must pack the same panels as the plain one.
        var random = SeededRandom(seed: 13)
        let k = 21, n = 37
        let b = random.tensor(shape: [k, n], scale: 1).scalars
        var bt = [Float](repeating: 0, count: n * k)
        for p in 0..<k { for j in 0..<n { bt[j * k + p] = b[p * n + j] } }
        let size = PanelRow.panelStride(kc: k) * 3
        var plain = [Float](repeating: .nan, count: size), transposed = plain
        b.withUnsafeBufferPointer { b in
            bt.withUnsafeBufferPointer { bt in
                plain.withUnsafeMutableBufferPointer {
                    MatrixPanelSource(base: b.baseAddress!, ld: n, transposed: false)
                        .pack(into: $0.baseAddress!, p0: 0, kc: k, rows: 0..<k, j0: 0, nc: n)
                }
                transposed.withUnsafeMutableBufferPointer {
                    MatrixPanelSource(base: bt.baseAddress!, ld: k, transposed: true)
                        .pack(into: $0.baseAddress!, p0: 0, kc: k, rows: 0..<k, j0: 0, nc: n)
                }
            }
        }
        let plainContents = panelContents(plain, kc: k, panels: 3)
        XCTAssertFalse(plainContents.contains { $0.isNaN })
        XCTAssertEqual(plainContents, panelContents(transposed, kc: k, panels: 3))
    }

    func testNoInputChannelsGivesActivatedBias() {
        let input = Tensor(shape: [2, 0, 3, 4])
        let weight = Tensor(shape: [3, 0, 3, 3])
        let bias = Tensor(shape: [3], scalars: [0.5, -1, 2])
        let fast = conv2d(input, weight: weight, bias: bias, padding: (1, 1), activation: .relu)
        let naive = conv2dNaive(input, weight: weight, bias: bias, padding: (1, 1), activation: .relu)
        XCTAssertEqual(fast, naive)
        XCTAssertEqual(fast.shape, [2, 3, 3, 4])
        XCTAssertEqual(Array(fast.scalars[0..<13]), [Float](repeating: 0.5, count: 12) + [0])
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
