// Malformed deflate and zlib streams, each with the exact error it must produce (RFC 1951 /
// 1950 rules: reserved block type, LEN/NLEN mismatch, too many codes, over-subscribed and
// incomplete codes, bad repeats, missing end-of-block, invalid symbols, distances too far back,
// output limits, bad zlib headers and checksums), plus every truncation of valid streams and
// seeded garbage, which must all throw rather than crash or hang.
import XCTest
@testable import Codecs
import TestSupport

final class InflateErrorTests: XCTestCase {
    private func assertThrows<E: Error & Equatable>(_ expected: E, _ body: () throws -> Any,
                                                    file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("expected \(expected), got a result", file: file, line: line)
        } catch let error as E {
            XCTAssertEqual(error, expected, file: file, line: line)
        } catch {
            XCTFail("expected \(expected), got \(error)", file: file, line: line)
        }
    }

    private func inflate(_ bytes: [UInt8], limit: Int = 1 << 20) throws -> [UInt8] {
        try Inflate.decompress(bytes, outputLimit: limit)
    }

    /// A dynamic block header whose code-length code has `codeLengthLengths` (19 entries, in
    /// symbol order), followed by `symbols` coded with it (symbol, extra value, extra bits),
    /// then 32 one bits.
    private func dynamicBlock(literals: Int, distances: Int, codeLengthLengths: [UInt8],
                              symbols: [(Int, Int, Int)]) -> [UInt8] {
        var w = BitWriter()
        w.write(1, 1); w.write(2, 2)
        w.write(literals - 257, 5); w.write(distances - 1, 5); w.write(19 - 4, 4)
        for i in 0..<19 { w.write(Int(codeLengthLengths[DeflateAlphabet.codeLengthOrder[i]]), 3) }
        let codes = HuffmanEncoderBuilder.reversedCodes(codeLengthLengths)
        for (symbol, extra, extraBits) in symbols {
            w.write(Int(codes[symbol]), Int(codeLengthLengths[symbol]))
            if extraBits > 0 { w.write(extra, extraBits) }
        }
        w.write(0xFFFF_FFFF, 32)  // one bits: in the control case below, the end-of-block code
        w.alignToByte()
        return w.bytes
    }

    /// A complete code-length code: lengths 0, 1, 2 and the zero run 18, two bits each.
    private var smallCodeLengthCode: [UInt8] {
        var lengths = [UInt8](repeating: 0, count: 19)
        lengths[0] = 2; lengths[1] = 2; lengths[2] = 2; lengths[18] = 2
        return lengths
    }

    func testBlockLevelErrors() {
        assertThrows(DeflateError.truncatedInput) { try self.inflate([]) }
        assertThrows(DeflateError.invalidBlockType(offset: 0)) { try self.inflate([0x07]) }
        assertThrows(DeflateError.storedLengthMismatch(length: 5, complement: 0, offset: 1)) {
            try self.inflate([0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5])
        }
        assertThrows(DeflateError.truncatedInput) { try self.inflate([0x01, 0x05, 0x00, 0xFA, 0xFF, 1, 2]) }
        // A non-final empty stored block with nothing after it.
        assertThrows(DeflateError.truncatedInput) { try self.inflate([0x00, 0x00, 0x00, 0xFF, 0xFF]) }
        // HLIT = 287 literal/length codes.
        var w = BitWriter()
        w.write(1, 1); w.write(2, 2); w.write(30, 5); w.write(0, 5); w.write(0, 4); w.write(0, 32)
        assertThrows(DeflateError.tooManyCodes(literalLength: 287, distance: 1, offset: 0)) { try self.inflate(w.bytes) }
        w = BitWriter()
        w.write(1, 1); w.write(2, 2); w.write(0, 5); w.write(30, 5); w.write(0, 4); w.write(0, 32)
        assertThrows(DeflateError.tooManyCodes(literalLength: 257, distance: 31, offset: 0)) { try self.inflate(w.bytes) }
    }

    func testHuffmanCodeErrors() {
        var lengths = [UInt8](repeating: 0, count: 19)
        lengths[16] = 1; lengths[17] = 1; lengths[18] = 1
        assertThrows(DeflateError.overSubscribedCode(.codeLength)) {
            try self.inflate(self.dynamicBlock(literals: 257, distances: 1, codeLengthLengths: lengths, symbols: []))
        }
        lengths = [UInt8](repeating: 0, count: 19)
        lengths[8] = 2
        assertThrows(DeflateError.incompleteCode(.codeLength)) {
            try self.inflate(self.dynamicBlock(literals: 257, distances: 1, codeLengthLengths: lengths, symbols: []))
        }
        // Symbol 16 (repeat previous) as the very first length.
        lengths = [UInt8](repeating: 0, count: 19)
        lengths[16] = 1; lengths[0] = 1
        assertThrows(DeflateError.invalidCodeLengthRepeat(offset: 9)) {
            try self.inflate(self.dynamicBlock(literals: 257, distances: 1, codeLengthLengths: lengths,
                                               symbols: [(16, 0, 2)]))
        }
        // A zero run (symbol 18, 138 zeros) twice: 276 > 258 lengths.
        lengths = [UInt8](repeating: 0, count: 19)
        lengths[18] = 1; lengths[1] = 1
        assertThrows(DeflateError.invalidCodeLengthRepeat(offset: 11)) {
            try self.inflate(self.dynamicBlock(literals: 257, distances: 1, codeLengthLengths: lengths,
                                               symbols: [(18, 127, 7), (18, 127, 7)]))
        }
        // Every literal/length code zero: no end-of-block code.
        assertThrows(DeflateError.missingEndOfBlock(offset: 0)) {
            try self.inflate(self.dynamicBlock(literals: 257, distances: 1, codeLengthLengths: lengths,
                                               symbols: [(18, 127, 7), (18, 108, 7), (1, 0, 0)]))
        }
        // Literal/length code: 0 and 256 at one bit, 1 at two bits: over-subscribed.
        var symbols: [(Int, Int, Int)] = [(1, 0, 0), (2, 0, 0)]
        symbols += [(18, 138 - 11, 7), (18, 254 - 138 - 11, 7), (1, 0, 0), (1, 0, 0)]
        assertThrows(DeflateError.overSubscribedCode(.literalLength)) {
            try self.inflate(self.dynamicBlock(literals: 257, distances: 1, codeLengthLengths: self.smallCodeLengthCode,
                                               symbols: symbols))
        }
        // Literal/length code: 0 and 256 at two bits only: incomplete.
        symbols = [(2, 0, 0), (18, 138 - 11, 7), (18, 255 - 138 - 11, 7), (2, 0, 0), (1, 0, 0)]
        // (Control: with lengths 1 and 1 the same layout decodes to an empty block.)
        XCTAssertEqual(try inflate(dynamicBlock(literals: 257, distances: 1, codeLengthLengths: smallCodeLengthCode,
                                                symbols: [(1, 0, 0), (18, 127, 7), (18, 106, 7), (1, 0, 0), (1, 0, 0)])), [])
        assertThrows(DeflateError.incompleteCode(.literalLength)) {
            try self.inflate(self.dynamicBlock(literals: 257, distances: 1, codeLengthLengths: self.smallCodeLengthCode,
                                               symbols: symbols))
        }
        // Distance code with three codes of length 2 (incomplete, more than one code).
        symbols = [(1, 0, 0), (18, 138 - 11, 7), (18, 255 - 138 - 11, 7), (1, 0, 0), (2, 0, 0), (2, 0, 0), (2, 0, 0)]
        assertThrows(DeflateError.incompleteCode(.distance)) {
            try self.inflate(self.dynamicBlock(literals: 257, distances: 3, codeLengthLengths: self.smallCodeLengthCode,
                                               symbols: symbols))
        }
    }

    /// A fixed-Huffman final block holding the given (reversed) codes.
    private func fixedBlock(_ codes: [(Int, Int)]) -> [UInt8] {
        var w = BitWriter()
        w.write(1, 1); w.write(1, 2)
        for (code, length) in codes { w.write(code, length) }
        w.alignToByte()
        return w.bytes
    }

    private func fixedLiteral(_ symbol: Int) -> (Int, Int) {
        let codes = DeflateBlock.fixedLiteralCodes, lengths = DeflateBlock.fixedLiteralLengths
        return (Int(codes[symbol]), Int(lengths[symbol]))
    }

    func testSymbolAndDistanceErrors() {
        let endOfBlock = fixedLiteral(256)
        XCTAssertEqual(try inflate(fixedBlock([fixedLiteral(65), endOfBlock])), [65])
        // Length 3 at distance 1 with an empty window.
        assertThrows(DeflateError.distanceTooFarBack(distance: 1, available: 0)) {
            try self.inflate(self.fixedBlock([self.fixedLiteral(257), (0, 5), endOfBlock]))
        }
        // Two literals, then distance code 4 (5 + 1 extra bit = 6) reaching back 6 > 2.
        assertThrows(DeflateError.distanceTooFarBack(distance: 6, available: 2)) {
            try self.inflate(self.fixedBlock([self.fixedLiteral(1), self.fixedLiteral(2), self.fixedLiteral(257),
                                              (Int(DeflateBlock.fixedDistanceCodes[4]), 5), (1, 1), endOfBlock]))
        }
        assertThrows(DeflateError.invalidSymbol(.literalLength, offset: 1)) {
            try self.inflate(self.fixedBlock([self.fixedLiteral(286), endOfBlock]))
        }
        // Distance symbol 30 has the fixed code 11110 (bit-reversed: 01111).
        assertThrows(DeflateError.invalidSymbol(.distance, offset: 2)) {
            try self.inflate(self.fixedBlock([self.fixedLiteral(65), self.fixedLiteral(257), (0b01111, 5), endOfBlock]))
        }
        let hundred = Deflate.compress([UInt8](repeating: 9, count: 100), level: .default)
        XCTAssertEqual(try inflate(hundred, limit: 100).count, 100)
        assertThrows(DeflateError.outputLimitExceeded(limit: 99)) { try self.inflate(hundred, limit: 99) }
        let stored = Deflate.compress([UInt8](repeating: 9, count: 100), level: .stored)
        assertThrows(DeflateError.outputLimitExceeded(limit: 0)) { try self.inflate(stored, limit: 0) }
    }

    func testZlibFramingErrors() throws {
        let data = try DeflateTestData.input("text")
        let good = Zlib.compress(data)
        XCTAssertEqual(try Zlib.decompress(good, outputLimit: data.count), data)
        assertThrows(ZlibError.truncated) { try Zlib.decompress([0x78], outputLimit: 10) }
        assertThrows(ZlibError.badHeaderCheck(cmf: 0x78, flg: 0x9D)) {
            try Zlib.decompress([0x78, 0x9D] + good.dropFirst(2), outputLimit: data.count)
        }
        assertThrows(ZlibError.unsupportedMethod(7)) { try Zlib.decompress([0x77, 0x85, 0, 0], outputLimit: 10) }
        assertThrows(ZlibError.invalidWindowSize(8)) { try Zlib.decompress([0x88, 0x98, 0, 0], outputLimit: 10) }
        assertThrows(ZlibError.presetDictionaryUnsupported) { try Zlib.decompress([0x78, 0xBB, 0, 0, 0, 0], outputLimit: 10) }
        var corrupt = good
        corrupt[corrupt.count - 1] ^= 1
        let adler = Adler32.checksum(data)
        assertThrows(ZlibError.checksumMismatch(stored: adler ^ 1, computed: adler)) {
            try Zlib.decompress(corrupt, outputLimit: data.count)
        }
        assertThrows(ZlibError.truncated) { try Zlib.decompress(Array(good.dropLast(1)), outputLimit: data.count) }
        assertThrows(ZlibError.deflate(.outputLimitExceeded(limit: 10))) { try Zlib.decompress(good, outputLimit: 10) }
        assertThrows(ZlibError.deflate(.invalidBlockType(offset: 2))) { try Zlib.decompress([0x78, 0x9C, 0x07], outputLimit: 10) }
    }

    func testEveryTruncationThrows() throws {
        let data = try DeflateTestData.input("text")
        for level in CompressionLevel.allCases {
            let stream = Deflate.compress(data, level: level)
            for cut in 0..<stream.count {
                XCTAssertThrowsError(try inflate(Array(stream[..<cut]), limit: data.count), "\(level) cut at \(cut)") { error in
                    XCTAssertEqual(error as? DeflateError, .truncatedInput, "\(level) cut at \(cut)")
                }
            }
            let wrapped = Zlib.compress(data, level: level)
            for cut in 0..<wrapped.count {
                XCTAssertThrowsError(try Zlib.decompress(Array(wrapped[..<cut]), outputLimit: data.count)) { error in
                    XCTAssertEqual(error as? ZlibError, .truncated, "zlib \(level) cut at \(cut)")
                }
            }
        }
    }

    func testGarbageNeverCrashes() throws {
        let text = try DeflateTestData.input("text")
        let valid = Deflate.compress(text, level: .default)
        var seed: UInt64 = 77
        for trial in 0..<3000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            var bytes: [UInt8]
            if trial % 2 == 0 {
                bytes = DeflateTestData.noise(count: Int(seed >> 54), seed: seed)
            } else {
                // Valid stream with a few flipped bits.
                bytes = valid
                for k in 0..<3 {
                    let r = (seed >> UInt64(8 * k)) & 0xFFFF
                    bytes[Int(r) % bytes.count] ^= UInt8(1 << Int(r % 8))
                }
            }
            if let output = try? inflate(bytes, limit: 10000) { XCTAssertLessThanOrEqual(output.count, 10000) }
        }
    }
}
