// Block output for the Deflate encoder: an LSB-first bit writer, and the choice and encoding of
// one block from its LZ77 symbols. For each block the exact bit cost of a dynamic Huffman block
// (section 3.2.7, with run-length coded code lengths), a fixed Huffman block (3.2.6) and
// stored blocks (3.2.4) is computed and the cheapest is written, so incompressible data costs
// at most five bytes per 64 KiB more than its size.

/// Appends bit fields LSB-first (RFC 1951 section 3.1.1).
struct BitWriter {
    var bytes: [UInt8] = []
    var buffer: UInt64 = 0
    var count = 0

    /// Writes the low `n` bits of `value` (n <= 32).
    @inline(__always) mutating func write(_ value: Int, _ n: Int) {
        buffer |= UInt64(truncatingIfNeeded: value) << UInt64(count)
        count &+= n
        if count >= 32 {
            let word = UInt32(truncatingIfNeeded: buffer)
            bytes.append(UInt8(truncatingIfNeeded: word))
            bytes.append(UInt8(truncatingIfNeeded: word >> 8))
            bytes.append(UInt8(truncatingIfNeeded: word >> 16))
            bytes.append(UInt8(truncatingIfNeeded: word >> 24))
            buffer >>= 32
            count &-= 32
        }
    }

    /// Pads with zero bits to a byte boundary and flushes the buffer.
    mutating func alignToByte() {
        while count > 0 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count = max(0, count - 8)
        }
        buffer = 0
    }
}

/// An LZ77 symbol: a literal byte, or a match (bit 31 set, length << 16, distance - 1).
typealias LZSymbol = UInt32

enum DeflateBlock {
    static let endOfBlock = 256

    /// Length code index (0-28) for each match length 0...258 (entries below 3 unused).
    static let lengthCode: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 259)
        for code in 0..<29 {
            let base = Int(DeflateAlphabet.lengthBase[code])
            for extra in 0..<(1 << Int(DeflateAlphabet.lengthExtra[code])) where base + extra <= 258 {
                table[base + extra] = UInt8(code)
            }
        }
        table[258] = 28
        return table
    }()

    /// Distance code (0-29) for each distance - 1 in 0..<32768.
    static let distanceCode: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 32768)
        for code in 0..<30 {
            let base = Int(DeflateAlphabet.distanceBase[code])
            for extra in 0..<(1 << Int(DeflateAlphabet.distanceExtra[code])) {
                table[base + extra - 1] = UInt8(code)
            }
        }
        return table
    }()

    static let fixedLiteralLengths: [UInt8] = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for s in 144..<256 { lengths[s] = 9 }
        for s in 256..<280 { lengths[s] = 7 }
        return lengths
    }()
    static let fixedLiteralCodes = HuffmanEncoderBuilder.reversedCodes(fixedLiteralLengths)
    static let fixedDistanceLengths = [UInt8](repeating: 5, count: 30)
    static let fixedDistanceCodes = HuffmanEncoderBuilder.reversedCodes(fixedDistanceLengths)

    /// Writes `symbols` (which encode `input[range]`) as the cheapest block kind.
    static func write(_ symbols: ArraySlice<LZSymbol>, input: UnsafeBufferPointer<UInt8>,
                      range: Range<Int>, final: Bool, to writer: inout BitWriter) {
        var literalFrequency = [Int](repeating: 0, count: 286)
        var distanceFrequency = [Int](repeating: 0, count: 30)
        var extraBits = 0
        for symbol in symbols {
            if symbol & 0x8000_0000 == 0 {
                literalFrequency[Int(symbol)] += 1
            } else {
                let lc = Int(lengthCode[Int((symbol >> 16) & 0x1FF)])
                let dc = Int(distanceCode[Int(symbol & 0xFFFF)])
                literalFrequency[257 + lc] += 1
                distanceFrequency[dc] += 1
                extraBits += Int(DeflateAlphabet.lengthExtra[lc]) + Int(DeflateAlphabet.distanceExtra[dc])
            }
        }
        literalFrequency[endOfBlock] += 1

        // Dynamic code and its header.
        let literalLengths = HuffmanEncoderBuilder.codeLengths(literalFrequency, maxLength: 15)
        var distanceLengths = HuffmanEncoderBuilder.codeLengths(distanceFrequency, maxLength: 15)
        if distanceLengths.allSatisfy({ $0 == 0 }) { distanceLengths[0] = 1; distanceLengths[1] = 1 }
        var literalCount = 286
        while literalCount > 257 && literalLengths[literalCount - 1] == 0 { literalCount -= 1 }
        var distanceCount = 30
        while distanceCount > 1 && distanceLengths[distanceCount - 1] == 0 { distanceCount -= 1 }
        let runs = codeLengthRuns(Array(literalLengths[0..<literalCount]) + Array(distanceLengths[0..<distanceCount]))
        var runFrequency = [Int](repeating: 0, count: 19)
        for run in runs { runFrequency[Int(run.symbol)] += 1 }
        let runLengths = HuffmanEncoderBuilder.codeLengths(runFrequency, maxLength: 7)
        var codeLengthCount = 19
        while codeLengthCount > 4 && runLengths[DeflateAlphabet.codeLengthOrder[codeLengthCount - 1]] == 0 {
            codeLengthCount -= 1
        }
        var dynamicBits = 3 + 14 + 3 * codeLengthCount + extraBits
        for run in runs { dynamicBits += Int(runLengths[Int(run.symbol)]) + run.extraCount }
        var fixedBits = 3 + extraBits
        for s in 0..<286 {
            dynamicBits += literalFrequency[s] * Int(literalLengths[s])
            fixedBits += literalFrequency[s] * Int(fixedLiteralLengths[s])
        }
        for s in 0..<30 {
            dynamicBits += distanceFrequency[s] * Int(distanceLengths[s])
            fixedBits += distanceFrequency[s] * 5
        }
        let storedChunks = max(1, (range.count + 65534) / 65535)
        let storedBits = 8 * range.count + storedChunks * 40 + 7

        if storedBits <= min(fixedBits, dynamicBits) {
            writeStored(input: input, range: range, final: final, to: &writer)
        } else if fixedBits <= dynamicBits {
            writer.write(final ? 1 : 0, 1)
            writer.write(1, 2)
            writeSymbols(symbols, literalLengths: fixedLiteralLengths, literalCodes: fixedLiteralCodes,
                         distanceLengths: fixedDistanceLengths, distanceCodes: fixedDistanceCodes, to: &writer)
        } else {
            writer.write(final ? 1 : 0, 1)
            writer.write(2, 2)
            writer.write(literalCount - 257, 5)
            writer.write(distanceCount - 1, 5)
            writer.write(codeLengthCount - 4, 4)
            for i in 0..<codeLengthCount { writer.write(Int(runLengths[DeflateAlphabet.codeLengthOrder[i]]), 3) }
            let runCodes = HuffmanEncoderBuilder.reversedCodes(runLengths)
            for run in runs {
                writer.write(Int(runCodes[Int(run.symbol)]), Int(runLengths[Int(run.symbol)]))
                if run.extraCount > 0 { writer.write(Int(run.extra), run.extraCount) }
            }
            writeSymbols(symbols, literalLengths: literalLengths,
                         literalCodes: HuffmanEncoderBuilder.reversedCodes(literalLengths),
                         distanceLengths: distanceLengths,
                         distanceCodes: HuffmanEncoderBuilder.reversedCodes(distanceLengths), to: &writer)
        }
    }

    /// `range` of the input as stored blocks of at most 65535 bytes (at least one block).
    static func writeStored(input: UnsafeBufferPointer<UInt8>, range: Range<Int>, final: Bool,
                            to writer: inout BitWriter) {
        var start = range.lowerBound
        repeat {
            let length = min(65535, range.upperBound - start)
            let last = start + length == range.upperBound
            writer.write(final && last ? 1 : 0, 1)
            writer.write(0, 2)
            writer.alignToByte()
            writer.write(length, 16)
            writer.write(length ^ 0xFFFF, 16)
            writer.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<(start + length)]))
            start += length
        } while start < range.upperBound
    }

    static func writeSymbols(_ symbols: ArraySlice<LZSymbol>, literalLengths: [UInt8], literalCodes: [UInt16],
                             distanceLengths: [UInt8], distanceCodes: [UInt16], to writer: inout BitWriter) {
        for symbol in symbols {
            if symbol & 0x8000_0000 == 0 {
                let s = Int(symbol)
                writer.write(Int(literalCodes[s]), Int(literalLengths[s]))
            } else {
                let length = Int((symbol >> 16) & 0x1FF)
                let distance = Int(symbol & 0xFFFF) + 1
                let lc = Int(lengthCode[length])
                writer.write(Int(literalCodes[257 + lc]), Int(literalLengths[257 + lc]))
                let le = Int(DeflateAlphabet.lengthExtra[lc])
                if le > 0 { writer.write(length - Int(DeflateAlphabet.lengthBase[lc]), le) }
                let dc = Int(distanceCode[distance - 1])
                writer.write(Int(distanceCodes[dc]), Int(distanceLengths[dc]))
                let de = Int(DeflateAlphabet.distanceExtra[dc])
                if de > 0 { writer.write(distance - Int(DeflateAlphabet.distanceBase[dc]), de) }
            }
        }
        writer.write(Int(literalCodes[endOfBlock]), Int(literalLengths[endOfBlock]))
    }

    /// One code-length symbol (0-18) with its extra bits.
    struct Run { var symbol: UInt8; var extra: UInt8; var extraCount: Int }

    /// Run-length codes for a dynamic header's code lengths (symbols 16, 17, 18 of section 3.2.7).
    static func codeLengthRuns(_ lengths: [UInt8]) -> [Run] {
        var runs: [Run] = []
        var i = 0
        while i < lengths.count {
            let value = lengths[i]
            var run = 1
            while i + run < lengths.count && lengths[i + run] == value { run += 1 }
            i += run
            if value == 0 {
                while run >= 11 {
                    let take = min(run, 138)
                    runs.append(Run(symbol: 18, extra: UInt8(take - 11), extraCount: 7))
                    run -= take
                }
                if run >= 3 {
                    runs.append(Run(symbol: 17, extra: UInt8(run - 3), extraCount: 3))
                    run = 0
                }
            } else {
                runs.append(Run(symbol: value, extra: 0, extraCount: 0))
                run -= 1
                while run >= 3 {
                    let take = min(run, 6)
                    runs.append(Run(symbol: 16, extra: UInt8(take - 3), extraCount: 2))
                    run -= take
                }
            }
            for _ in 0..<run { runs.append(Run(symbol: value, extra: 0, extraCount: 0)) }
        }
        return runs
    }
}
