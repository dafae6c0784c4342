// Zip reader against archives written by Python's zipfile (stored, deflated, data descriptors,
// directory, UTF-8 and CP437 names, comment), numpy.savez(_compressed) (zip64 local extras) and
// torch.save (aligned stored data, data descriptors, zip64 end records): every entry's listing
// equals zipfile's and its bytes equal what zipfile read (Fixtures/Generators/make_zip_npz.py).
import XCTest
import Codecs
import TestSupport

final class ZipReaderTests: XCTestCase {
    static let archives = ["zip/python_mixed.zip", "zip/python_stream.zip", "zip/cp437_name.zip",
                           "zip/torch_state.pth", "npz/numpy_savez.npz", "npz/numpy_savez_compressed.npz"]

    func testListingAndContentsEqualPythonZipfile() throws {
        for path in Self.archives {
            let archive = try ZipArchive(Fixtures.bytes(path))
            let manifest = try ZipFixtures.manifest(path)
            XCTAssertEqual(ZipFixtures.describe(archive), manifest, path)
            var contents: [UInt8] = []
            for entry in archive.entries { contents += try archive.data(for: entry) }
            XCTAssertEqual(contents, try ZipFixtures.contents(path), "\(path): entry bytes differ from zipfile's")
            for row in manifest {
                XCTAssertEqual(archive.entry(named: row.name)?.index, row.index, "\(path): lookup of \(row.name)")
            }
        }
    }

    func testFeaturesOfTheFixturesAreWhatTheTestsClaim() throws {
        let mixed = try ZipArchive(Fixtures.bytes("zip/python_mixed.zip"))
        XCTAssertEqual(mixed.comment, Array("an archive comment".utf8))
        XCTAssertEqual(Set(mixed.entries.map(\.method)), [.stored, .deflated])
        XCTAssertTrue(mixed.entries.contains { $0.isDirectory })
        XCTAssertTrue(mixed.entries.contains { $0.name == "dir/caf\u{E9} \u{FC}n\u{EF}.txt" })
        XCTAssertFalse(mixed.isZip64)
        let stream = try ZipArchive(Fixtures.bytes("zip/python_stream.zip"))
        XCTAssertTrue(stream.entries.allSatisfy(\.hasDataDescriptor))
        let cp437 = try ZipArchive(Fixtures.bytes("zip/cp437_name.zip"))
        XCTAssertEqual(cp437.entries.map(\.name), ["caf\u{E9} stra\u{DF}e.txt"])
        let torch = try ZipArchive(Fixtures.bytes("zip/torch_state.pth"))
        XCTAssertTrue(torch.isZip64, "torch.save writes zip64 end records")
        XCTAssertTrue(torch.entries.allSatisfy { $0.method == .stored && $0.hasDataDescriptor })
    }

    /// torch.save's tensor storages are 64-byte aligned stored entries holding the raw tensor
    /// bytes; the slice accessor hands them out without copying.
    func testTorchCheckpointStoragesHoldTheTensors() throws {
        let bytes = try Fixtures.bytes("zip/torch_state.pth")
        let archive = try ZipArchive(bytes)
        let table = try String(contentsOf: Fixtures.url("zip/torch_state.storages.tsv"), encoding: .utf8)
        var checked = 0
        for line in table.split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            let entry = try XCTUnwrap(archive.entry(named: f[1]), f[1])
            XCTAssertEqual(entry.dataOffset % 64, 0, "\(f[1]) is not 64-byte aligned")
            let slice = try archive.dataSlice(for: entry)
            XCTAssertEqual(slice.indices, entry.dataRange, "stored data should be a slice of the archive")
            XCTAssertEqual(Array(slice), try Fixtures.array("zip/torch_state.\(f[0]).npy").data, f[0])
            checked += 1
        }
        XCTAssertEqual(checked, 4)
    }

    func testLookupAndMissingNames() throws {
        let archive = try ZipArchive(Fixtures.bytes("zip/python_mixed.zip"))
        XCTAssertNil(archive.entry(named: "nope"))
        XCTAssertThrowsError(try archive.data(named: "nope")) { XCTAssertEqual($0 as? ZipError, .entryNotFound("nope")) }
        let manifest = try ZipFixtures.manifest("zip/python_mixed.zip")
        let contents = try ZipFixtures.contents("zip/python_mixed.zip")
        let start = manifest.prefix { $0.name != "deflated.txt" }.reduce(0) { $0 + $1.uncompressedSize }
        let row = manifest.first { $0.name == "deflated.txt" }!
        XCTAssertEqual(try archive.data(named: "deflated.txt"), Array(contents[start..<(start + row.uncompressedSize)]))
    }

    func testLimits() throws {
        let bytes = try Fixtures.bytes("zip/python_mixed.zip")
        let m = try ZipFixtures.manifest("zip/python_mixed.zip")
        XCTAssertThrowsError(try ZipArchive(bytes, limits: ZipLimits(maxEntries: 5))) {
            XCTAssertEqual($0 as? ZipError, .tooManyEntries(declared: 6, limit: 5))
        }
        XCTAssertThrowsError(try ZipArchive(bytes, limits: ZipLimits(maxEntrySize: 1000))) {
            XCTAssertEqual($0 as? ZipError, .entryTooLarge(entry: "deflated.txt", size: m[1].uncompressedSize, limit: 1000))
        }
        XCTAssertThrowsError(try ZipArchive(bytes, limits: ZipLimits(maxTotalSize: 3000))) {
            XCTAssertEqual($0 as? ZipError, .archiveTooLarge(totalSize: m[0].uncompressedSize + m[1].uncompressedSize, limit: 3000))
        }
        XCTAssertNoThrow(try ZipArchive(bytes, limits: ZipLimits(maxEntries: 6, maxEntrySize: 5000, maxTotalSize: 8229)))
    }

    func testVerificationCanBeSkipped() throws {
        var bytes = try Fixtures.bytes("zip/python_mixed.zip")
        let m = try ZipFixtures.manifest("zip/python_mixed.zip")
        bytes[m[0].dataOffset] ^= 0xFF
        let archive = try ZipArchive(bytes)
        XCTAssertThrowsError(try archive.data(for: archive.entries[0])) {
            guard case .checksumMismatch("stored.bin", m[0].crc32, let actual) = $0 as? ZipError else { return XCTFail("\($0)") }
            XCTAssertNotEqual(actual, m[0].crc32)
        }
        XCTAssertEqual(try archive.data(for: archive.entries[0], verifyChecksum: false).first, bytes[m[0].dataOffset])
    }
}
