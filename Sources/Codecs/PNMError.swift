// PNMError: everything the Netpbm reader (PNM+Decoder.swift) can refuse, and PNMLimits, the
// caps that keep a forged header from making it allocate without bound. Cases say what and
// where (byte offsets into the file). `unsupportedFormat` is the only "valid but unsupported"
// case (PAM "P7", PFM "PF"/"Pf"); `tooLarge` is a configured limit; every other case means the
// bytes are not a well-formed PBM/PGM/PPM (Netpbm format specifications).

/// Why a PNM file could not be decoded.
public enum PNMError: Error, Equatable, Sendable {
    /// The file does not start with "P1"..."P6".
    case badMagic(found: [UInt8])
    /// A Netpbm relative that this reader does not handle (e.g. "P7" PAM, "PF" float maps).
    case unsupportedFormat(String)
    /// The header ended (end of file) while `field` was expected.
    case truncatedHeader(field: String, offset: Int)
    /// A character other than a decimal digit where `field` should start (signs are not allowed).
    case badNumber(field: String, offset: Int)
    /// `field` has more digits than any sensible image needs (beyond 2^31 - 1).
    case numberTooLarge(field: String, offset: Int)
    /// `field` is not followed by whitespace (e.g. "12x" or "255" with the raster glued on).
    case missingWhitespace(field: String, offset: Int)
    /// Width or height is zero.
    case zeroDimension(width: Int, height: Int)
    /// Maxval outside 1...65535.
    case badMaxval(Int, offset: Int)
    /// The raster needs `needed` bytes from its start; the file has only `available` there.
    case truncatedRaster(needed: Int, available: Int)
    /// A plain (ASCII) raster ended after `found` of its `expected` samples.
    case missingSamples(expected: Int, found: Int)
    /// A sample larger than the maxval the header announced.
    case sampleExceedsMaxval(value: Int, maxval: Int, offset: Int)
    /// A plain (ASCII) raster holds something other than a decimal number (or 0/1 for P1).
    case badPlainSample(offset: Int)
    /// The image is larger than the configured limits.
    case tooLarge(width: Int, height: Int, limit: Int)
}

/// Caps applied before any pixel buffer is allocated.
public struct PNMLimits: Equatable, Sendable {
    /// Largest accepted width or height.
    public var maxDimension: Int
    /// Largest accepted width × height.
    public var maxPixels: Int

    /// Defaults: 2^20 pixels per side and 2^28 pixels (a 16384 × 16384 image).
    public init(maxDimension: Int = 1 << 20, maxPixels: Int = 1 << 28) {
        precondition(maxDimension > 0 && maxPixels > 0, "PNMLimits must be positive")
        self.maxDimension = maxDimension
        self.maxPixels = maxPixels
    }
}
