// safetensors, read and write: a file written by the `safetensors` package reads back to the
// exact tensors PyTorch held; our writer's output is byte-for-byte the file that the package
// read and verified (make_checkpoints.py --verify-ours stores its verdict and the bytes it
// checked); round trips are exact; malformed headers and buffers get their typed errors.
import Foundation
import XCTest
import Checkpoints
import Tensors
import TestSupport

final class SafeTensorsTests: XCTestCase {
    private let folder = "checkpoints/safetensors"

    private func reference() throws -> (tensors: StateDict, metadata: [String: String]) {
        try SafeTensors.read(Fixtures.bytes(folder + "/reference.safetensors"))
    }

    func testReadsTheReferenceFile() throws {
        let (tensors, metadata) = try reference()
        XCTAssertEqual(metadata, ["format": "pt", "note": "tiny test"])
        // The manifest is in name order; the file is in the package's own order.
        var byName = StateDict()
        for name in tensors.names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { byName[name] = tensors[name] }
        let elements = try ExpectedTensors.assertMatches(byName, folder: folder)
        print("safetensors reference: \(tensors.count) tensors, \(elements) elements bitwise equal")
    }

    func testOurOutputIsTheFileThePackageVerified() throws {
        let (tensors, metadata) = try reference()
        let written = SafeTensors.write(tensors, metadata: metadata)
        let url = Fixtures.url(folder + "/ours.safetensors")
        if ProcessInfo.processInfo.environment["IRN_WRITE_SAFETENSORS"] == "1" {
            try Data(written).write(to: url)
            print("wrote \(url.path); now run make_checkpoints.py --verify-ours")
        }
        func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
            let index = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            return "sizes \(a.count) and \(b.count), first difference at byte \(index)"
        }
        let committed = try Fixtures.bytes(folder + "/ours.safetensors")
        XCTAssertTrue(written == committed, "writer output changed: \(firstDifference(written, committed))")
        let verified = try Fixtures.array(folder + "/ours_verified_bytes.npy").uint8s()
        XCTAssertTrue(written == verified, "the package verified other bytes: \(firstDifference(written, verified))")
        let verdict = try Fixtures.array(folder + "/ours_verdict.npy").int64s()
        XCTAssertEqual(verdict.count, 2 + tensors.count)
        XCTAssertEqual(verdict, [Int64](repeating: 1, count: verdict.count), "the package disagreed: \(verdict)")
        // Layout facts of our writer: header padded with spaces to a multiple of 8.
        let headerLength = written[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0)
        XCTAssertEqual(written[8], UInt8(ascii: "{"))
        XCTAssertEqual(SafeTensors.write(tensors, metadata: metadata), written, "not deterministic")
    }

    func testRoundTripIsExact() throws {
        let (tensors, metadata) = try reference()
        let (again, metadataAgain) = try SafeTensors.read(SafeTensors.write(tensors, metadata: metadata))
        XCTAssertEqual(metadataAgain, metadata)
        XCTAssertEqual(Set(again.names), Set(tensors.names))
        for name in tensors.names {
            XCTAssertEqual(again[name]?.dtype, tensors[name]?.dtype, name)
            XCTAssertEqual(again[name]?.shape, tensors[name]?.shape, name)
            switch (again[name]!.values, tensors[name]!.values) {
            case (.floats(let a), .floats(let b)): XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), name)
            case (.doubles(let a), .doubles(let b)): XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), name)
            case (.integers(let a), .integers(let b)): XCTAssertEqual(a, b, name)
            default: XCTFail(name)
            }
        }
        // Writing Float32 values as float16 rounds them as the reference's float16 does.
        let floats = CheckpointTensor(shape: [3], floats: [1, 1 + 0x1p-11, 70000], dtype: .float16)
        let (rounded, _) = try SafeTensors.read(SafeTensors.write(StateDict([("x", floats)])))
        XCTAssertEqual(rounded["x"]?.tensor?.scalars, [1, 1, .infinity])
    }

    private func file(header: String, data: [UInt8]) -> [UInt8] {
        let text = Array(header.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) } + text + data
    }

    private func assertRefused(_ bytes: [UInt8], _ expected: SafeTensorsError?, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors.read(bytes), file: file, line: line) { error in
            guard let error = error as? SafeTensorsError else { return XCTFail("untyped \(error)", file: file, line: line) }
            if let expected { XCTAssertEqual(error, expected, file: file, line: line) }
        }
    }

    func testMalformedFiles() throws {
        let four = [UInt8](repeating: 0, count: 4)
        assertRefused([1, 2, 3], .truncated(what: "header length", offset: 0))
        assertRefused([0, 0, 0, 0, 0, 0, 0, 1], .headerTooLarge(1 << 56))
        assertRefused([100, 0, 0, 0, 0, 0, 0, 0, 0x7B], .truncated(what: "header", offset: 8))
        assertRefused(file(header: "[1]", data: []), .badHeader("the header is a array, not an object"))
        assertRefused(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: four + four),
                      .incompleteBuffer(covered: 4, size: 8))
        assertRefused(file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: four),
                      .badOffsets(tensor: "a", reason: "4 bytes for shape [2] of F32"))
        assertRefused(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: four + four),
                      .badOffsets(tensor: "a", reason: "starts at 4, expected 0"))
        assertRefused(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#,
                           data: four + four), .badOffsets(tensor: "b", reason: "starts at 2, expected 4"))
        assertRefused(file(header: #"{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, data: [0]),
                      .unsupportedDType("F8_E4M3", tensor: "a"))
        assertRefused(file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: four), nil)
        assertRefused(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: four), nil)
        assertRefused(file(header: #"{"__metadata__":{"n":1}}"#, data: []), .badHeader("metadata 'n' is a number, not a string"))
        assertRefused(file(header: #"{"a":1,"a":2}"#, data: []), .badHeader("duplicateKey(\"a\", offset: 7)"))
        assertRefused(file(header: #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, data: four), nil)
    }

    func testEveryTruncationAndCorruptionIsTypedNeverACrash() throws {
        let bytes = try Fixtures.bytes(folder + "/reference.safetensors")
        for length in 0..<bytes.count { assertRefused(Array(bytes[0..<length]), nil) }
        var outcomes = (read: 0, refused: 0)
        for position in bytes.indices {
            var corrupted = bytes
            corrupted[position] ^= 0x5A
            do {
                _ = try SafeTensors.read(corrupted)
                outcomes.read += 1
            } catch is SafeTensorsError {
                outcomes.refused += 1
            }
        }
        XCTAssertGreaterThan(outcomes.refused, 0)
        print("corrupted safetensors: \(outcomes.read) read, \(outcomes.refused) refused")
    }
}
