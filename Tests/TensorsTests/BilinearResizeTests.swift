// Bilinear resize against PyTorch's F.interpolate(mode='bilinear') in both the size form and
// the scale-factor form, with align_corners False and True (Fixtures/ops/resize, made by
// Fixtures/Generators/ops.py), and the row-caching fast kernel against its per-pixel naive twin
// on 400 seeded random geometries (odd sizes, 1-pixel maps, factors 0.37 … 4).
import XCTest
import Tensors
import TestSupport

final class BilinearResizeTests: XCTestCase {
    /// RESIZE_SIZE of ops.py: (case, seed, input shape, output size).
    private let sizeCases: [(String, UInt64, [Int], (Int, Int))] = [
        ("7x9_to_13x5", 601, [1, 2, 7, 9], (13, 5)),
        ("7x9_to_14x18", 602, [1, 2, 7, 9], (14, 18)),
        ("7x9_to_28x36", 603, [1, 1, 7, 9], (28, 36)),
        ("5x6_to_1x1", 604, [2, 1, 5, 6], (1, 1)),
        ("1x1_to_3x4", 605, [1, 2, 1, 1], (3, 4)),
        ("8x8_to_4x4", 606, [1, 2, 8, 8], (4, 4)),
        ("11x3_to_11x10", 607, [1, 2, 11, 3], (11, 10)),
        ("3x40_to_2x127", 608, [1, 2, 3, 40], (2, 127)),
    ]

    /// RESIZE_SCALE of ops.py: (case, seed, input shape, factor).
    private let scaleCases: [(String, UInt64, [Int], Double)] = [
        ("7x9_x2", 621, [1, 2, 7, 9], 2),
        ("7x9_x4", 622, [1, 1, 7, 9], 4),
        ("7x9_x0.5", 623, [1, 2, 7, 9], 0.5),
        ("7x9_x1.5", 624, [1, 2, 7, 9], 1.5),
        ("11x13_x0.37", 625, [1, 2, 11, 13], 0.37),
        ("3x3_x1.2_same_size", 626, [1, 1, 3, 3], 1.2),
        ("5x7_x2.6", 627, [1, 1, 5, 7], 2.6),
        ("1x1_x3", 628, [1, 2, 1, 1], 3),
        ("2x43_x3", 629, [1, 1, 2, 43], 3),
    ]

    func testSizeFormMatchesPyTorch() throws {
        for alignCorners in [false, true] {
            for (name, seed, shape, (height, width)) in sizeCases {
                let x = seededTensor(seed, shape)
                let label = "size_\(name)_\(alignCorners ? "ac" : "hp")"
                let expected = try Fixtures.tensor("ops/resize/\(label).npy")
                assertGolden(resizeBilinear(x, height: height, width: width, alignCorners: alignCorners),
                             expected, atol: 1e-6, rtol: 1e-5, label)
                assertClose(resizeBilinearNaive(x, height: height, width: width, alignCorners: alignCorners),
                            expected, atol: 1e-6, rtol: 1e-5, "naive " + label)
            }
        }
    }

    func testScaleFactorFormMatchesPyTorch() throws {
        for alignCorners in [false, true] {
            for (name, seed, shape, factor) in scaleCases {
                let x = seededTensor(seed, shape)
                let label = "scale_\(name)_\(alignCorners ? "ac" : "hp")"
                let expected = try Fixtures.tensor("ops/resize/\(label).npy")
                let fast = resizeBilinear(x, scaleFactor: factor, alignCorners: alignCorners)
                assertGolden(fast, expected, atol: 1e-6, rtol: 1e-5, label)
                let naive = resizeBilinearNaive(x, height: expected.shape[2], width: expected.shape[3],
                                                alignCorners: alignCorners, heightScale: factor,
                                                widthScale: factor)
                assertClose(naive, expected, atol: 1e-6, rtol: 1e-5, "naive " + label)
            }
        }
    }

    /// The factor form samples with 1/factor, not in/out: 5 → ⌊5·2.6⌋ = 13 differs from the size
    /// form 5 → 13 (ratio 5/13), and PyTorch's golden follows the factor.
    func testScaleFactorFormDiffersFromSizeFormWhereTorchDoes() throws {
        let x = seededTensor(627, [1, 1, 5, 7])
        let expected = try Fixtures.tensor("ops/resize/scale_5x7_x2.6_hp.npy")
        let sizeForm = resizeBilinear(x, height: 13, width: 18, alignCorners: false)
        XCTAssertGreaterThan(maxErrors(sizeForm, expected).absolute, 1e-3)
        assertClose(resizeBilinear(x, scaleFactor: 2.6, alignCorners: false), expected, atol: 1e-6, rtol: 1e-5)
    }

    func testFastEqualsNaiveOnRandomGeometries() {
        var random = SeededRandom(seed: 0xB1_0001)
        let factors: [Double] = [0.5, 1.5, 2, 4, 0.37, 1.2, 2.6, 3, 0.25, 1, 0.8, 1.75]
        var worst: Float = 0
        for trial in 0 ..< 400 {
            let shape = [random.int(in: 1 ... 2), random.int(in: 1 ... 3),
                         random.int(in: 1 ... 17), random.int(in: 1 ... 19)]
            let x = random.tensor(shape: shape, scale: 3)
            let alignCorners = trial % 2 == 1
            let fast: Tensor, naive: Tensor
            if trial % 4 < 2 {
                let height = random.int(in: 1 ... 40), width = random.int(in: 1 ... 41)
                fast = resizeBilinear(x, height: height, width: width, alignCorners: alignCorners)
                naive = resizeBilinearNaive(x, height: height, width: width, alignCorners: alignCorners)
            } else {
                let fy = factors[random.int(in: 0 ... factors.count - 1)]
                let fx = factors[random.int(in: 0 ... factors.count - 1)]
                let height = Int((Double(shape[2]) * fy).rounded(.down))
                let width = Int((Double(shape[3]) * fx).rounded(.down))
                guard height > 0, width > 0 else { continue }
                fast = resizeBilinear(x, heightScale: fy, widthScale: fx, alignCorners: alignCorners)
                naive = resizeBilinearNaive(x, height: height, width: width, alignCorners: alignCorners,
                                            heightScale: fy, widthScale: fx)
            }
            worst = max(worst, maxErrors(fast, naive).absolute)
            assertClose(fast, naive, atol: 1e-6, rtol: 1e-6, "trial \(trial): \(shape) → \(naive.shape)")
        }
        print("resize fast vs naive: max |diff| \(worst) over 400 geometries")
    }

    func testLargeResizeUsesConcurrentPathCorrectly() {
        let x = seededTensor(0xB1_0002, [1, 32, 33, 31])
        let fast = resizeBilinear(x, scaleFactor: 4, alignCorners: false)
        let naive = resizeBilinearNaive(x, height: 132, width: 124, alignCorners: false,
                                        heightScale: 4, widthScale: 4)
        assertClose(fast, naive, atol: 1e-6, rtol: 1e-6)
    }
}
