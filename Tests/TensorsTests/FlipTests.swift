// Horizontal flip against torch.flip(x, [-1]) (Fixtures/ops/flip, made by
// Fixtures/Generators/ops.py); flipping twice gives the input back.
import XCTest
import Tensors
import TestSupport

final class FlipTests: XCTestCase {
    /// The FLIP table of ops.py.
    private let cases: [(String, UInt64, [Int])] = [
        ("nchw", 901, [2, 3, 4, 7]),
        ("one_column", 902, [1, 2, 3, 1]),
        ("rank1", 903, [9]),
    ]

    func testMatchesPyTorchExactly() throws {
        for (name, seed, shape) in cases {
            let x = seededTensor(seed, shape)
            let expected = try Fixtures.tensor("ops/flip/\(name).npy")
            assertGolden(flipHorizontal(x), expected, atol: 0, rtol: 0, "flip \(name)")
            XCTAssertEqual(flipHorizontal(flipHorizontal(x)), x, "flip \(name) twice")
        }
    }
}
