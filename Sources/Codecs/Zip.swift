// Zip: the record signatures, field sentinels and little-endian helpers shared by the zip
// reader (Zip+Reader.swift) and writer (Zip+Writer.swift), and the CP437 code page that
// names without the UTF-8 flag are written in. Numbers follow PKWARE's APPNOTE.TXT 6.3:
// local header 4.3.7, central directory header 4.3.12, zip64 records 4.3.14-4.3.15, end of
// central directory 4.3.16, zip64 extra field 4.5.3, general purpose flags 4.4.4, Appendix D.

enum Zip {
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let endRecordSignature: UInt32 = 0x0605_4B50
    static let zip64EndRecordSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let dataDescriptorSignature: UInt32 = 0x0807_4B50

    static let localHeaderSize = 30
    static let centralHeaderSize = 46
    static let endRecordSize = 22
    static let zip64EndRecordSize = 56
    static let zip64LocatorSize = 20
    static let zip64ExtraID: UInt16 = 0x0001

    /// A 32-bit size or offset of 0xFFFFFFFF (a 16-bit count of 0xFFFF) means "see zip64".
    static let saturated32: UInt32 = 0xFFFF_FFFF
    static let saturated16: UInt16 = 0xFFFF

    static let flagEncrypted: UInt16 = 1 << 0
    static let flagDataDescriptor: UInt16 = 1 << 3
    static let flagStrongEncryption: UInt16 = 1 << 6
    static let flagUTF8: UInt16 = 1 << 11

    @inline(__always) static func u16(_ b: [UInt8], _ at: Int) -> UInt16 {
        UInt16(b[at]) | UInt16(b[at + 1]) << 8
    }

    @inline(__always) static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    @inline(__always) static func u64(_ b: [UInt8], _ at: Int) -> UInt64 {
        UInt64(u32(b, at)) | UInt64(u32(b, at + 4)) << 32
    }

    /// A 64-bit field as Int, saturating at Int.max (no archive in memory is that large, so a
    /// saturated value is always out of bounds and refused as such).
    @inline(__always) static func int(_ value: UInt64) -> Int {
        value > UInt64(Int.max) ? Int.max : Int(value)
    }

    static func append16(_ value: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value)); out.append(UInt8(value >> 8))
    }

    static func append32(_ value: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    static func append64(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Decodes an entry name: UTF-8 when flag bit 11 is set, IBM code page 437 otherwise
    /// (APPNOTE Appendix D); CP437 equals ASCII below 0x80.
    static func decodeName(_ raw: ArraySlice<UInt8>, utf8: Bool) -> String {
        if utf8 || raw.allSatisfy({ $0 < 0x80 }) { return String(decoding: raw, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        for byte in raw {
            let code = byte < 0x80 ? UInt32(byte) : UInt32(cp437High[Int(byte) - 0x80])
            scalars.append(Unicode.Scalar(code)!)
        }
        return String(scalars)
    }

    /// Unicode code points of CP437 bytes 0x80...0xFF.
    static let cp437High: [UInt16] = [
        0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
        0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
        0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
        0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
        0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
        0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
        0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
        0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
        0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
        0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
        0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
        0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
        0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,
        0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
        0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
        0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
    ]
}

/// How an entry's data is stored.
public enum ZipMethod: Hashable, Sendable {
    /// Method 0: the bytes as they are.
    case stored
    /// Method 8: raw deflate (RFC 1951).
    case deflated
    /// Any other method number (readable in the listing, refused by `data(for:)`).
    case other(UInt16)

    init(code: UInt16) {
        switch code {
        case 0: self = .stored
        case 8: self = .deflated
        default: self = .other(code)
        }
    }

    var code: UInt16 {
        switch self {
        case .stored: return 0
        case .deflated: return 8
        case .other(let code): return code
        }
    }
}

/// One file in a zip archive, as its central directory header describes it, with the position
/// of its data resolved from the local header.
public struct ZipEntry: Equatable, Sendable {
    /// Position in the central directory.
    public let index: Int
    public let name: String
    public let method: ZipMethod
    /// General purpose bit flags (APPNOTE 4.4.4).
    public let flags: UInt16
    public let crc32: UInt32
    public let compressedSize: Int
    public let uncompressedSize: Int
    /// Offset of the local file header in the archive.
    public let localHeaderOffset: Int
    /// Offset of the first byte of (compressed) data in the archive.
    public let dataOffset: Int

    /// The bytes of the archive holding this entry's (compressed) data.
    public var dataRange: Range<Int> { dataOffset..<(dataOffset + compressedSize) }
    /// Names ending in "/" are directories by convention (APPNOTE 4.3.8).
    public var isDirectory: Bool { name.hasSuffix("/") }
    public var isEncrypted: Bool { flags & (Zip.flagEncrypted | Zip.flagStrongEncryption) != 0 }
    /// Flag bit 3: sizes and CRC follow the data in a data descriptor (the central directory
    /// holds them too, and is what this reader uses).
    public var hasDataDescriptor: Bool { flags & Zip.flagDataDescriptor != 0 }
}
