// SeededRandom must equal the Python twin (Fixtures/Generators/seeded_random.py) bit for bit:
// later golden tests rebuild full-size weights from seeds on both sides.
import XCTest
import Tensors
import TestSupport

final class SeededRandomTests: XCTestCase {
    func testBitsEqualPythonTwin() throws {
        for seed: UInt64 in [42, 0xFFFF_FFFF_FFFF_FFF0] {
            let expected = try Fixtures.array("seeded_random/bits_\(seed).npy").int64s().map { UInt64(bitPattern: $0) }
            var random = SeededRandom(seed: seed)
            let actual = (0..<expected.count).map { _ in random.next() }
            XCTAssertEqual(actual, expected, "seed \(seed)")
        }
    }

    func testSymmetricTensorEqualsPythonTwinExactly() throws {
        for seed: UInt64 in [42, 0xFFFF_FFFF_FFFF_FFF0] {
            let expected = try Fixtures.tensor("seeded_random/symmetric_\(seed).npy")
            var random = SeededRandom(seed: seed)
            let actual = random.tensor(shape: [4, 5, 3], scale: 0.75)
            assertClose(actual, expected, atol: 0, rtol: 0, "seed \(seed)")
        }
    }
}
