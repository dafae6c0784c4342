// CRC32: the cyclic redundancy check of ISO 3309 / ITU-T V.42 (reflected polynomial 0xEDB88320)
// that guards every PNG chunk (PNG spec, 2nd ed., section 5.5 and annex D) and every zip entry.
// Fast path: slicing-by-8, eight 256-entry tables that consume eight input bytes per step;
// `naiveChecksum` is the bit-at-a-time twin the tests compare it with. `initial` continues a
// running checksum: checksum(a + b) == checksum(b, initial: checksum(a)).

public enum CRC32 {
    /// The reflected generator polynomial x^32 + x^26 + ... + 1.
    static let polynomial: UInt32 = 0xEDB8_8320

    /// Eight lookup tables of 256 entries, flattened: table k gives the CRC contribution of a
    /// byte that still has k more bytes after it in the current 8-byte group.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = (c & 1) != 0 ? polynomial ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = t[(k - 1) * 256 + n]
                t[k * 256 + n] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        return t
    }()

    /// The CRC-32 of `bytes`, continuing from `initial` (the CRC of everything before them).
    public static func checksum<C: Collection>(_ bytes: C, initial: UInt32 = 0) -> UInt32
    where C.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ update(~initial, $0) }) {
            return ~result
        }
        return ~Array(bytes).withUnsafeBufferPointer { update(~initial, $0) }
    }

    /// Runs the (pre-inverted) register `crc` over `buffer`.
    static func update(_ crc: UInt32, _ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var c = crc
        let count = buffer.count
        guard count > 0, let base = buffer.baseAddress else { return c }
        tables.withUnsafeBufferPointer { tp in
            let t = tp.baseAddress!
            var i = 0
            while i &+ 8 <= count {
                let lo = UInt32(base[i]) | UInt32(base[i &+ 1]) << 8
                    | UInt32(base[i &+ 2]) << 16 | UInt32(base[i &+ 3]) << 24
                let x = c ^ lo
                c = t[7 &* 256 &+ Int(x & 0xFF)] ^ t[6 &* 256 &+ Int((x >> 8) & 0xFF)]
                    ^ t[5 &* 256 &+ Int((x >> 16) & 0xFF)] ^ t[4 &* 256 &+ Int(x >> 24)]
                    ^ t[3 &* 256 &+ Int(base[i &+ 4])] ^ t[2 &* 256 &+ Int(base[i &+ 5])]
                    ^ t[256 &+ Int(base[i &+ 6])] ^ t[Int(base[i &+ 7])]
                i &+= 8
            }
            while i < count {
                c = (c >> 8) ^ t[Int((c ^ UInt32(base[i])) & 0xFF)]
                i &+= 1
            }
        }
        return c
    }

    /// Bit-at-a-time reference implementation (the spec's definition, no tables).
    public static func naiveChecksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt32 {
        var c = ~initial
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = (c & 1) != 0 ? polynomial ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }
}
