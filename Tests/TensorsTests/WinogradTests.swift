// conv2dWinograd (F(4×4, 3×3)) against the direct convolution evaluated in Double, on seeded
// random geometries: H, W not multiples of 4 and below 4, padding 0-2, batch 1-3, channels 1-70,
// with and without bias and ReLU; the filter transform against G g Gᵀ written out; and a
// ResNet-sized layer (256 channels, 47×63) against the im2col path of conv2d.
import XCTest
@testable import Tensors
import TestSupport

final class WinogradTests: XCTestCase {
    /// The direct convolution in Double, and per output Σ|x·w| + |b| (the scale of its rounding).
    private func directReference(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?, padding: (Int, Int),
                                 activation: Activation) -> (output: Tensor, scale: [Double]) {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        let outH = height + 2 * padding.0 - 2, outW = width + 2 * padding.1 - 2
        var output = Tensor(shape: [batch, outChannels, outH, outW])
        var scale = [Double](repeating: 0, count: output.count)
        for n in 0 ..< batch {
            for o in 0 ..< outChannels {
                for oy in 0 ..< outH {
                    for ox in 0 ..< outW {
                        var sum = Double(bias?.scalars[o] ?? 0), magnitude = abs(sum)
                        for c in 0 ..< channels {
                            for ky in 0 ..< 3 {
                                let iy = oy - padding.0 + ky
                                guard iy >= 0 && iy < height else { continue }
                                for kx in 0 ..< 3 {
                                    let ix = ox - padding.1 + kx
                                    guard ix >= 0 && ix < width else { continue }
                                    let product = Double(input.scalars[((n * channels + c) * height + iy) * width + ix])
                                        * Double(weight.scalars[((o * channels + c) * 3 + ky) * 3 + kx])
                                    sum += product
                                    magnitude += abs(product)
                                }
                            }
                        }
                        let index = ((n * outChannels + o) * outH + oy) * outW + ox
                        output.scalars[index] = activation(Float(sum))
                        scale[index] = magnitude
                    }
                }
            }
        }
        return (output, scale)
    }

    func testMatchesDirectConvolutionInDouble() {
        var random = SeededRandom(seed: 31)
        var worstAbsolute: Float = 0
        var worstRelative: Float = 0  // |error| / max Σ|x·w| of the geometry
        var count = 0
        while count < 90 {
            let padding = (random.nextInt(in: 0 ... 2), random.nextInt(in: 0 ... 2))
            let height = random.nextInt(in: 1 ... 23), width = random.nextInt(in: 1 ... 29)
            guard height + 2 * padding.0 >= 3, width + 2 * padding.1 >= 3 else { continue }
            count += 1
            let batch = random.nextInt(in: 1 ... 3)
            let wide = count % 4 == 0
            let channels = wide ? random.nextInt(in: 33 ... 70) : random.nextInt(in: 1 ... 20)
            let outChannels = wide ? random.nextInt(in: 20 ... 70) : random.nextInt(in: 1 ... 24)
            let hasBias = random.nextInt(in: 0 ... 2) != 0
            let activation: Activation = random.nextBit() ? .relu : .identity
            let input = random.tensor(shape: [batch, channels, height, width], scale: 1)
            let weight = random.tensor(shape: [outChannels, channels, 3, 3], scale: 0.3)
            let bias = hasBias ? random.tensor(shape: [outChannels], scale: 0.5) : nil
            let fast = conv2dWinograd(input, weight: weight, bias: bias, padding: padding, activation: activation)
            let (reference, scale) = directReference(input, weight, bias, padding: padding, activation: activation)
            let peakScale = Float(scale.max() ?? 0)
            let description = "input \(input.shape) weight \(weight.shape) padding \(padding) bias \(hasBias) \(activation)"
            // F(4,3) rounding: a few ulps of the products' magnitude (transforms scale by up to 10 and 8).
            assertClose(fast, reference, atol: 1e-5 * peakScale, rtol: 1e-5, description)
            let error = zip(fast.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
            worstAbsolute = max(worstAbsolute, error)
            if peakScale > 0 { worstRelative = max(worstRelative, error / peakScale) }
        }
        print("conv2dWinograd vs Double direct conv: \(count) geometries, max |error| \(worstAbsolute), "
              + "max |error| / max Σ|x·w| \(worstRelative)")
    }

    func testAgreesWithNaiveTwinOnEdgeShapes() {
        // Outputs of 1×1, 1×N, partial tiles, padding 0 and 2, one channel and empty batches.
        var random = SeededRandom(seed: 32)
        let cases: [(n: Int, c: Int, k: Int, h: Int, w: Int, p: (Int, Int))] = [
            (1, 1, 1, 3, 3, (0, 0)), (1, 2, 3, 1, 1, (1, 1)), (2, 3, 2, 1, 9, (1, 0)), (1, 5, 4, 4, 4, (0, 0)),
            (1, 4, 3, 6, 6, (0, 0)), (3, 7, 9, 5, 70, (2, 1)), (1, 17, 8, 66, 3, (0, 2)), (0, 3, 2, 5, 5, (1, 1)),
        ]
        for (index, c) in cases.enumerated() {
            let input = random.tensor(shape: [c.n, c.c, c.h, c.w], scale: 1)
            let weight = random.tensor(shape: [c.k, c.c, 3, 3], scale: 0.5)
            let bias = random.tensor(shape: [c.k], scale: 0.5)
            let fast = conv2dWinograd(input, weight: weight, bias: bias, padding: c.p, activation: .relu)
            let naive = conv2dNaive(input, weight: weight, bias: bias, padding: c.p, activation: .relu)
            assertClose(fast, naive, atol: 1e-5, rtol: 1e-5, "case \(index)")
        }
    }

    func testFilterTransformIsGgGt() {
        // U = G g Gᵀ from the matrix G written out, in Double, for every (o, c) and position ξ.
        let gMatrix: [[Double]] = [[1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                                   [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1]]
        var random = SeededRandom(seed: 33)
        let (outChannels, inChannels) = (5, 11)
        let weight = random.tensor(shape: [outChannels, inChannels, 3, 3], scale: 1)
        let filter = WinogradFilter(weight)
        var expected = [Float](repeating: 0, count: 36 * outChannels * inChannels)
        for o in 0 ..< outChannels {
            for c in 0 ..< inChannels {
                for i in 0 ..< 6 {
                    for k in 0 ..< 6 {
                        var sum = 0.0
                        for a in 0 ..< 3 {
                            for b in 0 ..< 3 {
                                sum += gMatrix[i][a] * Double(weight[o, c, a, b]) * gMatrix[k][b]
                            }
                        }
                        expected[((6 * i + k) * outChannels + o) * inChannels + c] = Float(sum)
                    }
                }
            }
        }
        assertClose(filter.positions.flatMap { $0.unpacked() }, expected, atol: 1e-7, rtol: 1e-6)
    }

    func testResNetLayerMatchesIm2ColPath() {
        // layer3's 3×3 conv on a 375×500 photo at scale 1: 256 input channels at 47×63 (64 of the
        // 256 output channels, to keep the debug build's im2col reference quick).
        var random = SeededRandom(seed: 34)
        let input = relu(random.tensor(shape: [1, 256, 47, 63], scale: 1))

        let weight = random.tensor(shape: [64, 256, 3, 3], scale: 0.03)
        let bias = random.tensor(shape: [64], scale: 0.1)
        let fast = conv2dWinograd(input, weight: weight, bias: bias, activation: .relu)
        let im2col = conv2d(input, weight: weight, bias: bias, padding: (1, 1), activation: .relu)
        // Both round: the tolerance is relative to a bound of Σ|x·w| (max |x| · max_o Σ|w_o|).
        let taps = weight.count / weight.shape[0]
        let widest = (0 ..< weight.shape[0]).map { o in weight.scalars[o * taps ..< (o + 1) * taps].map(abs).reduce(0, +) }.max()!
        let scale = input.scalars.map(abs).max()! * widest
        let worst = zip(fast.scalars, im2col.scalars).map { abs($0 - $1) }.max()!
        assertClose(fast, im2col, atol: 1e-5 * scale, rtol: 1e-5)
        print("conv2dWinograd vs conv2d, 256→64 @47×63: max |difference| \(worst), Σ|x·w| bound \(scale), "
              + "peak \(im2col.scalars.map(abs).max()!)")
    }

    func testSameResultForEveryThreadCount() {
        var random = SeededRandom(seed: 35)
        let input = random.tensor(shape: [2, 24, 37, 29], scale: 1)
        let weight = random.tensor(shape: [40, 24, 3, 3], scale: 0.2)
        let saved = Parallelism.threadCount
        defer { Parallelism.threadCount = saved }
        Parallelism.threadCount = 1
        let single = conv2dWinograd(input, weight: weight, activation: .relu)
        Parallelism.threadCount = 2
        let double = conv2dWinograd(input, weight: weight, activation: .relu)
        XCTAssertEqual(single.scalars, double.scalars)
    }
}
