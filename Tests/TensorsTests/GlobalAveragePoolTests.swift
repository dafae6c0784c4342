// Global average pooling against PyTorch's x.mean((2, 3), keepdim=True)
// (Fixtures/ops/global_average_pool, made by Fixtures/Generators/ops.py).
import XCTest
import Tensors
import TestSupport

final class GlobalAveragePoolTests: XCTestCase {
    /// The GLOBAL_AVERAGE_POOL table of ops.py.
    private let cases: [(String, UInt64, [Int])] = [
        ("odd", 501, [2, 5, 7, 9]),
        ("one_pixel", 502, [1, 3, 1, 1]),
        ("column", 503, [1, 4, 13, 1]),
        ("large_plane", 504, [1, 2, 45, 47]),
    ]

    func testMatchesPyTorch() throws {
        for (name, seed, shape) in cases {
            let expected = try Fixtures.tensor("ops/global_average_pool/\(name).npy")
            assertGolden(globalAveragePool(seededTensor(seed, shape)), expected,
                         atol: 1e-7, rtol: 1e-5, "global_average_pool \(name)")
        }
    }
}
