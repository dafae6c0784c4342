// Constant and replicate padding against PyTorch's F.pad (Fixtures/ops/padding, made by
// Fixtures/Generators/ops.py), and the row-copying kernels against their element-by-element
// naive twins on 250 seeded random geometries per mode.
import XCTest
import Tensors
import TestSupport

final class PaddingTests: XCTestCase {
    /// (case, seed, shape, (left, right, top, bottom), replicate, value) — PADDING in ops.py.
    private let cases: [(String, UInt64, [Int], (Int, Int, Int, Int), Bool, Float)] = [
        ("constant_mixed", 701, [1, 2, 5, 7], (1, 2, 3, 0), false, 0.5),
        ("constant_one_pixel", 702, [1, 1, 1, 1], (2, 2, 2, 2), false, 0),
        ("constant_bottom_right", 703, [2, 3, 5, 6], (0, 4, 0, 3), false, 0),
        ("replicate_mixed", 704, [1, 2, 5, 7], (2, 1, 0, 3), true, 0),
        ("replicate_one_pixel", 705, [1, 1, 1, 1], (2, 3, 1, 4), true, 0),
        ("replicate_wider_than_input", 706, [1, 1, 2, 3], (4, 5, 3, 2), true, 0),
    ]

    func testMatchesPyTorchExactly() throws {
        for (name, seed, shape, pads, replicate, value) in cases {
            let x = seededTensor(seed, shape)
            let (l, r, t, b) = pads
            let expected = try Fixtures.tensor("ops/padding/\(name).npy")
            let fast = replicate ? padReplicate(x, left: l, right: r, top: t, bottom: b)
                                 : padConstant(x, left: l, right: r, top: t, bottom: b, value: value)
            assertGolden(fast, expected, atol: 0, rtol: 0, "padding \(name)")
            let naive = replicate ? padReplicateNaive(x, left: l, right: r, top: t, bottom: b)
                                  : padConstantNaive(x, left: l, right: r, top: t, bottom: b, value: value)
            assertClose(naive, expected, atol: 0, rtol: 0, "padding naive \(name)")
        }
    }

    func testFastEqualsNaiveOnRandomGeometries() {
        var random = SeededRandom(seed: 0x9A_0001)
        for trial in 0 ..< 250 {
            let rank = random.int(in: 2 ... 4)
            let shape = (0 ..< rank).map { axis in axis < rank - 2 ? random.int(in: 1 ... 3)
                                                                   : random.int(in: 1 ... 17) }
            let x = random.tensor(shape: shape, scale: 2)
            let l = random.int(in: 0 ... 6), r = random.int(in: 0 ... 6)
            let t = random.int(in: 0 ... 6), b = random.int(in: 0 ... 6)
            let value = Float(random.int(in: -3 ... 3)) / 2
            assertClose(padConstant(x, left: l, right: r, top: t, bottom: b, value: value),
                        padConstantNaive(x, left: l, right: r, top: t, bottom: b, value: value),
                        atol: 0, rtol: 0, "constant trial \(trial): \(shape) pads \((l, r, t, b))")
            assertClose(padReplicate(x, left: l, right: r, top: t, bottom: b),
                        padReplicateNaive(x, left: l, right: r, top: t, bottom: b),
                        atol: 0, rtol: 0, "replicate trial \(trial): \(shape) pads \((l, r, t, b))")
        }
    }

    func testConstantPaddingOfEmptyPlaneIsAllValue() {
        let x = Tensor(shape: [1, 2, 0, 3])
        XCTAssertEqual(padConstant(x, left: 1, right: 0, top: 1, bottom: 1, value: 4),
                       Tensor(shape: [1, 2, 2, 4], repeating: 4))
    }
}
