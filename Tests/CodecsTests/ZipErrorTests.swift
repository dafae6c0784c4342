// Zip error table: forged copies of real archives (Python's zipfile, torch.save, our writer)
// — truncations, bad signatures, CRC and deflate corruption, 4 GiB and 2^31 forged sizes and
// counts, out-of-bounds, overlapping and self-referencing offsets, encryption, unknown
// methods, spanned archives — each refused with its specific ZipError; random corruption never
// traps. Offsets come from the fixtures' manifests (Python's zipfile) and ZipLayout.
import XCTest
import Codecs
import TestSupport

final class ZipErrorTests: XCTestCase {
    private func assertOpenFails(_ bytes: [UInt8], _ expected: ZipError, limits: ZipLimits = .init(),
                                 _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ZipArchive(bytes, limits: limits), message, file: file, line: line) {
            XCTAssertEqual($0 as? ZipError, expected, message, file: file, line: line)
        }
    }

    private func assertReadFails(_ bytes: [UInt8], entry: Int, _ expected: ZipError, _ message: String,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let archive = try ZipArchive(bytes)
        XCTAssertThrowsError(try archive.data(for: archive.entries[entry]), message, file: file, line: line) {
            XCTAssertEqual($0 as? ZipError, expected, message, file: file, line: line)
        }
    }

    func testStructureErrors() throws {
        let b = try Fixtures.bytes("zip/python_mixed.zip")
        let m = try ZipFixtures.manifest("zip/python_mixed.zip")
        let layout = ZipLayout(b)
        let e = layout.endRecord, cd = layout.centralHeaders
        let directorySize = Int(le32(b, e + 12))

        assertOpenFails([], .endOfCentralDirectoryNotFound, "empty")
        assertOpenFails(Array(b.prefix(21)), .endOfCentralDirectoryNotFound, "21 bytes")
        assertOpenFails(b.patched(e, 0x0605_4B51, width: 4), .endOfCentralDirectoryNotFound, "bad end signature")
        // 10 bytes cut from the middle: the directory no longer ends where the end record starts.
        let cut = Array(b[..<100]) + Array(b[110...])
        assertOpenFails(cut, .centralDirectoryOutOfBounds(offset: layout.directoryOffset, size: directorySize), "cut")
        assertOpenFails(b.patched(e + 16, 0x7FFF_FFFF, width: 4),
                        .centralDirectoryOutOfBounds(offset: 0x7FFF_FFFF, size: directorySize), "directory offset past the end")
        assertOpenFails(b.patched(e + 12, 0xFFFF_FFF0, width: 4),
                        .centralDirectoryOutOfBounds(offset: layout.directoryOffset, size: 0xFFFF_FFF0), "4 GiB directory")
        assertOpenFails(b.patched(e + 8, 0xFFFF, width: 2).patched(e + 10, 0xFFFF, width: 2),
                        .entryCountExceedsCentralDirectory(declared: 0xFFFF, size: directorySize), "65535 entries")
        assertOpenFails(b.patched(e + 12, UInt64(directorySize - 10), width: 4),
                        .truncatedCentralDirectory(entry: 5, offset: cd[5]), "directory cut short")
        assertOpenFails(b.patched(cd[2], 0x0201_4B51, width: 4),
                        .badCentralDirectorySignature(entry: 2, offset: cd[2]), "bad central signature")
        assertOpenFails(b.patched(e + 4, 1, width: 2), .unsupportedMultiDisk, "disk 1")
        assertOpenFails(b.patched(cd[1] + 34, 2, width: 2), .unsupportedMultiDisk, "entry on disk 2")
        assertOpenFails(b.patched(m[1].localHeaderOffset, 0x0403_4B51, width: 4),
                        .badLocalHeaderSignature(entry: "deflated.txt", offset: m[1].localHeaderOffset), "bad local signature")
        assertOpenFails(b.patched(cd[0] + 42, 0x7FFF_FFFF, width: 4),
                        .localHeaderOutOfBounds(entry: "stored.bin", offset: 0x7FFF_FFFF), "local header past the end")
        assertOpenFails(b.patched(cd[1] + 42, 0, width: 4),
                        .localNameMismatch(entry: "deflated.txt", offset: 0), "points at another entry's header")
        assertOpenFails(b.patched(m[0].localHeaderOffset + 28, 0xFFFF, width: 2),
                        .dataOutOfBounds(entry: "stored.bin", offset: m[0].dataOffset + 0xFFFF, size: m[0].compressedSize),
                        "huge local extra")
        // Forged 4 GiB sizes.
        let forged = b.patched(cd[0] + 20, 0xFFFF_FFFE, width: 4).patched(cd[0] + 24, 0xFFFF_FFFE, width: 4)
        assertOpenFails(forged, .dataOutOfBounds(entry: "stored.bin", offset: m[0].dataOffset, size: 0xFFFF_FFFE), "4 GiB stored")
        assertOpenFails(forged, .entryTooLarge(entry: "stored.bin", size: 0xFFFF_FFFE, limit: 1 << 20),
                        limits: ZipLimits(maxEntrySize: 1 << 20), "4 GiB stored, small limit")
        assertOpenFails(b.patched(cd[0] + 24, 0xFFFF_FFFF, width: 4),
                        .missingZip64Field(entry: 0, field: "uncompressed size"), "saturated size without zip64 extra")
        assertOpenFails(b.patched(cd[0] + 24, 967, width: 4),
                        .storedSizeMismatch(entry: "stored.bin", compressed: 968, uncompressed: 967), "stored sizes differ")
        // An extra field that claims more bytes than the header has.
        let withExtra = try ourArchive(forceZip64: true)
        let ours = ZipLayout(withExtra)
        let extraStart = ours.centralHeaders[0] + 46 + Int(le16(withExtra, ours.centralHeaders[0] + 28))
        assertOpenFails(withExtra.patched(extraStart + 2, 200, width: 2),
                        .badExtraField(entry: 0, offset: extraStart), "extra field overruns")
        assertOpenFails(withExtra.patched(extraStart + 2, 8, width: 2),
                        .missingZip64Field(entry: 0, field: "compressed size"), "zip64 extra too short")
    }

    func testZip64Errors() throws {
        let b = try Fixtures.bytes("zip/torch_state.pth")
        let layout = ZipLayout(b)
        let locator = try XCTUnwrap(layout.zip64Locator), record = try XCTUnwrap(layout.zip64Record)
        // The locator pointing at itself, at the end record, or past the end.
        for target in [locator, layout.endRecord, b.count + 100] {
            assertOpenFails(b.patched(locator + 8, UInt64(target), width: 8),
                            .badZip64EndOfCentralDirectory(offset: target), "locator -> \(target)")
        }
        assertOpenFails(b.patched(locator + 8, UInt64.max, width: 8),
                        .badZip64EndOfCentralDirectory(offset: Int.max), "locator -> 2^64-1")
        assertOpenFails(b.patched(record, 0x0606_4B51, width: 4),
                        .badZip64EndOfCentralDirectory(offset: record), "bad zip64 record signature")
        // 2^31 entries.
        let huge = b.patched(record + 24, 1 << 31, width: 8).patched(record + 32, 1 << 31, width: 8)
        assertOpenFails(huge, .tooManyEntries(declared: 1 << 31, limit: 1 << 20), "2^31 entries")
        assertOpenFails(huge, .entryCountExceedsCentralDirectory(declared: 1 << 31, size: Int(le64(b, record + 40))),
                        limits: ZipLimits(maxEntries: .max), "2^31 entries, no entry limit")
        assertOpenFails(b.patched(record + 48, UInt64(Int.max), width: 8),
                        .centralDirectoryOutOfBounds(offset: Int.max, size: Int(le64(b, record + 40))), "directory at 2^63")
        assertOpenFails(b.patched(locator + 16, 2, width: 4), .unsupportedMultiDisk, "two disks")
    }

    func testEntryDataErrors() throws {
        let b = try Fixtures.bytes("zip/python_mixed.zip")
        let m = try ZipFixtures.manifest("zip/python_mixed.zip")
        let cd = ZipLayout(b).centralHeaders
        // Byte 0xFF starts a final block of the reserved type 3.
        var bad = b
        bad[m[1].dataOffset] = 0xFF
        try assertReadFails(bad, entry: 1, .badDeflateData(entry: "deflated.txt", .invalidBlockType(offset: 0)), "block type 3")
        try assertReadFails(Array(b).patched(cd[1] + 24, 0xFFFF_FFFE, width: 4), entry: 1,
                            .sizeMismatch(entry: "deflated.txt", declared: 0xFFFF_FFFE, actual: m[1].uncompressedSize),
                            "forged 4 GiB inflated size")
        try assertReadFails(b.patched(cd[1] + 24, 100, width: 4), entry: 1,
                            .sizeMismatch(entry: "deflated.txt", declared: 100, actual: 101), "inflates to more than declared")
        try assertReadFails(b.patched(cd[1] + 16, UInt64(m[1].crc32 ^ 1), width: 4), entry: 1,
                            .checksumMismatch(entry: "deflated.txt", expected: m[1].crc32 ^ 1, actual: m[1].crc32), "CRC")
        try assertReadFails(b.patched(cd[0] + 8, 1, width: 2), entry: 0, .unsupportedEncryption(entry: "stored.bin"), "encrypted")
        try assertReadFails(b.patched(cd[1] + 10, 14, width: 2), entry: 1,
                            .unsupportedMethod(entry: "deflated.txt", method: 14), "LZMA")
        // The deflate stream cut short: the directory claims 10 fewer compressed bytes.
        let short = b.patched(cd[5] + 20, UInt64(m[5].compressedSize - 10), width: 4)
        let archive = try ZipArchive(short)
        XCTAssertThrowsError(try archive.data(for: archive.entries[5])) {
            guard case .badDeflateData("level9.bin", _) = $0 as? ZipError else { return XCTFail("\($0)") }
        }
    }

    /// An entry whose local header lies inside another entry's data (the overlapping-files
    /// zip bomb construction) is refused.
    func testOverlappingEntries() throws {
        var inner = ZipWriter()
        inner.append(name: "b", data: Array("hello".utf8))
        let innerBytes = inner.finish()
        let innerHeader = Array(innerBytes[..<ZipLayout(innerBytes).directoryOffset])
        var outer = ZipWriter()
        outer.append(name: "a", data: innerHeader)
        outer.append(name: "b", data: Array("hello".utf8))
        let outerBytes = outer.finish()
        let archive = try ZipArchive(outerBytes)
        let aData = archive.entries[0].dataOffset
        let forged = outerBytes.patched(ZipLayout(outerBytes).centralHeaders[1] + 42, UInt64(aData), width: 4)
        assertOpenFails(forged, .overlappingEntries(first: "a", second: "b", offset: aData), "overlap")
    }

    func testEveryTruncationIsRefused() throws {
        for path in ["zip/python_mixed.zip", "zip/torch_state.pth", "npz/numpy_savez_compressed.npz"] {
            let b = try Fixtures.bytes(path)
            for length in 0..<b.count {
                XCTAssertThrowsError(try ZipArchive(Array(b.prefix(length))), "\(path)[..<\(length)]") {
                    XCTAssertEqual($0 as? ZipError, .endOfCentralDirectoryNotFound, "\(path)[..<\(length)]")
                }
            }
        }
    }

    /// Random corruptions of real archives: opening and reading every entry either works or
    /// throws a ZipError, NPZError or DeflateError-carrying ZipError; nothing traps or hangs.
    func testRandomCorruptionNeverTraps() throws {
        var state: UInt64 = 0x2545F4914F6CDD1D
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        let limits = ZipLimits(maxEntries: 100, maxEntrySize: 1 << 20, maxTotalSize: 1 << 22)
        for path in ["zip/python_mixed.zip", "zip/torch_state.pth", "npz/numpy_savez_compressed.npz", "zip/python_stream.zip"] {
            let b = try Fixtures.bytes(path)
            let layout = ZipLayout(b)
            for round in 0..<400 {
                var mutated = b
                // Half the rounds aim at the directory and end records, where offsets live.
                let low = round % 2 == 0 ? layout.directoryOffset : 0
                for _ in 0..<(1 + Int(next() % 4)) {
                    mutated[low + Int(next() % UInt64(b.count - low))] = UInt8(truncatingIfNeeded: next())
                }
                do {
                    let archive = try ZipArchive(mutated, limits: limits)
                    for entry in archive.entries { _ = try? archive.data(for: entry) }
                    _ = try? NPZ.decode(mutated, limits: limits, elementLimit: 1 << 16)
                } catch is ZipError {}
            }
        }
    }

    /// A small archive from our writer (used to forge extra-field errors).
    private func ourArchive(forceZip64: Bool) throws -> [UInt8] {
        var writer = ZipWriter(forceZip64: forceZip64)
        writer.append(name: "x.bin", data: [1, 2, 3, 4])
        return writer.finish()
    }
}
