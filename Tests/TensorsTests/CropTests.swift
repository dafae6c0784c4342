// Crop against PyTorch slicing x[..., top:top+h, left:left+w] (Fixtures/ops/crop, made by
// Fixtures/Generators/ops.py).
import XCTest
import Tensors
import TestSupport

final class CropTests: XCTestCase {
    /// (case, seed, shape, (top, left, height, width)) — the CROP table of ops.py.
    private let cases: [(String, UInt64, [Int], (Int, Int, Int, Int))] = [
        ("inner", 801, [2, 3, 6, 9], (1, 2, 4, 5)),
        ("whole", 802, [1, 2, 3, 4], (0, 0, 3, 4)),
        ("one_pixel", 803, [1, 2, 5, 5], (4, 0, 1, 1)),
        ("top_left_rank3", 804, [3, 7, 8], (0, 0, 5, 3)),
    ]

    func testMatchesPyTorchSlicingExactly() throws {
        for (name, seed, shape, (top, left, height, width)) in cases {
            let expected = try Fixtures.tensor("ops/crop/\(name).npy")
            assertGolden(crop(seededTensor(seed, shape), top: top, left: left, height: height, width: width),
                         expected, atol: 0, rtol: 0, "crop \(name)")
        }
    }
}
