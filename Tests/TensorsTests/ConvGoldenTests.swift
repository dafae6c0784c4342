// conv2d, batch-norm folding and matmul against PyTorch (Fixtures/Generators/conv_ops.py):
// the same seeded inputs and weights are rebuilt here from SeededRandom, and whole outputs are
// compared with atol 1e-5·max|ref| and rtol 1e-5.
import XCTest
import Tensors
import TestSupport

final class ConvGoldenTests: XCTestCase {
    struct ConvCase {
        let name: String, seed: UInt64
        let input: [Int], weight: [Int], bias: Bool
        let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    }

    // Mirror of CONV_CASES in conv_ops.py.
    let cases = [
        ConvCase(name: "conv_stem_7x7s2", seed: 101, input: [2, 3, 23, 21], weight: [8, 3, 7, 7], bias: true,
                 stride: (2, 2), padding: (3, 3), dilation: (1, 1)),
        ConvCase(name: "conv_3x3s2", seed: 102, input: [1, 16, 17, 19], weight: [12, 16, 3, 3], bias: true,
                 stride: (2, 2), padding: (1, 1), dilation: (1, 1)),
        ConvCase(name: "conv_3x3_dilated", seed: 103, input: [2, 8, 13, 11], weight: [10, 8, 3, 3], bias: true,
                 stride: (1, 1), padding: (2, 2), dilation: (2, 2)),
        ConvCase(name: "conv_1x1", seed: 104, input: [1, 32, 9, 9], weight: [24, 32, 1, 1], bias: false,
                 stride: (1, 1), padding: (0, 0), dilation: (1, 1)),
        ConvCase(name: "conv_1x1s2", seed: 105, input: [2, 12, 15, 15], weight: [20, 12, 1, 1], bias: true,
                 stride: (2, 2), padding: (0, 0), dilation: (1, 1)),
        ConvCase(name: "conv_asymmetric", seed: 106, input: [1, 5, 14, 18], weight: [7, 5, 3, 5], bias: true,
                 stride: (1, 2), padding: (1, 2), dilation: (2, 1)),
        ConvCase(name: "conv_3x3_deep", seed: 107, input: [1, 40, 10, 12], weight: [20, 40, 3, 3], bias: true,
                 stride: (1, 1), padding: (1, 1), dilation: (1, 1)),
    ]

    private func compare(_ actual: Tensor, _ expected: Tensor, _ name: String) {
        let peak = expected.scalars.map(abs).max() ?? 0
        assertClose(actual, expected, atol: 1e-5 * peak, rtol: 1e-5, name)
        print("\(name): max |diff| / max |ref| = \(maxErrorRelativeToPeak(actual.scalars, expected.scalars))")
    }

    func testConv2DMatchesPyTorch() throws {
        for c in cases {
            var random = SeededRandom(seed: c.seed)
            let input = random.tensor(shape: c.input, scale: 1)
            let weight = random.tensor(shape: c.weight, scale: 0.2)
            let bias = c.bias ? random.tensor(shape: [c.weight[0]], scale: 0.1) : nil
            let expected = try Fixtures.tensor("conv_ops/\(c.name).npy")
            let fast = conv2d(input, weight: weight, bias: bias, stride: c.stride, padding: c.padding,
                              dilation: c.dilation)
            compare(fast, expected, c.name)
            let naive = conv2dNaive(input, weight: weight, bias: bias, stride: c.stride, padding: c.padding,
                                    dilation: c.dilation)
            compare(naive, expected, c.name + " (naive)")
        }
    }

    func testBatchNormFoldingMatchesPyTorch() throws {
        var random = SeededRandom(seed: 201)
        let input = random.tensor(shape: [2, 6, 11, 13], scale: 1)
        let weight = random.tensor(shape: [9, 6, 3, 3], scale: 0.2)
        let bias = random.tensor(shape: [9], scale: 0.1)
        var gamma = random.tensor(shape: [9], scale: 1)
        gamma.scalars = gamma.scalars.map { $0 + 1 }
        let beta = random.tensor(shape: [9], scale: 0.5)
        let mean = random.tensor(shape: [9], scale: 0.5)
        let variance = Tensor(shape: [9], scalars: (0..<9).map { _ in random.nextUnit() * 2 + 0.1 })
        let folded = foldBatchNorm(weight: weight, bias: bias, gamma: gamma, beta: beta,
                                   runningMean: mean, runningVariance: variance, epsilon: 1e-5)
        let output = conv2d(input, weight: folded.weight, bias: folded.bias, padding: (1, 1))
        compare(output, try Fixtures.tensor("conv_ops/batchnorm_folding.npy"), "batchnorm_folding")
        let fused = conv2d(input, weight: folded.weight, bias: folded.bias, padding: (1, 1), activation: .relu)
        compare(fused, try Fixtures.tensor("conv_ops/batchnorm_folding_relu.npy"), "batchnorm_folding_relu")
    }

    func testMatmulMatchesPyTorch() throws {
        var random = SeededRandom(seed: 301)
        let a = random.tensor(shape: [37, 53], scale: 1)
        let b = random.tensor(shape: [53, 29], scale: 1)
        compare(matmul(a, b), try Fixtures.tensor("conv_ops/matmul.npy"), "matmul")
    }
}
