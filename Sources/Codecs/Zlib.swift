// Zlib: the RFC 1950 container around a deflate stream, as PNG's IDAT data uses it.
// Two header bytes (CMF: method 8 and window size; FLG: check bits, FDICT, FLEVEL; together a
// multiple of 31, section 2.2), the raw deflate data (Inflate / Deflate), then the big-endian
// Adler-32 of the uncompressed bytes (section 2.2, Adler32.swift). Preset dictionaries (FDICT)
// are valid zlib but not used by PNG; they are refused as unsupported.

public enum ZlibError: Error, Equatable, Sendable {
    /// Fewer than the 2 header bytes, or the stream ended before its Adler-32.
    case truncated
    /// (CMF * 256 + FLG) is not a multiple of 31.
    case badHeaderCheck(cmf: UInt8, flg: UInt8)
    /// A compression method other than 8 (deflate).
    case unsupportedMethod(Int)
    /// CINFO above 7 (window larger than 32 KiB), which RFC 1950 forbids.
    case invalidWindowSize(Int)
    /// FDICT set: the stream needs a preset dictionary (valid, but not supported).
    case presetDictionaryUnsupported
    /// The Adler-32 of the decompressed data differs from the stored one.
    case checksumMismatch(stored: UInt32, computed: UInt32)
    /// The deflate data inside is malformed.
    case deflate(DeflateError)
}

public enum Zlib {
    /// Decompresses a zlib stream; data after the Adler-32 is ignored.
    public static func decompress(_ data: [UInt8], outputLimit: Int) throws -> [UInt8] {
        guard data.count >= 2 else { throw ZlibError.truncated }
        let cmf = data[0], flg = data[1]
        if (Int(cmf) << 8 | Int(flg)) % 31 != 0 { throw ZlibError.badHeaderCheck(cmf: cmf, flg: flg) }
        if cmf & 0x0F != 8 { throw ZlibError.unsupportedMethod(Int(cmf & 0x0F)) }
        if cmf >> 4 > 7 { throw ZlibError.invalidWindowSize(Int(cmf >> 4)) }
        if flg & 0x20 != 0 { throw ZlibError.presetDictionaryUnsupported }
        let output: [UInt8], consumed: Int
        do {
            (output, consumed) = try Inflate.decompress(data, startingAt: 2, outputLimit: outputLimit)
        } catch let error as DeflateError {
            throw error == .truncatedInput ? ZlibError.truncated : ZlibError.deflate(error)
        }
        let end = 2 + consumed
        guard data.count >= end + 4 else { throw ZlibError.truncated }
        let stored = UInt32(data[end]) << 24 | UInt32(data[end + 1]) << 16
            | UInt32(data[end + 2]) << 8 | UInt32(data[end + 3])
        let computed = Adler32.checksum(output)
        if stored != computed { throw ZlibError.checksumMismatch(stored: stored, computed: computed) }
        return output
    }

    /// Compresses `data` into a zlib stream (32 KiB window, no dictionary).
    public static func compress(_ data: [UInt8], level: CompressionLevel = .default) -> [UInt8] {
        let cmf: UInt8 = 0x78
        let flevel: UInt8
        switch level {
        case .stored: flevel = 0
        case .fast: flevel = 1
        case .default: flevel = 2
        }
        var flg = flevel << 6
        flg += UInt8(31 - (Int(cmf) << 8 | Int(flg)) % 31)
        var out: [UInt8] = [cmf, flg]
        out += Deflate.compress(data, level: level)
        let adler = Adler32.checksum(data)
        out += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
        return out
    }
}
