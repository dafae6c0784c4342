// Frozen batch norm and group norm gradients: finite differences of Double forwards, the fast
// group-norm backward against its Double twin on random shapes (including offset means), and
// PyTorch autograd's dx, dγ, dβ for group norm.
import XCTest
import Tensors
import Training
import TestSupport

final class NormalizationBackwardTests: XCTestCase {
    func testFrozenBatchNormForwardAndFiniteDifferences() {
        var random = SeededRandom(seed: 40)
        let shape = [2, 3, 4, 5]
        let x = random.tensor(shape: shape, scale: 2)
        let gamma = random.tensor(shape: [3], scale: 1) + 1
        let beta = random.tensor(shape: [3], scale: 1)
        let mean = random.tensor(shape: [3], scale: 0.5)
        var variance = random.tensor(shape: [3], scale: 0.5)
        variance += 1
        let layer = FrozenBatchNorm(gamma: gamma, beta: beta, runningMean: mean, runningVariance: variance)
        func forward(_ x: [Double], _ g: [Double], _ b: [Double]) -> [Double] {
            frozenBatchNormDouble(x, channels: 3, spatial: 20, gamma: g, beta: b, mean: mean.doubles,
                                  variance: variance.doubles, epsilon: 1e-5)
        }
        // Forward: the affine map equals the definition within Float rounding.
        assertClose(layer(x), Tensor(shape: shape, doubles: forward(x.doubles, gamma.doubles, beta.doubles)),
                    atol: 1e-6, rtol: 1e-6, "forward")
        let dy = random.tensor(shape: shape, scale: 1)
        let gradients = layer.backward(outputGradient: dy, input: x)
        XCTAssertEqual(layer.inputGradient(outputGradient: dy), gradients.input)
        assertGradient(gradients.input, numericalGradient(at: x.doubles, step: 1e-3) {
            dot(dy.doubles, forward($0, gamma.doubles, beta.doubles)) }, tolerance: 1e-6, "dx")
        assertGradient(gradients.gamma, numericalGradient(at: gamma.doubles, step: 1e-3) {
            dot(dy.doubles, forward(x.doubles, $0, beta.doubles)) }, tolerance: 1e-6, "dγ")
        assertGradient(gradients.beta, numericalGradient(at: beta.doubles, step: 1e-3) {
            dot(dy.doubles, forward(x.doubles, gamma.doubles, $0)) }, tolerance: 1e-6, "dβ")
    }

    func testGroupNormFiniteDifferences() {
        // dx = r·(ĝ − mean ĝ − x̂·mean(ĝ·x̂)) nearly cancels in small groups (two elements: it
        // would vanish but for ε), so errors are measured against the size of its terms (1).
        var random = SeededRandom(seed: 41)
        var worst = 0.0
        for (shape, groups) in [([2, 4, 3, 5], 2), ([1, 6, 7], 3), ([2, 8, 1, 1], 4)] {
            let x = random.tensor(shape: shape, scale: 2)
            let gamma = random.tensor(shape: [shape[1]], scale: 0.5) + 1
            let beta = random.tensor(shape: [shape[1]], scale: 1)
            let dy = random.tensor(shape: shape, scale: 1)
            let spatial = shape.dropFirst(2).reduce(1, *)
            func loss(_ x: [Double], _ g: [Double], _ b: [Double]) -> Double {
                dot(dy.doubles, groupNormDouble(x, batch: shape[0], channels: shape[1], spatial: spatial,
                                                groups: groups, gamma: g, beta: b, epsilon: 1e-5))
            }
            for analytic in [groupNormBackward(outputGradient: dy, input: x, groups: groups, weight: gamma),
                             groupNormBackwardNaive(outputGradient: dy, input: x, groups: groups, weight: gamma)] {
                let name = "shape \(shape) groups \(groups)"
                worst = max(worst, assertGradient(analytic.input, numericalGradient(at: x.doubles, step: 1e-5) {
                    loss($0, gamma.doubles, beta.doubles) }, tolerance: 1e-5, floor: 1, "dx " + name))
                worst = max(worst, assertGradient(analytic.weight, numericalGradient(at: gamma.doubles, step: 1e-5) {
                    loss(x.doubles, $0, beta.doubles) }, tolerance: 1e-5, "dγ " + name))
                worst = max(worst, assertGradient(analytic.bias, numericalGradient(at: beta.doubles, step: 1e-5) {
                    loss(x.doubles, gamma.doubles, $0) }, tolerance: 1e-5, "dβ " + name))
            }
        }
        print("groupNormBackward vs finite differences: max error relative to peak \(worst)")
    }

    func testGroupNormMatchesNaiveOnRandomShapes() {
        var random = SeededRandom(seed: 42)
        var worst: Float = 0
        for trial in 0..<30 {
            let groups = [1, 2, 4, 8][trial % 4]
            let channels = groups * (1 + Int(random.next() % 4))
            let shape = [1 + Int(random.next() % 2), channels, 1 + Int(random.next() % 13), 1 + Int(random.next() % 17)]
            var x = random.tensor(shape: shape, scale: 2)
            if trial % 3 == 0 { x += 50 }  // means far from zero
            let gamma = random.tensor(shape: [channels], scale: 0.5) + 1
            let dy = random.tensor(shape: shape, scale: 1)
            let fast = groupNormBackward(outputGradient: dy, input: x, groups: groups, weight: gamma)
            let naive = groupNormBackwardNaive(outputGradient: dy, input: x, groups: groups, weight: gamma)
            let name = "shape \(shape) groups \(groups)"
            assertClose(fast.input, naive.input, atol: 1e-5, rtol: 1e-4, "dx " + name)
            assertClose(fast.weight, naive.weight, atol: 1e-5, rtol: 1e-5, "dγ " + name)
            assertClose(fast.bias, naive.bias, atol: 1e-5, rtol: 1e-5, "dβ " + name)
            worst = max(worst, relativeToPeak(fast.input, naive.input), relativeToPeak(fast.weight, naive.weight))
        }
        // No weight means γ = 1.
        let x = random.tensor(shape: [2, 6, 3, 3], scale: 1), dy = random.tensor(shape: [2, 6, 3, 3], scale: 1)
        let ones = Tensor(shape: [6], repeating: 1)
        XCTAssertEqual(groupNormBackward(outputGradient: dy, input: x, groups: 3).input,
                       groupNormBackward(outputGradient: dy, input: x, groups: 3, weight: ones).input)
        print("groupNormBackward vs naive: 30 shapes, max error relative to peak \(worst)")
    }

    func testGroupNormMatchesPyTorch() throws {
        // training_backward.py GROUP_NORM: x (scale 2) + offset, weight 1 + U(-0.5, 0.5),
        // bias U(-1, 1), dy (scale 1).
        let cases: [(String, UInt64, [Int], Int, Float)] = [
            ("g4", 41, [2, 8, 5, 6], 4, 0), ("g2_offset", 42, [1, 16, 9, 13], 2, 3), ("g16", 43, [2, 32, 3, 4], 16, 0),
        ]
        var worst: Float = 0
        for (name, seed, shape, groups, offset) in cases {
            var random = SeededRandom(seed: seed)
            let x = random.tensor(shape: shape, scale: 2) + offset
            let gamma = random.tensor(shape: [shape[1]], scale: 0.5) + 1
            _ = random.tensor(shape: [shape[1]], scale: 1)  // β: no part in the gradients
            let dy = random.tensor(shape: shape, scale: 1)
            let result = groupNormBackward(outputGradient: dy, input: x, groups: groups, weight: gamma)
            let dx = try Fixtures.tensor("training_backward/group_norm/\(name)_dx.npy")
            let dw = try Fixtures.tensor("training_backward/group_norm/\(name)_dweight.npy")
            let db = try Fixtures.tensor("training_backward/group_norm/\(name)_dbias.npy")
            // dx subtracts two group means from ĝ, so small entries carry the groups' rounding:
            // 1e-5 relative plus an absolute floor of 1e-5 (entries are of order 1).
            assertClose(result.input, dx, atol: 1e-5, rtol: 1e-5, "dx \(name)")
            assertClose(result.weight, dw, atol: 1e-5, rtol: 1e-5, "dγ \(name)")
            assertClose(result.bias, db, atol: 1e-5, rtol: 1e-5, "dβ \(name)")
            worst = max(worst, relativeToPeak(result.input, dx), relativeToPeak(result.weight, dw),
                        relativeToPeak(result.bias, db))
        }
        print("groupNormBackward vs PyTorch: max error relative to peak \(worst)")
    }
}
