// PNM: the Netpbm image formats PBM (P1/P4), PGM (P2/P5) and PPM (P3/P6) at their own sample
// depth (maxval 1...65535), and the conversion to the 8-bit `Image` the pipeline uses.
// Decoding lives in PNM+Header.swift and PNM+Decoder.swift, encoding in PNM+Encoder.swift.
// 8-bit conversion follows Pillow (the reference pipeline loads images with it): a sample v of
// maxval m becomes v/m·255 rounded half to even in double precision; Netpbm's pamdepth rounds
// halves up instead, which differs by one on exact ties only (e.g. maxval 6, v = 1).

/// A Netpbm image at its native sample depth: what the file holds, before any 8-bit scaling.
public struct PNMImage: Equatable, Sendable {
    /// The three Netpbm families; each has a plain (ASCII) and a raw (binary) variant.
    public enum Kind: Sendable {
        /// PBM (P1/P4): one bit per pixel. Samples are 0 = black, 1 = white (maxval 1) — the
        /// file stores the opposite (1 = black); the reader inverts so that larger means brighter
        /// as in the other kinds.
        case bitmap
        /// PGM (P2/P5): one grey sample per pixel.
        case graymap
        /// PPM (P3/P6): red, green, blue samples per pixel.
        case pixmap
    }

    public let kind: Kind
    public let width: Int
    public let height: Int
    /// Largest sample value (1 for bitmaps, 1...65535 otherwise).
    public let maxval: Int
    /// `height * width * channels` samples in 0...maxval, interleaved row-major.
    public var samples: [UInt16]

    /// Samples per pixel: 3 for pixmaps, 1 otherwise.
    public var channels: Int { kind == .pixmap ? 3 : 1 }

    public init(kind: Kind, width: Int, height: Int, maxval: Int, samples: [UInt16]) {
        precondition(width > 0 && height > 0, "PNM size \(width)x\(height) must be positive")
        precondition(kind == .bitmap ? maxval == 1 : (1...65535).contains(maxval),
                     "PNM maxval \(maxval) is out of range for \(kind)")
        let channels = kind == .pixmap ? 3 : 1
        precondition(samples.count == width * height * channels,
                     "PNM \(width)x\(height)x\(channels) needs \(width * height * channels) samples, got \(samples.count)")
        self.kind = kind
        self.width = width
        self.height = height
        self.maxval = maxval
        self.samples = samples
    }

    /// A grey (1 channel) or RGB (3 channel) 8-bit image as a maxval-255 graymap or pixmap.
    public init(_ image: Image) {
        precondition(image.channels == 1 || image.channels == 3,
                     "PNM holds grey or RGB images; this one has \(image.channels) channels (use rgb())")
        self.init(kind: image.channels == 3 ? .pixmap : .graymap, width: image.width,
                  height: image.height, maxval: 255, samples: image.pixels.map { UInt16($0) })
    }

    /// The image scaled to 8 bits (Pillow's rounding, see the file header). Bitmaps give 0/255.
    public func image() -> Image {
        let pixels: [UInt8]
        if samples.count <= maxval {
            pixels = samples.map { PNM.eightBit(Int($0), maxval: maxval) }
        } else {
            let table = PNM.eightBitTable(maxval: maxval)
            pixels = table.withUnsafeBufferPointer { lut in samples.map { lut[Int($0)] } }
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }
}

public enum PNM {
    /// Maps every sample value 0...maxval to 8 bits: (v / maxval * 255) rounded half to even.
    static func eightBitTable(maxval: Int) -> [UInt8] {
        precondition((1...65535).contains(maxval))
        return (0...maxval).map { eightBit($0, maxval: maxval) }
    }

    /// One sample scaled to 8 bits: (v / maxval * 255) rounded half to even, at most 255.
    @inline(__always) static func eightBit(_ v: Int, maxval: Int) -> UInt8 {
        UInt8(min(255, (Double(v) / Double(maxval) * 255).rounded(.toNearestOrEven)))
    }
}
