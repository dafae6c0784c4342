// GroupNorm against PyTorch's F.group_norm (Fixtures/ops/group_norm, made by
// Fixtures/Generators/ops.py) and the fast kernel against its Double-precision naive twin on
// 240 seeded random geometries.
import XCTest
import Tensors
import TestSupport

final class GroupNormTests: XCTestCase {
    /// (case, seed, shape, groups, input scale, affine) — the GROUP_NORM table of ops.py.
    private let cases: [(String, UInt64, [Int], Int, Float, Bool)] = [
        ("g4", 101, [2, 32, 3, 5], 4, 2, true),
        ("g8", 102, [2, 32, 3, 5], 8, 2, true),
        ("g16", 103, [1, 32, 4, 3], 16, 2, true),
        ("odd_g4", 104, [1, 12, 7, 1], 4, 3, true),
        ("single_element_groups", 105, [2, 8, 1, 1], 8, 1, true),
        ("offset_large_values", 106, [1, 16, 5, 9], 4, 1000, true),
        ("no_affine", 107, [2, 6, 5, 3], 3, 2, false),
        ("rank3", 108, [2, 8, 11], 2, 2, true),
    ]

    /// Outputs are normalised (order 1), so atol 1e-5 is 1e-5 of their scale. It is needed by
    /// `single_element_groups`: variance 0 makes rstd = 1/sqrt(eps) ≈ 316, and PyTorch's
    /// x·scale + (bias − mean·scale) then carries a rounding of about 1.5e-5, which the exact
    /// (x − mean)·scale + bias of both our versions does not; every other case stays below 2e-6.
    func testMatchesPyTorch() throws {
        for (name, seed, shape, groups, scale, affine) in cases {
            var random = SeededRandom(seed: seed)
            var x = random.tensor(shape: shape, scale: scale)
            if name == "offset_large_values" { x += 5000 }
            var weight: Tensor?, bias: Tensor?
            if affine {
                weight = random.tensor(shape: [shape[1]], scale: 0.5) + 1
                bias = random.tensor(shape: [shape[1]], scale: 1)
            }
            let expected = try Fixtures.tensor("ops/group_norm/\(name).npy")
            let fast = groupNorm(x, groups: groups, weight: weight, bias: bias, epsilon: 1e-5)
            assertGolden(fast, expected, atol: 1e-5, rtol: 1e-5, "group_norm \(name)")
            let naive = groupNormNaive(x, groups: groups, weight: weight, bias: bias, epsilon: 1e-5)
            assertGolden(naive, expected, atol: 1e-5, rtol: 1e-5, "group_norm naive \(name)")
        }
    }

    func testFastEqualsNaiveOnRandomGeometries() {
        var random = SeededRandom(seed: 0x6E_0001)
        var worst: Float = 0
        for trial in 0 ..< 240 {
            let groups = [1, 2, 3, 4, 8, 16][random.int(in: 0 ... 5)]
            let channels = groups * random.int(in: 1 ... 3)
            let rank = random.int(in: 2 ... 4)
            var shape = [random.int(in: 1 ... 2), channels]
            for _ in 2 ..< rank { shape.append(random.int(in: 1 ... 19)) }
            let scale = Float([0.5, 3, 40][random.int(in: 0 ... 2)])
            var x = random.tensor(shape: shape, scale: scale)
            if trial % 5 == 0 { x += 7 * scale }  // a large mean tests the centred second pass
            let weight = random.tensor(shape: [channels], scale: 1)
            let bias = random.tensor(shape: [channels], scale: 1)
            let affine = trial % 7 != 0
            let fast = groupNorm(x, groups: groups, weight: affine ? weight : nil,
                                 bias: affine ? bias : nil)
            let naive = groupNormNaive(x, groups: groups, weight: affine ? weight : nil,
                                       bias: affine ? bias : nil)
            worst = max(worst, maxErrors(fast, naive).absolute)
            assertClose(fast, naive, atol: 1e-5, rtol: 1e-5, "trial \(trial) shape \(shape) groups \(groups)")
        }
        print("group_norm fast vs naive: max |diff| \(worst) over 240 geometries")
    }

    func testLargeGroupUsesConcurrentPathCorrectly() {
        // 2 × 16 groups of 16·64·64 elements: big enough to run on several threads.
        let x = seededTensor(0x6E_0002, [2, 256, 32, 64], scale: 3) + 1
        let weight = seededTensor(0x6E_0003, [256], scale: 1)
        let bias = seededTensor(0x6E_0004, [256], scale: 1)
        let fast = groupNorm(x, groups: 16, weight: weight, bias: bias)
        let naive = groupNormNaive(x, groups: 16, weight: weight, bias: bias)
        print("group_norm large: max |diff| \(maxErrors(fast, naive).absolute)")
        assertClose(fast, naive, atol: 1e-5, rtol: 1e-5)
    }
}
