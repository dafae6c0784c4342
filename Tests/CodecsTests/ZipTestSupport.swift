// Helpers for the zip and NPZ tests: the reference listings Python's zipfile wrote
// (<archive>.manifest.tsv and .contents.npy, Fixtures/Generators/make_zip_npz.py), positions
// of the records inside an archive (to forge malformed copies), little-endian patching, and
// the IRN_WRITE_FIXTURES switch that (re)writes the fixtures our own encoder produces.
import XCTest
import Foundation
import Codecs
import TestSupport

/// One row of a manifest: what Python's zipfile says about an entry.
struct ManifestEntry: Equatable {
    var index: Int
    var name: String
    var method: Int
    var flags: Int
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int
    var dataOffset: Int
}

enum ZipFixtures {
    static func manifest(_ archivePath: String) throws -> [ManifestEntry] {
        let stem = String(archivePath[..<archivePath.lastIndex(of: ".")!])
        let text = try String(contentsOf: Fixtures.url(stem + ".manifest.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return ManifestEntry(index: Int(f[0])!, name: f[1], method: Int(f[2])!, flags: Int(f[3])!,
                                 crc32: UInt32(f[4])!, compressedSize: Int(f[5])!, uncompressedSize: Int(f[6])!,
                                 localHeaderOffset: Int(f[7])!, dataOffset: Int(f[8])!)
        }
    }

    /// The entries' uncompressed bytes as zipfile read them, concatenated in order.
    static func contents(_ archivePath: String) throws -> [UInt8] {
        let stem = String(archivePath[..<archivePath.lastIndex(of: ".")!])
        return try Fixtures.array(stem + ".contents.npy").uint8s()
    }

    /// Our listing in the manifest's terms.
    static func describe(_ archive: ZipArchive) -> [ManifestEntry] {
        archive.entries.map {
            ManifestEntry(index: $0.index, name: $0.name, method: Int($0.method == .stored ? 0 : $0.method == .deflated ? 8 : -1),
                          flags: Int($0.flags), crc32: $0.crc32, compressedSize: $0.compressedSize,
                          uncompressedSize: $0.uncompressedSize, localHeaderOffset: $0.localHeaderOffset,
                          dataOffset: $0.dataOffset)
        }
    }

    /// When IRN_WRITE_FIXTURES=1, writes `bytes` to the fixture; otherwise asserts they equal it.
    static func assertMatchesCommitted(_ bytes: [UInt8], _ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        if ProcessInfo.processInfo.environment["IRN_WRITE_FIXTURES"] == "1" {
            try Data(bytes).write(to: Fixtures.url(path))
            return
        }
        let committed = try Fixtures.bytes(path)
        XCTAssertEqual(bytes, committed, "\(path): our encoder's output changed; if intended, rerun with "
                       + "IRN_WRITE_FIXTURES=1 and then Fixtures/Generators/make_zip_npz.py", file: file, line: line)
    }
}

/// Record positions inside an archive, found by walking its structure (test-side, independent
/// of the reader under test).
struct ZipLayout {
    var endRecord: Int
    var directoryOffset: Int
    var centralHeaders: [Int]
    var zip64Locator: Int?
    var zip64Record: Int?

    init(_ b: [UInt8]) {
        var e = b.count - 22
        while !(b[e] == 0x50 && b[e + 1] == 0x4B && b[e + 2] == 5 && b[e + 3] == 6) { e -= 1 }
        endRecord = e
        if e >= 20, b[e - 20] == 0x50, b[e - 19] == 0x4B, b[e - 18] == 6, b[e - 17] == 7 {
            zip64Locator = e - 20
            zip64Record = Int(le64(b, e - 20 + 8))
            directoryOffset = Int(le64(b, zip64Record! + 48))
        } else {
            directoryOffset = Int(le32(b, e + 16))
        }
        centralHeaders = []
        var p = directoryOffset
        while le32(b, p) == 0x0201_4B50 {
            centralHeaders.append(p)
            p += 46 + Int(le16(b, p + 28)) + Int(le16(b, p + 30)) + Int(le16(b, p + 32))
        }
    }
}

func le16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
func le32(_ b: [UInt8], _ at: Int) -> UInt32 { UInt32(le16(b, at)) | UInt32(le16(b, at + 2)) << 16 }
func le64(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(le32(b, at)) | UInt64(le32(b, at + 4)) << 32 }

extension Array where Element == UInt8 {
    /// A copy with `value` written little-endian over `width` bytes at `offset`.
    func patched(_ offset: Int, _ value: UInt64, width: Int) -> [UInt8] {
        var copy = self
        for k in 0..<width { copy[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
        return copy
    }
}
