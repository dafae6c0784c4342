// Max pooling against PyTorch's F.max_pool2d (Fixtures/ops/max_pool, made by
// Fixtures/Generators/ops.py), including 1-pixel maps and NaN windows, and the separable fast
// kernel against its window-scanning naive twin on 300 seeded random geometries.
import XCTest
import Tensors
import TestSupport

final class MaxPoolTests: XCTestCase {
    /// (case, seed, shape, kernel, stride, padding) — the MAX_POOL table of ops.py.
    private let cases: [(String, UInt64, [Int], Int, Int, Int)] = [
        ("resnet_odd", 401, [1, 3, 9, 11], 3, 2, 1),
        ("resnet_even", 402, [2, 2, 8, 8], 3, 2, 1),
        ("k2_s2", 403, [1, 2, 7, 7], 2, 2, 0),
        ("k3_s1_p1", 404, [1, 2, 10, 13], 3, 1, 1),
        ("k5_s3_p2", 405, [1, 2, 6, 5], 5, 3, 2),
        ("one_pixel_k3_s2_p1", 406, [1, 2, 1, 1], 3, 2, 1),
        ("one_pixel_k1", 407, [1, 1, 1, 1], 1, 1, 0),
        ("wide_rank3", 408, [2, 3, 37], 3, 2, 1),
        ("nan", 409, [1, 2, 7, 9], 3, 2, 1),
    ]

    func testMatchesPyTorchExactly() throws {
        for (name, seed, shape, kernel, stride, padding) in cases {
            var x = seededTensor(seed, shape)
            if name == "nan" { for i in [5, 40, 100] { x.scalars[i] = .nan } }  // NAN_INDICES
            let expected = try Fixtures.tensor("ops/max_pool/\(name).npy")
            assertGolden(maxPool2d(x, kernel: kernel, stride: stride, padding: padding), expected,
                         atol: 0, rtol: 0, "max_pool \(name)")
            assertClose(maxPool2dNaive(x, kernel: kernel, stride: stride, padding: padding), expected,
                        atol: 0, rtol: 0, "max_pool naive \(name)")
        }
    }

    func testFastEqualsNaiveOnRandomGeometries() {
        var random = SeededRandom(seed: 0x3A_0001)
        for trial in 0 ..< 300 {
            let kernel = random.int(in: 1 ... 5)
            let stride = random.int(in: 1 ... 4)
            let padding = random.int(in: 0 ... kernel / 2)
            let height = random.int(in: max(1, kernel - 2 * padding) ... 23)
            let width = random.int(in: max(1, kernel - 2 * padding) ... 29)
            let shape = [random.int(in: 1 ... 2), random.int(in: 1 ... 3), height, width]
            var x = random.tensor(shape: shape, scale: 5)
            if trial % 10 == 0 { x.scalars[random.int(in: 0 ... x.count - 1)] = .nan }
            let fast = maxPool2d(x, kernel: kernel, stride: stride, padding: padding)
            let naive = maxPool2dNaive(x, kernel: kernel, stride: stride, padding: padding)
            assertClose(fast, naive, atol: 0, rtol: 0,
                        "trial \(trial): \(shape) kernel \(kernel) stride \(stride) padding \(padding)")
        }
    }

    func testDefaultStrideIsKernel() {
        let x = seededTensor(0x3A_0002, [1, 2, 9, 10])
        XCTAssertEqual(maxPool2d(x, kernel: 3), maxPool2dNaive(x, kernel: 3, stride: 3, padding: 0))
    }

    func testLargeInputUsesConcurrentPathCorrectly() {
        let x = seededTensor(0x3A_0003, [1, 64, 63, 65])
        XCTAssertEqual(maxPool2d(x, kernel: 3, stride: 2, padding: 1),
                       maxPool2dNaive(x, kernel: 3, stride: 2, padding: 1))
    }
}
