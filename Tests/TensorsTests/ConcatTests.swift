// Channel concatenation against torch.cat(parts, dim=1) (Fixtures/ops/concat, made by
// Fixtures/Generators/ops.py).
import XCTest
import Tensors
import TestSupport

final class ConcatTests: XCTestCase {
    /// The CONCAT table of ops.py: part i is seededTensor(seed + i, shape_i).
    private let cases: [(String, UInt64, [[Int]])] = [
        ("three_parts", 1001, [[2, 3, 4, 5], [2, 1, 4, 5], [2, 4, 4, 5]]),
        ("one_pixel", 1011, [[1, 2, 1, 1], [1, 3, 1, 1]]),
    ]

    func testMatchesPyTorchExactly() throws {
        for (name, seed, shapes) in cases {
            let parts = shapes.enumerated().map { seededTensor(seed + UInt64($0.offset), $0.element) }
            let expected = try Fixtures.tensor("ops/concat/\(name).npy")
            assertGolden(concatChannels(parts), expected, atol: 0, rtol: 0, "concat \(name)")
        }
    }

    func testSinglePartAndEmptyPartsAreIdentity() {
        let x = seededTensor(1020, [2, 3, 2, 5])
        XCTAssertEqual(concatChannels([x]), x)
        XCTAssertEqual(concatChannels([Tensor(shape: [2, 0, 2, 5]), x, Tensor(shape: [2, 0, 2, 5])]), x)
    }
}
