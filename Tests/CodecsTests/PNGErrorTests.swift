// Hand-made malformed PNGs, each with the exact error it must produce: signature, truncation at
// every prefix length, CRCs, chunk types and lengths, chunk order, IHDR fields, absurd sizes and
// limits (decompression bombs), zlib data, filter types, palette indices. Built with correct
// CRCs unless the CRC is the point, so each file has exactly one fault.
import XCTest
@testable import Codecs
import TestSupport

final class PNGErrorTests: XCTestCase {
    private func png(_ chunks: [(String, [UInt8])], signature: [UInt8] = PNG.signature) -> [UInt8] {
        var out = signature
        for (type, data) in chunks { PNG.appendChunk(type, data, to: &out) }
        return out
    }

    private func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    private func ihdr(_ width: Int, _ height: Int, depth: UInt8 = 8, color: UInt8 = 0, compression: UInt8 = 0,
                      filter: UInt8 = 0, interlace: UInt8 = 0) -> (String, [UInt8]) {
        ("IHDR", be32(width) + be32(height) + [depth, color, compression, filter, interlace])
    }

    /// Image data for `rows` rows: each a filter byte then `rowBytes` bytes of `fill`.
    private func idat(rows: Int, rowBytes: Int, filter: UInt8 = 0, fill: UInt8 = 0) -> (String, [UInt8]) {
        var raw: [UInt8] = []
        for _ in 0..<rows { raw += [filter] + [UInt8](repeating: fill, count: rowBytes) }
        return ("IDAT", Zlib.compress(raw))
    }

    private let end: (String, [UInt8]) = ("IEND", [])

    private func assertError(_ bytes: [UInt8], _ expected: PNGError, limits: PNG.DecodingLimits = .default,
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try PNG.decode(bytes, limits: limits)
            XCTFail("decoded; expected \(expected)", file: file, line: line)
        } catch let error as PNGError {
            XCTAssertEqual(error, expected, file: file, line: line)
        } catch {
            XCTFail("expected \(expected), got \(error)", file: file, line: line)
        }
    }

    func testValidBaseline() throws {
        let image = try PNG.decode(png([ihdr(3, 2), idat(rows: 2, rowBytes: 3, fill: 7), ("quUx", [1, 2]), end]))
        XCTAssertEqual(image, Image(width: 3, height: 2, channels: 1, pixels: [UInt8](repeating: 7, count: 6)))
        // Zero-length IDAT chunks among the data are fine.
        let (_, data) = idat(rows: 2, rowBytes: 3, fill: 7)
        let split = png([ihdr(3, 2), ("IDAT", []), ("IDAT", Array(data[..<5])), ("IDAT", []), ("IDAT", Array(data[5...])), end])
        XCTAssertEqual(try PNG.decode(split), image)
    }

    func testSignatureAndStructure() {
        let good = png([ihdr(3, 2), idat(rows: 2, rowBytes: 3), end])
        assertError([], .badSignature)
        assertError(Array(PNG.signature.prefix(7)), .badSignature)
        var wrong = good; wrong[0] = 0x88
        assertError(wrong, .badSignature)
        assertError(PNG.signature, .truncated(offset: 8))
        assertError(png([("tEXt", Array("a\0b".utf8)), ihdr(3, 2), idat(rows: 2, rowBytes: 3), end]),
                    .headerNotFirst(found: "tEXt"))
        assertError(png([ihdr(3, 2), ihdr(3, 2), idat(rows: 2, rowBytes: 3), end]), .misplacedChunk("IHDR", offset: 33))
        assertError(png([ihdr(3, 2), idat(rows: 2, rowBytes: 3)]), .missingEnd)
        assertError(png([ihdr(3, 2), end]), .missingImageData)
        assertError(png([ihdr(3, 2), ("QUUX", []), idat(rows: 2, rowBytes: 3), end]),
                    .unsupportedCriticalChunk("QUUX", offset: 33))
        assertError(png([ihdr(3, 2), ("IH1R", []), idat(rows: 2, rowBytes: 3), end]), .badChunkType(offset: 33))
        let (_, data) = idat(rows: 2, rowBytes: 3)
        assertError(png([ihdr(3, 2), ("IDAT", Array(data[..<4])), ("tEXt", [65, 0]), ("IDAT", Array(data[4...])), end]),
                    .misplacedChunk("IDAT", offset: 33 + 12 + 4 + 12 + 2))
        // A length field of 2^31.
        var long = png([ihdr(3, 2), idat(rows: 2, rowBytes: 3), end])
        long.replaceSubrange(33..<37, with: [0x80, 0, 0, 0])
        assertError(long, .badChunkLength(chunk: "IDAT", length: 1 << 31, offset: 33))
        // IHDR (13 bytes) is the first chunk over a 10-byte limit.
        assertError(good, .tooLarge(.chunkLength, value: 13, limit: 10), limits: PNG.DecodingLimits(maxChunkLength: 10))
        assertError(png([ihdr(3, 2), idat(rows: 2, rowBytes: 3), ("IEND", [0])]),
                    .badChunkLength(chunk: "IEND", length: 1, offset: 33 + 12 + data.count))
    }

    func testEveryTruncationThrowsTheRightError() throws {
        let file = PNG.encode(PNGEncoderTests.sample("rgb"))
        // Chunk starts: IHDR at 8, IDAT at 33, IEND 12 bytes before the end.
        let starts = [8, 33, file.count - 12]
        for cut in 0..<file.count {
            let expected: PNGError
            if cut < 8 { expected = .badSignature }
            else if starts.contains(cut) && cut > 8 { expected = .missingEnd }
            else { expected = .truncated(offset: starts.last(where: { $0 <= cut })!) }
            assertError(Array(file[..<cut]), expected)
        }
        XCTAssertNoThrow(try PNG.decode(file))
    }

    func testChecksums() {
        let data = idat(rows: 2, rowBytes: 3).1
        let good = png([ihdr(3, 2), ("tEXt", Array("k\0v".utf8)), ("IDAT", data), end])
        let idatOffset = 33 + 12 + 3
        for (position, chunk, offset) in [(29, "IHDR", 8), (44, "tEXt", 33), (idatOffset + 8 + data.count, "IDAT", idatOffset),
                                          (good.count - 1, "IEND", good.count - 12), (idatOffset + 8, "IDAT", idatOffset)] {
            var bad = good
            bad[position] ^= 0x10
            assertError(bad, .badChecksum(chunk: chunk, offset: offset))
        }
    }

    func testHeaderFields() {
        let body = [idat(rows: 2, rowBytes: 3), end]
        assertError(png([ihdr(0, 2)] + body), .badDimensions(width: 0, height: 2))
        assertError(png([ihdr(3, 0)] + body), .badDimensions(width: 3, height: 0))
        assertError(png([ihdr(1 << 31, 1 << 31)] + body), .badDimensions(width: 1 << 31, height: 1 << 31))
        let huge = Int(Int32.max)
        assertError(png([ihdr(huge, huge)] + body), .tooLarge(.pixels, value: huge * huge, limit: 1 << 28))
        assertError(png([ihdr(1 << 14, 1 << 14, depth: 16, color: 6)] + body),
                    .tooLarge(.decompressedBytes, value: (1 << 14) * ((1 << 14) * 8 + 1), limit: 1 << 20),
                    limits: PNG.DecodingLimits(maxDecompressedBytes: 1 << 20))
        assertError(png([ihdr(3, 2)] + body), .tooLarge(.pixels, value: 6, limit: 5), limits: PNG.DecodingLimits(maxPixels: 5))
        assertError(png([ihdr(3, 2, color: 1)] + body), .badColorType(1))
        assertError(png([ihdr(3, 2, color: 7)] + body), .badColorType(7))
        assertError(png([ihdr(3, 2, depth: 4, color: 2)] + body), .badBitDepth(4, colorType: 2))
        assertError(png([ihdr(3, 2, depth: 16, color: 3)] + body), .badBitDepth(16, colorType: 3))
        assertError(png([ihdr(3, 2, compression: 1)] + body), .badCompressionMethod(1))
        assertError(png([ihdr(3, 2, filter: 1)] + body), .badFilterMethod(1))
        assertError(png([ihdr(3, 2, interlace: 2)] + body), .badInterlaceMethod(2))
        assertError(png([("IHDR", Array(ihdr(3, 2).1.prefix(12)))] + body), .badChunkLength(chunk: "IHDR", length: 12, offset: 8))
        XCTAssertThrowsError(try PNG.header(png([ihdr(3, 2, color: 5)] + body))) {
            XCTAssertEqual($0 as? PNGError, .badColorType(5))
        }
    }

    func testPaletteAndTransparencyRules() {
        let body = [idat(rows: 2, rowBytes: 3), end]
        let palette = ("PLTE", [UInt8](repeating: 9, count: 6))
        assertError(png([ihdr(3, 2, color: 3)] + body), .missingPalette)
        assertError(png([ihdr(3, 2, color: 0), palette] + body), .misplacedChunk("PLTE", offset: 33))
        assertError(png([ihdr(3, 2, color: 3), ("PLTE", [1, 2, 3, 4])] + body), .badChunkLength(chunk: "PLTE", length: 4, offset: 33))
        assertError(png([ihdr(3, 2, depth: 1, color: 3), ("PLTE", [UInt8](repeating: 1, count: 9))] + [idat(rows: 2, rowBytes: 1), end]),
                    .badChunkLength(chunk: "PLTE", length: 9, offset: 33))
        let data = idat(rows: 2, rowBytes: 3)
        assertError(png([ihdr(3, 2, color: 3), palette, data, palette, end]),
                    .misplacedChunk("PLTE", offset: 33 + 18 + 12 + data.1.count))
        assertError(png([ihdr(3, 2, color: 3), ("tRNS", [0]), palette] + body), .misplacedChunk("tRNS", offset: 33))
        assertError(png([ihdr(3, 2, color: 3), palette, ("tRNS", [0, 0, 0])] + body), .badChunkLength(chunk: "tRNS", length: 3, offset: 51))
        assertError(png([ihdr(3, 2, color: 0), ("tRNS", [0, 0, 0])] + body), .badChunkLength(chunk: "tRNS", length: 3, offset: 33))
        assertError(png([ihdr(3, 2, color: 4), ("tRNS", [0, 0])] + [idat(rows: 2, rowBytes: 6), end]),
                    .misplacedChunk("tRNS", offset: 33))
        // Index 2 with a two-entry palette.
        assertError(png([ihdr(3, 2, color: 3), palette, idat(rows: 2, rowBytes: 3, fill: 2), end]),
                    .paletteIndexOutOfRange(index: 2, paletteSize: 2))
    }

    func testImageData() {
        let head = ihdr(3, 2)
        assertError(png([head, ("IDAT", []), end]), .badImageData(.truncated))
        assertError(png([head, ("IDAT", [0x78, 0x9D, 0x03, 0x00]), end]), .badImageData(.badHeaderCheck(cmf: 0x78, flg: 0x9D)))
        assertError(png([head, ("IDAT", [0x78, 0x9C, 0x07]), end]), .badImageData(.deflate(.invalidBlockType(offset: 2))))
        var stream = idat(rows: 2, rowBytes: 3).1
        stream[stream.count - 1] ^= 1
        let adler = Adler32.checksum([UInt8](repeating: 0, count: 8))
        assertError(png([head, ("IDAT", stream), end]), .badImageData(.checksumMismatch(stored: adler ^ 1, computed: adler)))
        assertError(png([head, ("IDAT", Zlib.compress([0, 1, 2, 3, 0, 4])), end]), .imageDataTooShort(expected: 8, actual: 6))
        assertError(png([head, idat(rows: 3, rowBytes: 3), end]), .imageDataTooLong(expected: 8))
        assertError(png([head, ("IDAT", Zlib.compress([0, 1, 2, 3, 5, 4, 5, 6])), end]), .badFilterType(5, row: 1))
        // Adam7: 3x2 has passes 1 (1x1), 2 (empty), 3 (empty), 4 (1x1), 5 (empty), 6 (1x1), 7 (3x1):
        // rows 0, 1, 2, 3; make the last one bad.
        assertError(png([ihdr(3, 2, interlace: 1), ("IDAT", Zlib.compress([0, 1, 0, 2, 0, 3, 9, 1, 2, 3])), end]),
                    .badFilterType(9, row: 3))
        // A bomb: 1x1 grey whose data inflates to 10 MB; refused after 2 bytes of output.
        assertError(png([ihdr(1, 1), ("IDAT", Zlib.compress([UInt8](repeating: 0, count: 10_000_000))), end]),
                    .imageDataTooLong(expected: 2))
    }

    func testGarbageAndBitFlipsNeverCrash() throws {
        let files = try ["basi0g01", "tbbn3p08", "basn6a16", "s07i3p02"].map { try Fixtures.bytes("pngsuite/\($0).png") }
        var x: UInt64 = 4242
        func next() -> UInt64 { x = x &* 6364136223846793005 &+ 1442695040888963407; return x >> 11 }
        let limits = PNG.DecodingLimits(maxPixels: 1 << 16, maxChunkLength: 1 << 16, maxDecompressedBytes: 1 << 20)
        var decoded = 0
        for trial in 0..<4000 {
            var bytes = files[trial % files.count]
            for _ in 0..<(1 + Int(next() % 4)) {
                let position = Int(next() % UInt64(bytes.count))
                bytes[position] = UInt8(truncatingIfNeeded: next())
            }
            if (try? PNG.decode(bytes, limits: limits)) != nil { decoded += 1 }
        }
        // Flips in ancillary chunks' CRC-protected data are caught too, so few files survive.
        XCTAssertLessThan(decoded, 400)
    }
}
