// StateDict: ordered access, typed accessors, prefix removal, and `bind`, which must report
// every missing, unexpected and wrongly shaped name in one error.
import XCTest
import Checkpoints
import Tensors

final class StateDictTests: XCTestCase {
    private let dict = StateDict([
        ("conv.weight", CheckpointTensor(Tensor(shape: [2, 1], scalars: [1, 2]))),
        ("conv.bias", CheckpointTensor(Tensor(shape: [2], scalars: [3, 4]), dtype: .float16)),
        ("bn.num_batches_tracked", CheckpointTensor(shape: [], integers: [9])),
        ("fc.weight", CheckpointTensor(Tensor(shape: [3], scalars: [5, 6, 7]))),
    ])

    func testAccessors() throws {
        XCTAssertEqual(dict.names, ["conv.weight", "conv.bias", "bn.num_batches_tracked", "fc.weight"])
        XCTAssertEqual(try dict.tensor("conv.bias").scalars, [3, 4])
        XCTAssertEqual(try dict.integers("bn.num_batches_tracked"), [9])
        XCTAssertThrowsError(try dict.tensor("nope")) { XCTAssertEqual($0 as? StateDictError, .missing("nope")) }
        XCTAssertThrowsError(try dict.tensor("bn.num_batches_tracked")) {
            XCTAssertEqual($0 as? StateDictError, .notFloatingPoint("bn.num_batches_tracked", .int64))
        }
        XCTAssertThrowsError(try dict.integers("fc.weight")) { XCTAssertEqual($0 as? StateDictError, .notInteger("fc.weight", .float32)) }
        XCTAssertEqual(dict.removingPrefix("conv.").names, ["weight", "bias"])
        var edited = dict
        edited["conv.bias"] = nil
        edited["extra"] = CheckpointTensor(shape: [1], integers: [1], dtype: .bool)
        XCTAssertEqual(edited.names, ["conv.weight", "bn.num_batches_tracked", "fc.weight", "extra"])
        XCTAssertEqual(CheckpointTensor(shape: [2], integers: [1, 0], dtype: .bool).floatTensor().scalars, [1, 0])
    }

    func testBindReportsEverythingAtOnce() throws {
        let expected: [(name: String, shape: [Int])] = [
            ("conv.weight", [2, 1]), ("conv.bias", [3]), ("layer.weight", [4]), ("fc.weight", [3]), ("fc.bias", [2]),
        ]
        XCTAssertThrowsError(try dict.bind(expected: expected)) { error in
            guard let mismatch = error as? StateDictMismatch else { return XCTFail("\(error)") }
            XCTAssertEqual(mismatch.missing, ["layer.weight", "fc.bias"])
            XCTAssertEqual(mismatch.unexpected, ["bn.num_batches_tracked"])
            XCTAssertEqual(mismatch.wrongShape, [.init(name: "conv.bias", expected: [3], actual: [2])])
            XCTAssertEqual(mismatch.description, "state dict does not match the network: 2 missing (layer.weight, fc.bias); "
                           + "1 unexpected (bn.num_batches_tracked); 1 with a wrong shape (conv.bias: expected [3], found [2])")
        }
        let exact: [(name: String, shape: [Int])] = [("conv.weight", [2, 1]), ("conv.bias", [2]), ("fc.weight", [3])]
        XCTAssertNoThrow(try dict.bind(expected: exact, ignoring: { $0.hasSuffix("num_batches_tracked") }))
        XCTAssertThrowsError(try dict.bind(expected: exact)) {
            XCTAssertEqual(($0 as? StateDictMismatch)?.unexpected, ["bn.num_batches_tracked"])
        }
    }
}
