// Deflate and zlib against Python's zlib (Fixtures/Generators/make_deflate.py): every stream
// zlib wrote at levels 0, 1, 6 and 9 inflates to its input, and every stream our encoder
// writes is byte-identical to the committed Fixtures/deflate/ours/*.zlib, which zlib itself
// decoded to data with the input's length, CRC-32 and Adler-32 (ours/*.check.npy). Also the
// compression ratio on a real photo's PNG scanlines against zlib's.
import XCTest
import Foundation
import Codecs
import TestSupport

final class DeflateGoldenTests: XCTestCase {
    func testPythonZlibStreamsDecode() throws {
        for name in DeflateTestData.names {
            let input = try DeflateTestData.input(name)
            for level in [0, 1, 6, 9] where !(name == "big" && level == 0) {
                let stream = try Fixtures.array("deflate/zlib_\(name)_\(level).npy").uint8s()
                XCTAssertEqual(try Zlib.decompress(stream, outputLimit: input.count), input, "\(name) level \(level)")
                // The raw deflate part alone, with how many bytes it used.
                let (raw, used) = try Inflate.decompress(stream, startingAt: 2, outputLimit: input.count)
                XCTAssertEqual(raw, input)
                XCTAssertEqual(used, stream.count - 6, "\(name) level \(level): deflate data length")
            }
        }
    }

    private static let levels: [(CompressionLevel, String)] = [(.stored, "stored"), (.fast, "fast"), (.default, "default")]

    func testOurStreamsAreTheOnesZlibVerified() throws {
        let write = ProcessInfo.processInfo.environment["IRN_WRITE_FIXTURES"] == "1"
        for name in DeflateTestData.names {
            let input = try DeflateTestData.input(name)
            for (level, label) in Self.levels {
                let ours = Zlib.compress(input, level: level)
                let file = "deflate/ours/\(name)_\(label)"
                if write {
                    try Data(ours).write(to: Fixtures.url(file + ".zlib"))
                    continue
                }
                XCTAssertEqual(ours, try Fixtures.bytes(file + ".zlib"),
                               "\(file): encoder output changed; rerun with IRN_WRITE_FIXTURES=1 and make_deflate.py")
                let check = try Fixtures.array(file + ".check.npy").int64s()
                XCTAssertEqual(check, [Int64(input.count), Int64(CRC32.checksum(input)), Int64(Adler32.checksum(input))],
                               "\(file): what zlib decoded differs from the input")
                XCTAssertEqual(try Zlib.decompress(ours, outputLimit: input.count), input, file)
            }
        }
    }

    func testPhotoScanlineCompressionNearZlib() throws {
        let stream = try Fixtures.array("deflate/scanlines.npy").uint8s()
        let zlibSizes = try Fixtures.array("deflate/scanlines_zlib_sizes.npy").int64s()
        let fast = Zlib.compress(stream, level: .fast)
        let standard = Zlib.compress(stream, level: .default)
        XCTAssertEqual(try Zlib.decompress(fast, outputLimit: stream.count), stream)
        XCTAssertEqual(try Zlib.decompress(standard, outputLimit: stream.count), stream)
        let ratio = Double(standard.count) / Double(zlibSizes[1])
        print("photo scanlines \(stream.count) B: ours fast \(fast.count), default \(standard.count); "
              + "zlib 1/6/9 \(zlibSizes.map(String.init).joined(separator: "/")); default / zlib-6 = \(ratio)")
        XCTAssertLessThan(ratio, 1.05, "default level compresses photo scanlines over 5% worse than zlib -6")
        XCTAssertLessThan(Double(fast.count) / Double(zlibSizes[0]), 1.10, "fast level vs zlib -1")
    }
}
