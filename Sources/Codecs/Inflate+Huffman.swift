// Huffman decoding tables for Inflate: a canonical prefix code (RFC 1951 section 3.2.2) given
// by its code lengths, turned into a lookup table indexed by the next `primaryBits` input bits
// (read LSB-first, so codes are stored bit-reversed), with second-level subtables for longer
// codes. Building checks the Kraft inequality: over-subscribed codes are always refused and
// incomplete codes only accepted where zlib accepts them (a single code of length one).

/// A canonical Huffman code as lookup tables.
///
/// Entry layout (UInt32): bits 0-4 = bits to consume (0 = no such code), bits 16-31 = symbol.
/// A link to a subtable has bit 15 set, bits 0-4 = the subtable's index width and bits 16-31 =
/// its offset in `entries`.
struct HuffmanDecoder {
    static let linkFlag: UInt32 = 0x8000
    static let maxCodeLength = 15

    let entries: [UInt32]
    let primaryBits: Int

    /// Builds the decoder for `lengths[s]` = code length of symbol `s` (0 = unused).
    init(lengths: [UInt8], primaryBits: Int, table: DeflateError.HuffmanTable) throws {
        self.primaryBits = primaryBits
        var count = [Int](repeating: 0, count: HuffmanDecoder.maxCodeLength + 1)
        for length in lengths { count[Int(length)] += 1 }
        count[0] = 0
        var left = 1
        var longest = 0
        for length in 1...HuffmanDecoder.maxCodeLength {
            left = left << 1 - count[length]
            if left < 0 { throw DeflateError.overSubscribedCode(table) }
            if count[length] > 0 { longest = length }
        }
        // zlib's rule: an empty code is fine (a decode through it fails), an incomplete one only
        // when it is a single code of length one and not the code-length code.
        if longest > 0 && left > 0 && (table == .codeLength || longest != 1) {
            throw DeflateError.incompleteCode(table)
        }

        var nextCode = [Int](repeating: 0, count: HuffmanDecoder.maxCodeLength + 2)
        var code = 0
        for length in 1...HuffmanDecoder.maxCodeLength {
            code = (code + count[length - 1]) << 1
            nextCode[length] = code
        }
        // Bit-reversed code of every used symbol.
        var reversed = [Int](repeating: 0, count: lengths.count)
        for symbol in lengths.indices where lengths[symbol] > 0 {
            let length = Int(lengths[symbol])
            let c = nextCode[length]
            nextCode[length] += 1
            var r = 0
            for bit in 0..<length { r |= ((c >> bit) & 1) << (length - 1 - bit) }
            reversed[symbol] = r
        }

        let primarySize = 1 << primaryBits
        let primaryMask = primarySize - 1
        var subBits = [Int](repeating: 0, count: primarySize)
        for symbol in lengths.indices where Int(lengths[symbol]) > primaryBits {
            let prefix = reversed[symbol] & primaryMask
            subBits[prefix] = max(subBits[prefix], Int(lengths[symbol]) - primaryBits)
        }
        var subOffset = [Int](repeating: 0, count: primarySize)
        var total = primarySize
        for prefix in 0..<primarySize where subBits[prefix] > 0 {
            subOffset[prefix] = total
            total += 1 << subBits[prefix]
        }
        var entries = [UInt32](repeating: 0, count: total)
        for prefix in 0..<primarySize where subBits[prefix] > 0 {
            entries[prefix] = UInt32(subOffset[prefix]) << 16 | HuffmanDecoder.linkFlag | UInt32(subBits[prefix])
        }
        for symbol in lengths.indices where lengths[symbol] > 0 {
            let length = Int(lengths[symbol])
            let r = reversed[symbol]
            if length <= primaryBits {
                let entry = UInt32(symbol) << 16 | UInt32(length)
                var i = r
                while i < primarySize { entries[i] = entry; i += 1 << length }
            } else {
                let prefix = r & primaryMask
                let rest = length - primaryBits
                let entry = UInt32(symbol) << 16 | UInt32(rest)
                var i = r >> primaryBits
                let size = 1 << subBits[prefix]
                while i < size { entries[subOffset[prefix] + i] = entry; i += 1 << rest }
            }
        }
        self.entries = entries
    }

    /// The fixed literal/length code of RFC 1951 section 3.2.6.
    static let fixedLiteralLength: HuffmanDecoder = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for s in 144..<256 { lengths[s] = 9 }
        for s in 256..<280 { lengths[s] = 7 }
        return try! HuffmanDecoder(lengths: lengths, primaryBits: 9, table: .literalLength)
    }()

    /// The fixed distance code: 32 codes of five bits (30 and 31 never valid in data).
    static let fixedDistance: HuffmanDecoder =
        try! HuffmanDecoder(lengths: [UInt8](repeating: 5, count: 32), primaryBits: 5, table: .distance)
}

/// Length and distance symbol meanings (RFC 1951 section 3.2.5), shared by Inflate and Deflate.
enum DeflateAlphabet {
    static let lengthBase: [UInt16] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                       35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                       3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [UInt16] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                         257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                         8193, 12289, 16385, 24577]
    static let distanceExtra: [UInt8] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                         7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    /// Order in which a dynamic block lists the code-length code's lengths (section 3.2.7).
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
}
