// Zip writer: our archives are checked BY Python's zipfile. The committed files ours_zip64.zip
// (every zip64 record forced) and ours_aligned.zip (64-byte aligned stored data, as torch.save
// does) must be what the writer produces today, byte for byte, and make_zip_npz.py's listing
// of them (zipfile.testzip passed) must equal what we wrote. Also: round trips, including
// 70,000 entries (zip64 by count) and every compression level.
import XCTest
import Codecs
import TestSupport

final class ZipWriterTests: XCTestCase {
    /// Entry contents taken from Python's archive, so nothing here is invented.
    private func sampleEntries() throws -> [(name: String, data: [UInt8], compression: ZipWriter.Compression)] {
        let python = try ZipArchive(Fixtures.bytes("zip/python_mixed.zip"))
        return [
            ("stored.bin", try python.data(named: "stored.bin"), .stored),
            ("deflated.txt", try python.data(named: "deflated.txt"), .deflated(.default)),
            ("empty.txt", [], .stored),
            ("dir/", [], .stored),
            ("dir/caf\u{E9} \u{FC}n\u{EF}.txt", try python.data(named: "dir/caf\u{E9} \u{FC}n\u{EF}.txt"), .deflated(.fast)),
            ("level9.bin", try python.data(named: "level9.bin"), .deflated(.stored)),
            ("noisy-stored.bin", try python.data(named: "level9.bin"), .stored),
        ]
    }

    private func write(_ entries: [(name: String, data: [UInt8], compression: ZipWriter.Compression)],
                       alignment: Int = 1, forceZip64: Bool = false) -> [UInt8] {
        var writer = ZipWriter(alignment: alignment, forceZip64: forceZip64)
        for entry in entries { writer.append(name: entry.name, data: entry.data, compression: entry.compression) }
        return writer.finish()
    }

    func testOurArchivesAreReadByPythonZipfile() throws {
        let entries = try sampleEntries()
        for (path, alignment, zip64) in [("zip/ours_zip64.zip", 1, true), ("zip/ours_aligned.zip", 64, false)] {
            let bytes = write(entries, alignment: alignment, forceZip64: zip64)
            try ZipFixtures.assertMatchesCommitted(bytes, path)
            // What Python's zipfile listed and read from the committed file.
            let manifest = try ZipFixtures.manifest(path)
            XCTAssertEqual(manifest.map(\.name), entries.map(\.name), path)
            XCTAssertEqual(try ZipFixtures.contents(path), entries.flatMap(\.data), "\(path): zipfile read other bytes")
            // Our reader agrees with zipfile on every field.
            let archive = try ZipArchive(bytes)
            XCTAssertEqual(ZipFixtures.describe(archive), manifest, path)
            XCTAssertEqual(archive.isZip64, zip64, path)
            if alignment > 1 {
                for entry in archive.entries where entry.method == .stored {
                    XCTAssertEqual(entry.dataOffset % alignment, 0, "\(path): \(entry.name)")
                }
            }
        }
    }

    func testRoundTripEveryLevelAndComment() throws {
        let entries = try sampleEntries()
        for level in CompressionLevel.allCases {
            let leveled = entries.map { ($0.name, $0.data, ZipWriter.Compression.deflated(level)) }
            var writer = ZipWriter()
            for (name, data, compression) in leveled { writer.append(name: name, data: data, compression: compression) }
            let bytes = writer.finish(comment: Array("level \(level)".utf8))
            let archive = try ZipArchive(bytes)
            XCTAssertEqual(archive.comment, Array("level \(level)".utf8))
            XCTAssertEqual(archive.entries.map(\.name), entries.map(\.name))
            for (entry, original) in zip(archive.entries, entries) {
                XCTAssertEqual(entry.method, .deflated)
                XCTAssertEqual(try archive.data(for: entry), original.data, "\(level) \(entry.name)")
            }
        }
    }

    /// More than 65,535 entries need the zip64 end records; the writer adds them by itself.
    func testSeventyThousandEntriesUseZip64() throws {
        var writer = ZipWriter()
        let count = 70_000
        for i in 0..<count { writer.append(name: "e\(i)", data: [UInt8(truncatingIfNeeded: i), UInt8(truncatingIfNeeded: i >> 8)]) }
        let bytes = writer.finish()
        let archive = try ZipArchive(bytes)
        XCTAssertTrue(archive.isZip64)
        XCTAssertEqual(archive.entries.count, count)
        for i in stride(from: 0, to: count, by: 997) {
            XCTAssertEqual(try archive.data(named: "e\(i)"), [UInt8(truncatingIfNeeded: i), UInt8(truncatingIfNeeded: i >> 8)])
        }
        XCTAssertEqual(le16(bytes, ZipLayout(bytes).endRecord + 10), 0xFFFF, "end record count saturated")
        XCTAssertThrowsError(try ZipArchive(bytes, limits: ZipLimits(maxEntries: 65_535))) {
            XCTAssertEqual($0 as? ZipError, .tooManyEntries(declared: count, limit: 65_535))
        }
    }

    func testDeterministicOutput() throws {
        let entries = try sampleEntries()
        XCTAssertEqual(write(entries), write(entries))
        var empty = ZipWriter()
        let bytes = empty.finish()
        XCTAssertEqual(bytes.count, 22)
        XCTAssertEqual(try ZipArchive(bytes).entries.count, 0)
    }
}
