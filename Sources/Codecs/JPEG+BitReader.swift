// Bit reader for JPEG entropy-coded segments (T.81 F.2.2.5, B.1.1.5): a 64-bit MSB-first bit
// buffer refilled 8 bytes at a time when no 0xFF byte is among them, else byte by byte with
// stuffed-zero (FF 00) and fill-byte (FF FF) removal. It stops at the first marker; past it the
// data reads as zero bits, as in libjpeg, and `bitCount` going negative tells how far the decoder
// read into those zeros. Restart markers are resynchronised with libjpeg's rules (jdmarker.c).

extension JPEG {
    struct BitReader {
        let base: UnsafePointer<UInt8>
        let end: Int
        /// Next byte to load.
        var position: Int
        /// Unconsumed bits, most significant first; bits below `bitCount` are zero.
        var buffer: UInt64 = 0
        /// Real data bits in `buffer`; negative once the decoder consumed padding zeros.
        var bitCount = 0
        /// A marker code the reader stopped at (0 = none), and the offset of its FF byte.
        var marker: UInt8 = 0
        var markerOffset = 0
        /// The data ended without a marker (the file is truncated).
        var reachedEnd = false

        init(data: UnsafeBufferPointer<UInt8>, position: Int) {
            base = data.baseAddress!
            end = data.count
            self.position = position
        }

        /// No more real data will come (a marker or the end of the file was reached).
        @inline(__always) var isStopped: Bool { marker != 0 || reachedEnd }

        /// Loads bytes until at least 57 bits are buffered or the data stops.
        @inline(never) mutating func refill() {
            while bitCount <= 56 {
                if marker != 0 || reachedEnd { return }
                if position &+ 8 <= end {
                    let word = UInt64(bigEndianBytesAt: base + position)
                    let inverted = ~word
                    let hasFF = (inverted &- 0x0101_0101_0101_0101) & ~inverted & 0x8080_8080_8080_8080
                    if hasFF == 0 {
                        let take = (64 &- bitCount) >> 3
                        let bits = take << 3
                        buffer |= (word >> UInt64(64 &- bits)) << UInt64(64 &- bitCount &- bits)
                        position &+= take
                        bitCount &+= bits
                        continue
                    }
                }
                guard position < end else { reachedEnd = true; return }
                let byte = base[position]
                if byte == 0xFF {
                    var p = position &+ 1
                    while p < end && base[p] == 0xFF { p &+= 1 }
                    guard p < end else { reachedEnd = true; return }
                    if base[p] != 0 {
                        marker = base[p]
                        markerOffset = p &- 1
                        position = p &+ 1
                        return
                    }
                    position = p &+ 1
                } else {
                    position &+= 1
                }
                buffer |= UInt64(byte) << UInt64(56 &- bitCount)
                bitCount &+= 8
            }
        }

        @inline(__always) mutating func consume(_ n: Int) {
            buffer <<= UInt64(truncatingIfNeeded: n)
            bitCount &-= n
        }

        /// The next `n` bits (1...32) as an unsigned value.
        @inline(__always) mutating func bits(_ n: Int) -> Int {
            if bitCount < n { refill() }
            let value = Int(truncatingIfNeeded: buffer >> UInt64(truncatingIfNeeded: 64 &- n))
            consume(n)
            return value
        }

        /// One bit.
        @inline(__always) mutating func bit() -> Int {
            if bitCount < 1 { refill() }
            let value = Int(truncatingIfNeeded: buffer >> 63)
            consume(1)
            return value
        }

        /// `n` (1...16) bits read as the signed value of magnitude category `n` (F.2.2.1).
        @inline(__always) mutating func receiveExtend(_ n: Int) -> Int {
            if bitCount < n { refill() }
            let r = Int(truncatingIfNeeded: buffer >> UInt64(truncatingIfNeeded: 64 &- n))
            consume(n)
            return r &+ (((r >> (n &- 1)) &- 1) & ((-1 << n) &+ 1))
        }

        /// One Huffman-coded symbol (F.2.2.3).
        @inline(__always) mutating func decode(_ table: HuffmanPointers) -> Int {
            if bitCount < 17 { refill() }
            let entry = Int(table.lookup[Int(truncatingIfNeeded: buffer >> 55)])
            if entry != 0 {
                consume(entry >> 8)
                return entry & 0xFF
            }
            let long = longCode(table)
            consume(long >> 8)
            return long & 0xFF
        }

        /// (length << 8) | symbol of the code longer than 9 bits at the head of the buffer;
        /// an invalid code has length 17 and symbol 0, as in libjpeg.
        @inline(never) func longCode(_ table: HuffmanPointers) -> Int {
            for length in 10...16 {
                let code = Int32(truncatingIfNeeded: buffer >> UInt64(64 - length))
                if code <= table.maxCode[length] {
                    return length << 8 | Int(table.values[Int((code &+ table.valueOffset[length]) & 0xFF)])
                }
            }
            return 17 << 8
        }

        /// Skips to the next marker (T.81 B.1.1.2), leaving it in `marker`; sets `reachedEnd`
        /// when the data ends first.
        mutating func seekMarker() {
            buffer = 0
            bitCount = 0
            while marker == 0 {
                while position < end && base[position] != 0xFF { position &+= 1 }
                var p = position &+ 1
                while p < end && base[p] == 0xFF { p &+= 1 }
                guard p < end else { position = end; reachedEnd = true; return }
                if base[p] != 0 {
                    marker = base[p]
                    markerOffset = p &- 1
                }
                position = p &+ 1
            }
        }

        /// Restart processing between intervals (libjpeg's read_restart_marker and
        /// jpeg_resync_to_restart): drops buffered bits, consumes RST`expected`, or decides
        /// whether to skip ahead or to leave a wrong marker for the next interval (which then
        /// reads as empty).
        mutating func processRestart(expected: Int) {
            buffer = 0
            bitCount = 0
            if marker == 0 { seekMarker() }
            while !reachedEnd {
                let m = Int(marker)
                if m == 0xD0 + expected { marker = 0; return }
                let action: Int
                if m < 0xC0 {
                    action = 2
                } else if m < 0xD0 || m > 0xD7 {
                    action = 3
                } else if m == 0xD0 + ((expected + 1) & 7) || m == 0xD0 + ((expected + 2) & 7) {
                    action = 3
                } else if m == 0xD0 + ((expected - 1) & 7) || m == 0xD0 + ((expected - 2) & 7) {
                    action = 2
                } else {
                    action = 1
                }
                switch action {
                case 1: marker = 0; return
                case 2: marker = 0; seekMarker()
                default: return
                }
            }
        }
    }
}

extension UInt64 {
    /// The 8 bytes at `pointer` read as a big-endian integer (no alignment needed).
    @inline(__always) init(bigEndianBytesAt pointer: UnsafePointer<UInt8>) {
        self = UInt64(bigEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }
}

extension JPEG {
    /// The hot part of a `BitReader` (buffer and bit count) as a local value: decoders keep it
    /// in registers and touch the reader only to refill. Same semantics as the reader's methods.
    struct BitCache {
        var buffer: UInt64
        var count: Int

        @inline(__always) init(_ reader: BitReader) {
            buffer = reader.buffer
            count = reader.bitCount
        }

        @inline(__always) func store(into reader: inout BitReader) {
            reader.buffer = buffer
            reader.bitCount = count
        }

        @inline(__always) mutating func fill(_ n: Int, _ reader: inout BitReader) {
            if count < n {
                store(into: &reader)
                reader.refill()
                buffer = reader.buffer
                count = reader.bitCount
            }
        }

        @inline(__always) mutating func consume(_ n: Int) {
            buffer <<= UInt64(truncatingIfNeeded: n)
            count &-= n
        }

        @inline(__always) mutating func bit(_ reader: inout BitReader) -> Int {
            fill(1, &reader)
            let value = Int(truncatingIfNeeded: buffer >> 63)
            consume(1)
            return value
        }

        @inline(__always) mutating func bits(_ n: Int, _ reader: inout BitReader) -> Int {
            fill(n, &reader)
            let value = Int(truncatingIfNeeded: buffer >> UInt64(truncatingIfNeeded: 64 &- n))
            consume(n)
            return value
        }

        @inline(__always) mutating func receiveExtend(_ n: Int, _ reader: inout BitReader) -> Int {
            let r = bits(n, &reader)
            return r &+ (((r >> (n &- 1)) &- 1) & ((-1 << n) &+ 1))
        }

        @inline(__always) mutating func decode(_ table: HuffmanPointers, _ reader: inout BitReader) -> Int {
            fill(17, &reader)
            let entry = Int(table.lookup[Int(truncatingIfNeeded: buffer >> 55)])
            if entry != 0 {
                consume(entry >> 8)
                return entry & 0xFF
            }
            reader.buffer = buffer
            let long = reader.longCode(table)
            consume(long >> 8)
            return long & 0xFF
        }
    }
}
