// The hot loop of Inflate: one Huffman-coded block (RFC 1951 sections 3.2.5-3.2.6), literals
// and <length, distance> back-references until the end-of-block code. Decoder registers are
// kept in locals for speed and written back to the InflateState before anything that reads
// them (growing the output, building an error, returning). Reading past the end of the input
// is noticed at the next refill, at most 56 bits later, so padding is never decoded for long.

extension InflateState {
    /// Base value << 8 | extra bit count, per length symbol 257...285 and per distance symbol.
    static let lengthCodes: [UInt32] = (0..<29).map {
        UInt32(DeflateAlphabet.lengthBase[$0]) << 8 | UInt32(DeflateAlphabet.lengthExtra[$0])
    }
    static let distanceCodes: [UInt32] = (0..<30).map {
        UInt32(DeflateAlphabet.distanceBase[$0]) << 8 | UInt32(DeflateAlphabet.distanceExtra[$0])
    }

    mutating func decodeBlock(literalLength: UnsafePointer<UInt32>, literalBits: Int,
                              distance: UnsafePointer<UInt32>, distanceBits: Int) throws {
        try InflateState.lengthCodes.withUnsafeBufferPointer { lengthTable in
        try InflateState.distanceCodes.withUnsafeBufferPointer { distanceTable in
            let lengthCodes = lengthTable.baseAddress!, distanceCodes = distanceTable.baseAddress!
            let input = self.input, count = self.count
            let literalMask = (1 << literalBits) &- 1, distanceMask = (1 << distanceBits) &- 1
            let link = HuffmanDecoder.linkFlag
            var buffer = bitBuffer, available = bitCount, position = self.position
            var out = output, written = outputCount, capacity = outputCapacity

            while true {
                if available < 48 {
                    if position &+ 8 <= count {
                        let word = UInt64(littleEndian: UnsafeRawPointer(input + position).loadUnaligned(as: UInt64.self))
                        buffer |= word << UInt64(available)
                        position &+= (63 &- available) >> 3
                        available |= 56
                    } else {
                        if position > count && 8 &* (position &- count) > available {
                            throw DeflateError.truncatedInput
                        }
                        while available <= 56 {
                            if position < count { buffer |= UInt64(input[position]) << UInt64(available) }
                            position &+= 1
                            available &+= 8
                        }
                    }
                }
                var entry = literalLength[Int(truncatingIfNeeded: buffer) & literalMask]
                if entry & link != 0 {
                    buffer >>= UInt64(literalBits)
                    available &-= literalBits
                    entry = literalLength[Int(entry >> 16) &+ (Int(truncatingIfNeeded: buffer) & ((1 << Int(entry & 0x1F)) &- 1))]
                }
                var bits = Int(entry & 0x1F)
                if bits == 0 {
                    bitBuffer = buffer; bitCount = available; self.position = position
                    throw failure(.invalidSymbol(.literalLength, offset: offset))
                }
                buffer >>= UInt64(bits)
                available &-= bits
                let symbol = Int(entry >> 16)
                if symbol < 256 {
                    if written == capacity {
                        bitBuffer = buffer; bitCount = available; self.position = position; outputCount = written
                        try reserve(1)
                        out = output; capacity = outputCapacity
                    }
                    out[written] = UInt8(truncatingIfNeeded: symbol)
                    written &+= 1
                    continue
                }
                if symbol == 256 {
                    bitBuffer = buffer; bitCount = available; self.position = position; outputCount = written
                    if overran { throw DeflateError.truncatedInput }
                    return
                }
                if symbol > 285 {
                    bitBuffer = buffer; bitCount = available; self.position = position
                    throw failure(.invalidSymbol(.literalLength, offset: offset))
                }
                let lengthCode = lengthCodes[symbol &- 257]
                bits = Int(lengthCode & 0xFF)
                let length = Int(lengthCode >> 8) &+ (Int(truncatingIfNeeded: buffer) & ((1 << bits) &- 1))
                buffer >>= UInt64(bits)
                available &-= bits

                entry = distance[Int(truncatingIfNeeded: buffer) & distanceMask]
                if entry & link != 0 {
                    buffer >>= UInt64(distanceBits)
                    available &-= distanceBits
                    entry = distance[Int(entry >> 16) &+ (Int(truncatingIfNeeded: buffer) & ((1 << Int(entry & 0x1F)) &- 1))]
                }
                bits = Int(entry & 0x1F)
                let distanceSymbol = Int(entry >> 16)
                if bits == 0 || distanceSymbol >= 30 {
                    if bits != 0 { buffer >>= UInt64(bits); available &-= bits }
                    bitBuffer = buffer; bitCount = available; self.position = position
                    throw failure(.invalidSymbol(.distance, offset: offset))
                }
                buffer >>= UInt64(bits)
                available &-= bits
                let distanceCode = distanceCodes[distanceSymbol]
                bits = Int(distanceCode & 0xFF)
                let back = Int(distanceCode >> 8) &+ (Int(truncatingIfNeeded: buffer) & ((1 << bits) &- 1))
                buffer >>= UInt64(bits)
                available &-= bits

                if back > written {
                    bitBuffer = buffer; bitCount = available; self.position = position
                    throw failure(.distanceTooFarBack(distance: back, available: written))
                }
                if written &+ length > capacity {
                    bitBuffer = buffer; bitCount = available; self.position = position; outputCount = written
                    try reserve(length)
                    out = output; capacity = outputCapacity
                }
                let to = out + written
                let from = to - back
                if back >= length {
                    to.update(from: from, count: length)
                } else if back == 1 {
                    to.update(repeating: from[0], count: length)
                } else {
                    // Copy in pieces no longer than the distance, so no piece overlaps its source.
                    var k = 0
                    while k < length {
                        let piece = min(back, length &- k)
                        (to + k).update(from: from + k, count: piece)
                        k &+= piece
                    }
                }
                written &+= length
            }
        }}
    }
}
