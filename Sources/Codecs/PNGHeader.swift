// PNGHeader: the IHDR chunk (PNG spec, 2nd ed., section 11.2.2) and what follows from it:
// samples per pixel, bits per pixel, bytes per scanline and the size of the decompressed,
// filtered image data for either interlace method. Validation follows table 11.1 (allowed bit
// depths per colour type); sizes are computed with overflow checks since width and height may
// each be up to 2^31 - 1.

public struct PNGHeader: Equatable, Sendable {
    /// PNG colour types (table 11.1).
    public enum ColorType: Int, Sendable, CaseIterable {
        case greyscale = 0, truecolor = 2, indexed = 3, greyscaleAlpha = 4, truecolorAlpha = 6

        /// Samples per pixel as stored (an index counts as one).
        public var samplesPerPixel: Int {
            switch self {
            case .greyscale, .indexed: return 1
            case .greyscaleAlpha: return 2
            case .truecolor: return 3
            case .truecolorAlpha: return 4
            }
        }

        public var allowedBitDepths: [Int] {
            switch self {
            case .greyscale: return [1, 2, 4, 8, 16]
            case .indexed: return [1, 2, 4, 8]
            default: return [8, 16]
            }
        }
    }

    public let width: Int
    public let height: Int
    public let bitDepth: Int
    public let colorType: ColorType
    public let interlaced: Bool

    public init(width: Int, height: Int, bitDepth: Int, colorType: ColorType, interlaced: Bool) {
        precondition(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max),
                     "PNG dimensions \(width)x\(height) outside 1...2^31-1")
        precondition(colorType.allowedBitDepths.contains(bitDepth), "bit depth \(bitDepth) not allowed for \(colorType)")
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.interlaced = interlaced
    }

    /// Parses and validates the 13 bytes of IHDR data.
    init(chunkData d: ArraySlice<UInt8>) throws {
        let b = Array(d)
        let width = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
        let height = Int(b[4]) << 24 | Int(b[5]) << 16 | Int(b[6]) << 8 | Int(b[7])
        if width == 0 || height == 0 || width > Int(Int32.max) || height > Int(Int32.max) {
            throw PNGError.badDimensions(width: width, height: height)
        }
        guard let colorType = ColorType(rawValue: Int(b[9])) else { throw PNGError.badColorType(Int(b[9])) }
        let bitDepth = Int(b[8])
        if !colorType.allowedBitDepths.contains(bitDepth) {
            throw PNGError.badBitDepth(bitDepth, colorType: colorType.rawValue)
        }
        if b[10] != 0 { throw PNGError.badCompressionMethod(Int(b[10])) }
        if b[11] != 0 { throw PNGError.badFilterMethod(Int(b[11])) }
        if b[12] > 1 { throw PNGError.badInterlaceMethod(Int(b[12])) }
        self.init(width: width, height: height, bitDepth: bitDepth, colorType: colorType, interlaced: b[12] == 1)
    }

    /// The 13 bytes of IHDR data.
    var chunkData: [UInt8] {
        func be(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        return be(width) + be(height) + [UInt8(bitDepth), UInt8(colorType.rawValue), 0, 0, interlaced ? 1 : 0]
    }

    public var bitsPerPixel: Int { bitDepth * colorType.samplesPerPixel }

    /// Bytes per complete pixel, at least 1: the filter's "bpp" (section 9.2).
    var filterStride: Int { max(1, bitsPerPixel / 8) }

    /// Bytes of a scanline of `pixels` pixels, without the filter type byte.
    func rowBytes(pixels: Int) -> Int { (pixels * bitsPerPixel + 7) / 8 }

    /// The passes of the image (section 8.2): one for non-interlaced images, seven for Adam7.
    var passes: [Adam7.Pass] { interlaced ? Adam7.passes : [Adam7.whole] }

    /// Pixel counts of the reduced images, in pass order (some possibly empty).
    var passSizes: [(width: Int, height: Int)] { passes.map { $0.size(width: width, height: height) } }

    /// Bytes of decompressed image data (filter bytes included), or nil when it would exceed
    /// `Int.max / 2` (only possible for absurd headers).
    var filteredDataSize: Int? {
        var total = 0
        for (w, h) in passSizes where w > 0 && h > 0 {
            let (bits, o1) = w.multipliedReportingOverflow(by: bitsPerPixel)
            if o1 { return nil }
            let (rows, o2) = ((bits + 7) / 8 + 1).multipliedReportingOverflow(by: h)
            if o2 { return nil }
            total += rows
            if total > Int.max / 2 { return nil }
        }
        return total
    }
}
