// Huffman decoding tables for JPEG entropy-coded data (T.81 Annex C: code generation from the
// BITS/HUFFVAL lists of a DHT segment; F.2.2.3: decoding by MAXCODE/VALPTR). A 9-bit lookahead
// table resolves short codes in one step; for AC tables a second table also resolves the
// coefficient's extra bits when code + extra bits fit in 9 bits (most coefficients of photos).
// Invalid codes behave as in libjpeg: 17 bits are consumed and symbol 0 is returned.

extension JPEG {
    /// A table as a DHT segment defines it (validated further when a scan uses it).
    struct HuffmanSpecification: Equatable {
        /// Number of codes of each length 1...16.
        var counts: [UInt8]
        /// Symbols in code order.
        var symbols: [UInt8]
        /// Offset of the DHT segment that defined it, for error reports.
        var offset: Int
    }

    /// Bits of lookahead resolved by one table read.
    static let huffmanLookaheadBits = 9

    /// Derived decoding tables (T.81 C.1, C.2, F.15), with stable addresses for the hot loops.
    final class HuffmanTable {
        /// (code length << 8) | symbol for each 9-bit prefix; 0 when the code is longer.
        let lookup: UnsafeMutablePointer<UInt16>
        /// AC only: (value << 16) | (run << 4) | (code length + extra bits) for each 9-bit
        /// prefix holding a whole nonzero coefficient; 0 otherwise.
        let fastAC: UnsafeMutablePointer<Int32>
        /// Largest code of each length (index 1...16, -1 if none); index 17 is a sentinel.
        let maxCode: UnsafeMutablePointer<Int32>
        /// Symbol index minus first code, per length.
        let valueOffset: UnsafeMutablePointer<Int32>
        /// HUFFVAL padded with zeros to 256 entries.
        let values: UnsafeMutablePointer<UInt8>

        /// Builds the tables, or says why the code lengths are impossible.
        init(_ spec: HuffmanSpecification, isDC: Bool) throws {
            let size = 1 << JPEG.huffmanLookaheadBits
            lookup = .allocate(capacity: size)
            lookup.initialize(repeating: 0, count: size)
            fastAC = .allocate(capacity: size)
            fastAC.initialize(repeating: 0, count: size)
            maxCode = .allocate(capacity: 18)
            maxCode.initialize(repeating: -1, count: 18)
            valueOffset = .allocate(capacity: 18)
            valueOffset.initialize(repeating: 0, count: 18)
            values = .allocate(capacity: 256)
            values.initialize(repeating: 0, count: 256)

            let total = spec.counts.reduce(0) { $0 + Int($1) }
            guard total <= 256, spec.symbols.count == total else {
                throw JPEGError.invalidHuffmanTable(.badCodeCount(total), offset: spec.offset)
            }
            for (i, s) in spec.symbols.enumerated() { values[i] = s }
            if isDC, let bad = spec.symbols.first(where: { $0 > 15 }) {
                throw JPEGError.invalidHuffmanTable(.dcSymbolOutOfRange(bad), offset: spec.offset)
            }
            // C.2: canonical codes; each length's codes must fit in that many bits.
            var codes = [Int](repeating: 0, count: total)
            var lengths = [Int](repeating: 0, count: total)
            var code = 0, index = 0
            for length in 1...16 {
                let n = Int(spec.counts[length - 1])
                if n > 0 {
                    valueOffset[length] = Int32(index - code)
                    for _ in 0..<n {
                        codes[index] = code; lengths[index] = length
                        index += 1; code += 1
                    }
                    maxCode[length] = Int32(code - 1)
                }
                // libjpeg also refuses a code of all ones (the last code of a full length).
                guard code < 1 << length else {
                    throw JPEGError.invalidHuffmanTable(.oversubscribed, offset: spec.offset)
                }
                code <<= 1
            }
            maxCode[17] = 0xFFFFF
            let k = JPEG.huffmanLookaheadBits
            for i in 0..<total where lengths[i] <= k {
                let shift = k - lengths[i]
                let first = codes[i] << shift
                let entry = UInt16(lengths[i] << 8) | UInt16(spec.symbols[i])
                for j in 0..<(1 << shift) { lookup[first + j] = entry }
            }
            guard !isDC else { return }
            for prefix in 0..<size {
                let entry = Int(lookup[prefix])
                guard entry != 0 else { continue }
                let length = entry >> 8, symbol = entry & 0xFF
                let run = symbol >> 4, extra = symbol & 15
                guard extra != 0, length + extra <= k else { continue }
                let bits = (prefix >> (k - length - extra)) & ((1 << extra) - 1)
                let value = JPEG.extend(bits, extra)
                fastAC[prefix] = Int32(value << 16 | run << 4 | (length + extra))
            }
        }

        /// The tables as plain pointers for the hot loops (valid while this object lives).
        var pointers: HuffmanPointers {
            HuffmanPointers(lookup: lookup, fastAC: fastAC, maxCode: maxCode, valueOffset: valueOffset, values: values)
        }

        deinit {
            lookup.deallocate(); fastAC.deallocate(); maxCode.deallocate()
            valueOffset.deallocate(); values.deallocate()
        }
    }

    /// A `HuffmanTable`'s arrays without reference counting, for the block decoders.
    struct HuffmanPointers {
        let lookup: UnsafeMutablePointer<UInt16>
        let fastAC: UnsafeMutablePointer<Int32>
        let maxCode: UnsafeMutablePointer<Int32>
        let valueOffset: UnsafeMutablePointer<Int32>
        let values: UnsafeMutablePointer<UInt8>
    }

    /// T.81 F.2.2.1 EXTEND: the signed value of `bits`, an `count`-bit magnitude category.
    @inline(__always) static func extend(_ bits: Int, _ count: Int) -> Int {
        bits < 1 << (count - 1) ? bits - (1 << count) + 1 : bits
    }

    /// The example tables of T.81 K.3 (Tables K.3-K.6), which libjpeg also assumes for
    /// sequential scans whose DC/AC table 0 or 1 was never defined (Motion-JPEG frames).
    static func standardHuffmanSpecification(dc: Bool, index: Int) -> HuffmanSpecification? {
        switch (dc, index) {
        case (true, 0):
            return HuffmanSpecification(counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
                                        symbols: Array(0...11), offset: -1)
        case (true, 1):
            return HuffmanSpecification(counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
                                        symbols: Array(0...11), offset: -1)
        case (false, 0):
            return HuffmanSpecification(
                counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D],
                symbols: [
                    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51,
                    0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1,
                    0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18,
                    0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
                    0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57,
                    0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75,
                    0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92,
                    0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
                    0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
                    0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8,
                    0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2,
                    0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA],
                offset: -1)
        case (false, 1):
            return HuffmanSpecification(
                counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
                symbols: [
                    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07,
                    0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09,
                    0x23, 0x33, 0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25,
                    0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38,
                    0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56,
                    0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74,
                    0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
                    0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5,
                    0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA,
                    0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6,
                    0xD7, 0xD8, 0xD9, 0xDA, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2,
                    0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA],
                offset: -1)
        default:
            return nil
        }
    }
}
