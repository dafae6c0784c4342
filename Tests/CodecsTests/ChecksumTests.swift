// CRC-32 and Adler-32 against Python's zlib.crc32 / zlib.adler32 (checksums.npy from
// make_deflate.py), the table-driven fast paths against their bitwise twins on seeded inputs of
// every length up to 70, and continuation (checksum of a + b from the checksum of a).
import XCTest
import Codecs
import TestSupport

final class ChecksumTests: XCTestCase {
    func testMatchesPythonZlib() throws {
        let reference = try Fixtures.array("deflate/checksums.npy")
        XCTAssertEqual(reference.shape, [DeflateTestData.names.count, 2])
        let values = reference.int64s()
        for (i, name) in DeflateTestData.names.enumerated() {
            let data = try DeflateTestData.input(name)
            XCTAssertEqual(Int64(CRC32.checksum(data)), values[2 * i], "crc32 of \(name)")
            XCTAssertEqual(Int64(Adler32.checksum(data)), values[2 * i + 1], "adler32 of \(name)")
            XCTAssertEqual(CRC32.naiveChecksum(data), CRC32.checksum(data), name)
            XCTAssertEqual(Adler32.naiveChecksum(data), Adler32.checksum(data), name)
        }
    }

    func testFastPathsEqualNaiveTwinsAtEveryLength() {
        for length in 0...70 {
            let data = DeflateTestData.noise(count: length, seed: UInt64(length) + 11)
            XCTAssertEqual(CRC32.checksum(data), CRC32.naiveChecksum(data), "crc length \(length)")
            XCTAssertEqual(Adler32.checksum(data), Adler32.naiveChecksum(data), "adler length \(length)")
            // Non-contiguous collections take the copying path.
            XCTAssertEqual(CRC32.checksum(data.lazy.map { $0 }), CRC32.naiveChecksum(data))
        }
        // Long runs of 0xFF stress Adler-32's deferred modulo.
        let ones = [UInt8](repeating: 0xFF, count: 100_000)
        XCTAssertEqual(Adler32.checksum(ones), Adler32.naiveChecksum(ones))
    }

    func testRunningChecksumsContinue() throws {
        let data = try DeflateTestData.input("text")
        for split in [0, 1, 7, 8, 9, 1000, data.count] {
            let a = Array(data[..<split]), b = Array(data[split...])
            XCTAssertEqual(CRC32.checksum(b, initial: CRC32.checksum(a)), CRC32.checksum(data), "split \(split)")
            XCTAssertEqual(Adler32.checksum(b, initial: Adler32.checksum(a)), Adler32.checksum(data), "split \(split)")
            XCTAssertEqual(CRC32.checksum(data[split...], initial: CRC32.checksum(data[..<split])),
                           CRC32.checksum(data), "slices, split \(split)")
        }
    }
}
