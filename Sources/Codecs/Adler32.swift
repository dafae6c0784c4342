// Adler32: the checksum that closes every zlib stream (RFC 1950, section 2.2 and 9).
// Two running sums modulo 65521: s1 = 1 + sum of bytes, s2 = sum of the successive s1 values;
// the checksum is s2 << 16 | s1. The fast path defers the modulo for 5552 bytes at a time (the
// longest run for which s2 cannot overflow 32 bits); `naiveChecksum` reduces after every byte.

public enum Adler32 {
    static let modulus: UInt32 = 65521
    /// Largest n with 255 n (n + 1) / 2 + (n + 1)(modulus - 1) <= 2^32 - 1 (RFC 1950 / zlib's NMAX).
    static let maxRun = 5552

    /// The Adler-32 of `bytes`, continuing from `initial` (1 for an empty prefix).
    public static func checksum<C: Collection>(_ bytes: C, initial: UInt32 = 1) -> UInt32
    where C.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ update(initial, $0) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { update(initial, $0) }
    }

    static func update(_ adler: UInt32, _ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var s1 = adler & 0xFFFF
        var s2 = adler >> 16
        var i = 0
        let count = buffer.count
        while i < count {
            let end = min(count, i + maxRun)
            while i < end {
                s1 &+= UInt32(buffer[i])
                s2 &+= s1
                i &+= 1
            }
            s1 %= modulus
            s2 %= modulus
        }
        return s2 << 16 | s1
    }

    /// Reference twin: the definition with a modulo after every byte.
    public static func naiveChecksum(_ bytes: [UInt8], initial: UInt32 = 1) -> UInt32 {
        var s1 = initial & 0xFFFF
        var s2 = initial >> 16
        for byte in bytes {
            s1 = (s1 + UInt32(byte)) % modulus
            s2 = (s2 + s1) % modulus
        }
        return s2 << 16 | s1
    }
}
