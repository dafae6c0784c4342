// Inflate: the RFC 1951 (DEFLATE) decoder behind Zlib, PNG and zip. Reads blocks until the one
// marked final: stored (section 3.2.4), fixed Huffman (3.2.6) and dynamic Huffman (3.2.7),
// with LZ77 back-references of up to 32 KiB (3.2.5). A 64-bit bit buffer refilled eight bytes
// at a time feeds table-driven Huffman decoding (Inflate+Huffman.swift). Untrusted input: every
// malformed stream ends in a DeflateError, output never exceeds `outputLimit`, and each step
// consumes input, so decoding always terminates.

public enum Inflate {
    /// Decompresses the raw deflate stream at the start of `data`, up to its final block.
    /// Bytes after the stream are ignored.
    public static func decompress(_ data: [UInt8], outputLimit: Int) throws -> [UInt8] {
        try decompress(data, startingAt: 0, outputLimit: outputLimit).output
    }

    /// Decompresses the raw deflate stream starting at `data[start]`; also returns how many
    /// bytes it occupied (its last, partly used byte included).
    public static func decompress(_ data: [UInt8], startingAt start: Int,
                                  outputLimit: Int) throws -> (output: [UInt8], consumedBytes: Int) {
        precondition(start >= 0 && start <= data.count, "start \(start) outside 0...\(data.count)")
        precondition(outputLimit >= 0, "outputLimit must not be negative")
        return try data.withUnsafeBufferPointer { buffer in
            guard start < buffer.count, let base = buffer.baseAddress else { throw DeflateError.truncatedInput }
            var state = InflateState(input: base + start, count: buffer.count - start,
                                     startOffset: start, outputLimit: outputLimit)
            defer { state.output.deallocate() }
            try state.run()
            return (Array(UnsafeBufferPointer(start: state.output, count: state.outputCount)),
                    state.consumedBytes)
        }
    }
}

/// The decoder's registers: input position, bit buffer and the growing output.
struct InflateState {
    let input: UnsafePointer<UInt8>
    let count: Int
    /// Offset of `input` in the caller's array, so error offsets refer to the caller's bytes.
    let startOffset: Int
    let outputLimit: Int
    /// Bytes of input loaded into the bit buffer, counting zero bytes past the end.
    var position = 0
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    var output: UnsafeMutablePointer<UInt8>
    var outputCapacity: Int
    var outputCount = 0

    init(input: UnsafePointer<UInt8>, count: Int, startOffset: Int, outputLimit: Int) {
        self.input = input
        self.count = count
        self.startOffset = startOffset
        self.outputLimit = outputLimit
        outputCapacity = max(1, min(outputLimit, max(4096, count &* 4)))
        output = UnsafeMutablePointer<UInt8>.allocate(capacity: outputCapacity)
    }

    /// Bytes of input fully or partly consumed so far.
    var consumedBytes: Int { min(count, position - bitCount / 8) }

    /// Byte offset (in the caller's array) of the byte holding the next unread bit, for errors.
    var offset: Int { startOffset + min(count, (8 &* position &- bitCount) >> 3) }

    /// True when bits past the end of the input have been consumed.
    @inline(__always) var overran: Bool { position > count && 8 &* (position &- count) > bitCount }

    /// Tops the bit buffer up to at least 56 bits (zero bits past the end of the input).
    @inline(__always) mutating func refill() {
        if position &+ 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(input + position).loadUnaligned(as: UInt64.self))
            bitBuffer |= word << UInt64(bitCount)
            position &+= (63 &- bitCount) >> 3
            bitCount |= 56
        } else {
            while bitCount <= 56 {
                if position < count { bitBuffer |= UInt64(input[position]) << UInt64(bitCount) }
                position &+= 1
                bitCount &+= 8
            }
        }
    }

    /// The next `n` bits (n <= 32), LSB-first. Call `refill` first when fewer may be buffered.
    @inline(__always) mutating func bits(_ n: Int) -> Int {
        let value = Int(truncatingIfNeeded: bitBuffer & ((1 << UInt64(n)) &- 1))
        bitBuffer >>= UInt64(n)
        bitCount &-= n
        return value
    }

    /// `error`, unless the input ran out first (then that is the real problem).
    func failure(_ error: DeflateError) -> DeflateError { overran ? .truncatedInput : error }

    /// Decodes one symbol with `table`; the buffer must hold at least 15 bits.
    @inline(__always) mutating func decode(_ table: UnsafePointer<UInt32>, primaryBits: Int,
                                           which: DeflateError.HuffmanTable) throws -> Int {
        var entry = table[Int(truncatingIfNeeded: bitBuffer) & ((1 << primaryBits) &- 1)]
        if entry & HuffmanDecoder.linkFlag != 0 {
            bitBuffer >>= UInt64(primaryBits)
            bitCount &-= primaryBits
            let width = Int(entry & 0x1F)
            entry = table[Int(entry >> 16) &+ (Int(truncatingIfNeeded: bitBuffer) & ((1 << width) &- 1))]
        }
        let length = Int(entry & 0x1F)
        if length == 0 { throw failure(.invalidSymbol(which, offset: offset)) }
        bitBuffer >>= UInt64(length)
        bitCount &-= length
        return Int(entry >> 16)
    }

    /// Makes room for `extra` more output bytes, within the limit.
    @inline(__always) mutating func reserve(_ extra: Int) throws {
        let needed = outputCount &+ extra
        if needed <= outputCapacity { return }
        if needed > outputLimit { throw failure(.outputLimitExceeded(limit: outputLimit)) }
        let newCapacity = min(outputLimit, max(needed, outputCapacity &* 2))
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: output, count: outputCount)
        output.deallocate()
        output = grown
        outputCapacity = newCapacity
    }

    mutating func run() throws {
        while true {
            refill()
            let headerOffset = offset
            let final = bits(1)
            let type = bits(2)
            if overran { throw DeflateError.truncatedInput }
            switch type {
            case 0: try copyStoredBlock()
            case 1:
                try HuffmanDecoder.fixedLiteralLength.entries.withUnsafeBufferPointer { lit in
                    try HuffmanDecoder.fixedDistance.entries.withUnsafeBufferPointer { dist in
                        try decodeBlock(literalLength: lit.baseAddress!, literalBits: 9,
                                        distance: dist.baseAddress!, distanceBits: 5)
                    }
                }
            case 2:
                let (lit, dist) = try readDynamicTables()
                try lit.entries.withUnsafeBufferPointer { l in
                    try dist.entries.withUnsafeBufferPointer { d in
                        try decodeBlock(literalLength: l.baseAddress!, literalBits: lit.primaryBits,
                                        distance: d.baseAddress!, distanceBits: dist.primaryBits)
                    }
                }
            default: throw DeflateError.invalidBlockType(offset: headerOffset)
            }
            if final == 1 { return }
        }
    }

    /// Section 3.2.4: skip to a byte boundary, LEN, NLEN, then LEN literal bytes.
    mutating func copyStoredBlock() throws {
        _ = bits(bitCount & 7)
        refill()
        let headerOffset = offset
        let length = bits(16)
        let complement = bits(16)
        if overran { throw DeflateError.truncatedInput }
        if length != complement ^ 0xFFFF {
            throw DeflateError.storedLengthMismatch(length: length, complement: complement, offset: headerOffset)
        }
        // Hand the whole bytes still in the buffer back to the input.
        position -= bitCount / 8
        bitBuffer = 0
        bitCount = 0
        guard count - position >= length else { throw DeflateError.truncatedInput }
        try reserve(length)
        (output + outputCount).update(from: input + position, count: length)
        outputCount += length
        position += length
    }

    /// Section 3.2.7: HLIT, HDIST, HCLEN, the code-length code, then both codes' lengths.
    mutating func readDynamicTables() throws -> (HuffmanDecoder, HuffmanDecoder) {
        refill()
        let headerOffset = offset
        let literalCount = bits(5) + 257
        let distanceCount = bits(5) + 1
        let codeLengthCount = bits(4) + 4
        if literalCount > 286 || distanceCount > 30 {
            throw failure(.tooManyCodes(literalLength: literalCount, distance: distanceCount, offset: headerOffset))
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeLengthCount {
            refill()
            codeLengthLengths[DeflateAlphabet.codeLengthOrder[i]] = UInt8(bits(3))
        }
        if overran { throw DeflateError.truncatedInput }
        let codeLengthCode = try HuffmanDecoder(lengths: codeLengthLengths, primaryBits: 7, table: .codeLength)
        var lengths = [UInt8](repeating: 0, count: literalCount + distanceCount)
        try codeLengthCode.entries.withUnsafeBufferPointer { table in
            var i = 0
            while i < lengths.count {
                refill()
                let symbol = try decode(table.baseAddress!, primaryBits: 7, which: .codeLength)
                if symbol < 16 {
                    lengths[i] = UInt8(symbol)
                    i += 1
                    continue
                }
                var value: UInt8 = 0
                let repeatCount: Int
                switch symbol {
                case 16:
                    if i == 0 { throw failure(.invalidCodeLengthRepeat(offset: offset)) }
                    value = lengths[i - 1]
                    repeatCount = 3 + bits(2)
                case 17: repeatCount = 3 + bits(3)
                default: repeatCount = 11 + bits(7)
                }
                if i + repeatCount > lengths.count { throw failure(.invalidCodeLengthRepeat(offset: offset)) }
                for j in i..<(i + repeatCount) { lengths[j] = value }
                i += repeatCount
                if overran { throw DeflateError.truncatedInput }
            }
        }
        if overran { throw DeflateError.truncatedInput }
        if lengths[256] == 0 { throw DeflateError.missingEndOfBlock(offset: headerOffset) }
        let literalLength = try HuffmanDecoder(lengths: Array(lengths[0..<literalCount]), primaryBits: 10,
                                               table: .literalLength)
        let distance = try HuffmanDecoder(lengths: Array(lengths[literalCount...]), primaryBits: 8,
                                          table: .distance)
        return (literalLength, distance)
    }

    /// Sections 3.2.5-3.2.6: literals and <length, distance> pairs until end-of-block.
    mutating func decodeBlock(literalLength: UnsafePointer<UInt32>, literalBits: Int,
                              distance: UnsafePointer<UInt32>, distanceBits: Int) throws {
        try DeflateAlphabet.lengthBase.withUnsafeBufferPointer { lengthBase in
        try DeflateAlphabet.lengthExtra.withUnsafeBufferPointer { lengthExtra in
        try DeflateAlphabet.distanceBase.withUnsafeBufferPointer { distanceBase in
        try DeflateAlphabet.distanceExtra.withUnsafeBufferPointer { distanceExtra in
            while true {
                if bitCount < 48 { refill() }
                var symbol = try decode(literalLength, primaryBits: literalBits, which: .literalLength)
                if symbol < 256 {
                    if outputCount == outputCapacity { try reserve(1) }
                    output[outputCount] = UInt8(truncatingIfNeeded: symbol)
                    outputCount &+= 1
                } else if symbol == 256 {
                    if overran { throw DeflateError.truncatedInput }
                    return
                } else {
                    symbol &-= 257
                    if symbol >= 29 { throw failure(.invalidSymbol(.literalLength, offset: offset)) }
                    let length = Int(lengthBase[symbol]) &+ bits(Int(lengthExtra[symbol]))
                    let d = try decode(distance, primaryBits: distanceBits, which: .distance)
                    if d >= 30 { throw failure(.invalidSymbol(.distance, offset: offset)) }
                    let dist = Int(distanceBase[d]) &+ bits(Int(distanceExtra[d]))
                    if dist > outputCount {
                        throw failure(.distanceTooFarBack(distance: dist, available: outputCount))
                    }
                    if outputCount &+ length > outputCapacity { try reserve(length) }
                    let to = output + outputCount
                    let from = to - dist
                    if dist >= length {
                        to.update(from: from, count: length)
                    } else {
                        for k in 0..<length { to[k] = from[k] }
                    }
                    outputCount &+= length
                }
                if overran { throw DeflateError.truncatedInput }
            }
        }}}}
    }
}
