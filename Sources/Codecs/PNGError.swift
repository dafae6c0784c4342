// PNGError: why PNG.decode refused a file. Cases say what is wrong and where (chunk name, byte
// offset of the chunk's length field, row). They fall in three groups, see `kind`: malformed
// files (violating the PNG specification, 2nd edition / ISO 15948), valid files using something
// this decoder does not support (an unknown critical chunk), and files over a caller's limits.

public enum PNGError: Error, Equatable, Sendable {
    // Malformed: file structure (PNG spec sections 5.2-5.4).
    /// The first eight bytes are not 89 50 4E 47 0D 0A 1A 0A.
    case badSignature
    /// The file ends inside the chunk that starts at `offset`.
    case truncated(offset: Int)
    /// A chunk's CRC-32 differs from the one computed over its type and data.
    case badChecksum(chunk: String, offset: Int)
    /// Chunk type bytes that are not ASCII letters.
    case badChunkType(offset: Int)
    /// A length over 2^31 - 1, or one the chunk's definition forbids (IHDR not 13 bytes, ...).
    case badChunkLength(chunk: String, length: Int, offset: Int)
    /// The first chunk is not IHDR.
    case headerNotFirst(found: String)
    /// A chunk where the ordering rules (section 5.6) forbid it: a second IHDR/PLTE/tRNS, PLTE or
    /// tRNS after IDAT, tRNS before PLTE in an indexed image, IDATs not consecutive, PLTE in a
    /// greyscale image, tRNS in an image with an alpha channel.
    case misplacedChunk(String, offset: Int)
    /// An indexed-colour image without PLTE.
    case missingPalette
    /// No IDAT chunk before IEND.
    case missingImageData
    /// The file ended (after a whole chunk) without IEND.
    case missingEnd

    // Malformed: header fields (section 11.2.2).
    case badDimensions(width: Int, height: Int)
    case badColorType(Int)
    /// A bit depth not allowed for the colour type.
    case badBitDepth(Int, colorType: Int)
    case badCompressionMethod(Int)
    case badFilterMethod(Int)
    case badInterlaceMethod(Int)

    // Malformed: image data (sections 7, 9, 10).
    /// The concatenated IDAT data is not a valid zlib stream.
    case badImageData(ZlibError)
    /// The decompressed data is shorter than the header implies.
    case imageDataTooShort(expected: Int, actual: Int)
    /// The decompressed data is longer than the header implies.
    case imageDataTooLong(expected: Int)
    /// A scanline whose filter type byte is not 0-4 (`row` counts scanlines of all passes).
    case badFilterType(Int, row: Int)
    /// A palette index beyond the PLTE entries.
    case paletteIndexOutOfRange(index: Int, paletteSize: Int)

    // Valid but unsupported.
    /// A critical chunk (uppercase first letter) this decoder does not know.
    case unsupportedCriticalChunk(String, offset: Int)

    // Over the caller's limits (PNG.DecodingLimits).
    case tooLarge(PNG.Limit, value: Int, limit: Int)

    public enum Kind: Sendable { case malformed, unsupported, overLimit }

    public var kind: Kind {
        switch self {
        case .unsupportedCriticalChunk: return .unsupported
        case .tooLarge: return .overLimit
        default: return .malformed
        }
    }
}
