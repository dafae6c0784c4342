// PyTorch checkpoints in the legacy layout (`_use_new_zipfile_serialization=False`), written
// by make_checkpoints.py: every tensor bitwise equal to PyTorch's (views, shared storages,
// storage offsets, every dtype, 0-d and empty tensors, a Parameter); malicious pickles refused
// by name without running; every truncation and byte corruption a typed error, never a crash.
import XCTest
import Checkpoints
import TestSupport

final class TorchLegacyTests: XCTestCase {
    private func legacy() throws -> [UInt8] { try Fixtures.bytes("checkpoints/state_legacy.pth") }

    func testStateDictEqualsPyTorch() throws {
        let checkpoint = try TorchCheckpoint(legacy: legacy())
        XCTAssertEqual(checkpoint.format, .legacy)
        let elements = try ExpectedTensors.assertMatches(checkpoint.stateDict(), folder: "checkpoints")
        print("legacy checkpoint: \(elements) elements bitwise equal to PyTorch")
    }

    func testReferencesKeepViewsParametersAndSharedStorages() throws {
        let checkpoint = try TorchCheckpoint(legacy: legacy())
        guard case .dict(let root) = checkpoint.root,
              case .tensor(let bias)? = root[string: "conv.bias"],
              case .tensor(let weight)? = root[string: "fc.weight"],
              case .tensor(let transposed)? = root[string: "fc.weight_t"],
              case .tensor(let slice)? = root[string: "slice"],
              case .tensor(let expanded)? = root[string: "expanded"] else {
            return XCTFail("unexpected root \(checkpoint.root.kind)")
        }
        XCTAssertTrue(bias.isParameter && bias.requiresGrad)
        XCTAssertFalse(weight.isParameter || weight.requiresGrad)
        XCTAssertEqual(transposed.storage.key, weight.storage.key, "transpose shares its storage")
        XCTAssertEqual(transposed.strides, [1, 4])
        XCTAssertEqual(slice.offset, 5)
        XCTAssertEqual(expanded.strides, [0, 1])
        XCTAssertEqual(weight.storage.dtype, .float32)
    }

    func testMaliciousPicklesAreRefusedByNameWithoutRunning() throws {
        Payload.clear()
        let cases: [(String, String, String)] = [
            ("malicious/builtins_eval_legacy.pth", "builtins", "eval"),      // protocol 4, STACK_GLOBAL
            ("malicious/os_system_legacy.pth", "os", "system"),
        ]
        for (path, module, name) in cases {
            XCTAssertThrowsError(try TorchCheckpoint(legacy: Fixtures.bytes("checkpoints/" + path))) { error in
                guard case .forbiddenGlobal(module, name, _)? = error as? PickleError else {
                    return XCTFail("\(path): \(error)")
                }
            }
        }
        Payload.assertDidNotRun()
    }

    func testEveryTruncationIsReportedAsTruncated() throws {
        let bytes = try legacy()
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try TorchCheckpoint(legacy: Array(bytes[0..<length])).stateDict()) { error in
                guard case .truncated? = error as? CheckpointError else {
                    return XCTFail("cut at \(length): \(error)")
                }
            }
        }
    }

    func testCorruptedBytesGiveTypedErrorsOrValues() throws {
        let bytes = try legacy()
        let outcomes = Corruption.outcomes(of: bytes, replacements: { $0 % 3 == 0 ? [$1 ^ 0xFF, 0x00] : [$1 ^ 0xFF] },
                                           isTyped: isReaderError) {
            _ = try TorchCheckpoint(legacy: $0).stateDict()
        }
        XCTAssertGreaterThan(outcomes.refused, bytes.count / 3)
        print("corrupted legacy checkpoints: \(outcomes.loaded) loaded, \(outcomes.refused) refused")
    }

    func testNotALegacyCheckpoint() throws {
        XCTAssertThrowsError(try TorchCheckpoint(legacy: Fixtures.bytes("checkpoints/state_zip.pth"))) {
            guard case .badMagic? = $0 as? CheckpointError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try TorchCheckpoint(legacy: Fixtures.bytes("checkpoints/pickles/containers_p2.pkl"))) {
            guard case .badMagic? = $0 as? CheckpointError else { return XCTFail("\($0)") }
        }
        var tar = [UInt8](repeating: 0, count: 1024)
        tar.replaceSubrange(257..<262, with: Array("ustar".utf8))
        XCTAssertThrowsError(try TorchCheckpoint(legacy: tar)) {
            XCTAssertEqual($0 as? CheckpointError, .unsupportedFormat("tar-based checkpoint of PyTorch < 0.4"))
        }
    }

    func testForgedReferencesAreRefused() throws {
        let checkpoint = try TorchCheckpoint(legacy: legacy())
        guard case .dict(let root) = checkpoint.root, case .tensor(let line)? = root[string: "slice"] else {
            return XCTFail("no slice")
        }
        // The storage behind "slice" holds 20 float32 values (80 bytes).
        var beyond = line
        beyond.offset = 14  // 14 + 7 elements > 20
        XCTAssertThrowsError(try checkpoint.tensor(beyond, name: "beyond")) {
            XCTAssertEqual($0 as? CheckpointError, .storageTooSmall(key: line.storage.key, tensor: "beyond", needed: 84, available: 80))
        }
        var missing = line
        missing.storage.key = "no such key"
        XCTAssertThrowsError(try checkpoint.tensor(missing, name: "missing")) {
            XCTAssertEqual($0 as? CheckpointError, .storageMissing(key: "no such key", tensor: "missing"))
        }
        var negative = line
        negative.strides = [-1]
        XCTAssertThrowsError(try checkpoint.tensor(negative, name: "negative")) {
            guard case .badLayout(tensor: "negative", reason: _)? = $0 as? CheckpointError else { return XCTFail("\($0)") }
        }
        var huge = line
        huge.shape = [1 << 40, 1 << 40]
        huge.strides = [0, 0]
        XCTAssertThrowsError(try checkpoint.tensor(huge, name: "huge")) {
            guard case .badLayout(tensor: "huge", reason: _)? = $0 as? CheckpointError else { return XCTFail("\($0)") }
        }
        huge.shape = [1 << 20, 1 << 10]
        XCTAssertThrowsError(try checkpoint.tensor(huge, name: "huge")) {
            XCTAssertEqual($0 as? CheckpointError, .tooLarge(tensor: "huge", elements: 1 << 30))
        }
        // An empty view may point anywhere (nothing is read), as in PyTorch.
        var empty = line
        empty.shape = [0, 3]
        empty.strides = [3, 1]
        empty.offset = 1000
        XCTAssertEqual(try checkpoint.tensor(empty), CheckpointTensor(shape: [0, 3], floats: []))
        var view = line
        view.storage.viewOffset = 18
        view.storage.count = 4  // 18 + 4 > 20
        XCTAssertThrowsError(try checkpoint.tensor(view, name: "view")) {
            XCTAssertEqual($0 as? CheckpointError, .storageTooSmall(key: line.storage.key, tensor: "view", needed: 88, available: 80))
        }
        // A legacy storage view: elements 10..<17 of the storage, tensor offset 0.
        view.storage.viewOffset = 10
        view.storage.count = 7
        view.offset = 0
        let windowed = try checkpoint.tensor(view, name: "view")
        var plain = line
        plain.offset = 10
        XCTAssertEqual(windowed, try checkpoint.tensor(plain))
    }
}
