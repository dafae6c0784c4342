// PyTorch checkpoints in the zip layout (torch.save's default), written by
// make_checkpoints.py and read through Codecs' ZipArchive: every tensor bitwise equal to
// PyTorch's, big-endian storages swapped, wrapped and nested dicts flattened, the malicious
// archive refused by name without running, and edited archives (missing or short storages,
// unknown byte order, no pickle, cut pickle) and every truncation refused with typed errors.
import XCTest
import Checkpoints
import Codecs
import TestSupport

final class TorchZipTests: XCTestCase {
    private func bytes(_ name: String) throws -> [UInt8] { try Fixtures.bytes("checkpoints/" + name) }

    func testStateDictEqualsPyTorch() throws {
        let checkpoint = try TorchCheckpoint(bytes("state_zip.pth"))
        XCTAssertEqual(checkpoint.format, .zip(prefix: "state_zip/"))
        let elements = try ExpectedTensors.assertMatches(checkpoint.stateDict(), folder: "checkpoints")
        print("zip checkpoint: \(elements) elements bitwise equal to PyTorch")
        // Both layouts give the same state dict; the entry point tells them apart.
        XCTAssertEqual(try TorchCheckpoint.stateDict(from: bytes("state_legacy.pth")), try checkpoint.stateDict())
        XCTAssertEqual(try TorchCheckpoint(bytes("state_legacy.pth")).format, .legacy)
    }

    func testBigEndianStoragesAreSwapped() throws {
        let checkpoint = try TorchCheckpoint(bytes("state_big_endian.pth"))
        XCTAssertEqual(checkpoint.format, .zip(prefix: "state_big_endian/"))
        try ExpectedTensors.assertMatches(checkpoint.stateDict(), folder: "checkpoints")
    }

    func testWrappedAndNestedDicts() throws {
        let stateDict = try TorchCheckpoint.stateDict(from: bytes("wrapped.pth"))
        XCTAssertEqual(stateDict.names, ["a", "sub.b", "tagged"])
        let a = try Fixtures.array("checkpoints/wrapped_a.npy")
        XCTAssertEqual(try stateDict.tensor("a").scalars.map(\.bitPattern), a.floats().map(\.bitPattern))
        XCTAssertEqual(stateDict["a"]?.shape, a.shape)
        XCTAssertEqual(try stateDict.integers("sub.b"), try Fixtures.array("checkpoints/wrapped_sub.b.npy").int64s())
        let tagged = try Fixtures.array("checkpoints/wrapped_tagged.npy")
        XCTAssertEqual(try stateDict.tensor("tagged").scalars.map(\.bitPattern), tagged.floats().map(\.bitPattern))
    }

    func testModuleStateDictWithMetadata() throws {
        let stateDict = try TorchCheckpoint.stateDict(from: bytes("module/module.pth"))
        try ExpectedTensors.assertMatches(stateDict, folder: "checkpoints/module")
        XCTAssertEqual(try stateDict.integers("1.num_batches_tracked"), [1])
        XCTAssertNoThrow(try stateDict.bind(expected: [("0.weight", [4, 3, 3, 3]), ("0.bias", [4]), ("1.weight", [4]),
                                                       ("1.bias", [4]), ("1.running_mean", [4]), ("1.running_var", [4]),
                                                       ("3.weight", [2, 4, 1, 1])],
                                            ignoring: { $0.hasSuffix("num_batches_tracked") }))
    }

    func testMaliciousArchiveIsRefusedByNameWithoutRunning() throws {
        Payload.clear()
        XCTAssertThrowsError(try TorchCheckpoint(bytes("malicious/posix_system_zip.pth"))) { error in
            guard case .forbiddenGlobal("posix", "system", _)? = error as? PickleError else { return XCTFail("\(error)") }
        }
        Payload.assertDidNotRun()
    }

    func testComplexValuesAreUnsupported() throws {
        XCTAssertThrowsError(try TorchCheckpoint(bytes("complex.pth"))) {
            XCTAssertEqual($0 as? CheckpointError, .unsupportedDType("ComplexFloatStorage", storage: "0"))
        }
    }

    /// The fixture's entries, edited by `edit` (return nil to drop one), written back as torch does.
    private func edited(_ edit: (String, [UInt8]) -> (String, [UInt8])?) throws -> [UInt8] {
        let archive = try ZipArchive(bytes("state_zip.pth"))
        var writer = ZipWriter(alignment: 64)
        for entry in archive.entries {
            if let (name, data) = edit(entry.name, try archive.data(for: entry)) { writer.append(name: name, data: data) }
        }
        return writer.finish()
    }

    func testEditedArchives() throws {
        // The storage of "conv.weight" (key "0") is the first one the pickle names.
        let missing = try edited { $0 == "state_zip/data/0" ? nil : ($0, $1) }
        XCTAssertThrowsError(try TorchCheckpoint(missing).stateDict()) {
            XCTAssertEqual($0 as? CheckpointError, .storageMissing(key: "0", tensor: "conv.weight"))
        }
        let short = try edited { $0 == "state_zip/data/0" ? ($0, Array($1.dropLast(4))) : ($0, $1) }
        XCTAssertThrowsError(try TorchCheckpoint(short).stateDict()) {
            XCTAssertEqual($0 as? CheckpointError, .storageTooSmall(key: "0", tensor: "conv.weight", needed: 216, available: 212))
        }
        let order = try edited { $0.hasSuffix("/byteorder") ? ($0, Array("middle".utf8)) : ($0, $1) }
        XCTAssertThrowsError(try TorchCheckpoint(order)) {
            XCTAssertEqual($0 as? CheckpointError, .unsupportedFormat("byte order 'middle'"))
        }
        let noPickle = try edited { $0.hasSuffix("data.pkl") ? nil : ($0, $1) }
        XCTAssertThrowsError(try TorchCheckpoint(noPickle)) { XCTAssertEqual($0 as? CheckpointError, .missingRecord("data.pkl")) }
        let cut = try edited { $0.hasSuffix("data.pkl") ? ($0, Array($1.prefix(100))) : ($0, $1) }
        XCTAssertThrowsError(try TorchCheckpoint(cut)) {
            guard case .truncated(let offset)? = $0 as? PickleError, offset < 100 else { return XCTFail("\($0)") }
        }
        // Without a folder prefix and without a byteorder record (older files): still read.
        let flat = try edited { name, data in
            name.hasSuffix("/byteorder") ? nil : (String(name.dropFirst("state_zip/".count)), data)
        }
        let checkpoint = try TorchCheckpoint(flat)
        XCTAssertEqual(checkpoint.format, .zip(prefix: ""))
        try ExpectedTensors.assertMatches(checkpoint.stateDict(), folder: "checkpoints")
    }

    /// A storage's CRC-32 is checked when a tensor reads it: a damaged storage fails the read,
    /// and a state dict that leaves its tensor out neither decodes nor checks it.
    func testChecksumsAreCheckedWhenAStorageIsRead() throws {
        let archive = try ZipArchive(bytes("state_zip.pth"))
        let pickle = try TorchCheckpoint(bytes("state_zip.pth"))
        guard case .dict(let root) = pickle.root, case .tensor(let int32)? = root[string: "int32"] else {
            return XCTFail("the fixture has no 'int32' tensor")
        }
        let entry = "state_zip/data/" + int32.storage.key
        let original = archive.entry(named: entry)!.crc32
        var bytes = try bytes("state_zip.pth")
        bytes[archive.entry(named: entry)!.dataRange.lowerBound] ^= 1
        XCTAssertThrowsError(try TorchCheckpoint(bytes).stateDict()) {
            guard case .checksumMismatch(let name, let expected, _)? = $0 as? ZipError else { return XCTFail("\($0)") }
            XCTAssertEqual(name, entry)
            XCTAssertEqual(expected, original)
        }
        let floats = try TorchCheckpoint(bytes).stateDict(including: { _, dtype in dtype.isFloatingPoint })
        let all = try TorchCheckpoint(self.bytes("state_zip.pth")).stateDict()
        XCTAssertEqual(floats.names, all.names.filter { all[$0]!.dtype.isFloatingPoint })
        for name in floats.names { XCTAssertEqual(floats[name], all[name], name) }
    }

    func testTruncationsAndCorruptionsAreTypedErrors() throws {
        let original = try bytes("state_zip.pth")
        func outcome(_ input: [UInt8]) -> String? {
            do {
                _ = try TorchCheckpoint(input).stateDict()
                return nil
            } catch is ZipError {
                return "zip"
            } catch is PickleError {
                return "pickle"
            } catch is CheckpointError {
                return "checkpoint"
            } catch {
                XCTFail("untyped error \(error)")
                return "?"
            }
        }
        var counts: [String: Int] = [:]
        for length in stride(from: 0, to: original.count, by: 3) {
            guard let kind = outcome(Array(original[0..<length])) else { XCTFail("cut at \(length) still loads"); continue }
            counts["cut " + kind, default: 0] += 1
        }
        for position in stride(from: 0, to: original.count, by: 2) {
            var corrupted = original
            corrupted[position] ^= 0x55
            counts["flip " + (outcome(corrupted) ?? "loaded"), default: 0] += 1
        }
        print("zip checkpoint damage: \(counts.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(counts["flip zip", default: 0], 0)
    }
}
