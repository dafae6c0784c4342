// PNM writing: raw P4/P5/P6 (the usual choice) or plain P1/P2/P3, at the image's own maxval.
// The header is "P<n>\n<width> <height>\n<maxval>\n" (no maxval line for bitmaps), the layout
// Netpbm's own tools write; 16-bit samples (maxval > 255) are big-endian. Plain rasters put
// at most 70 characters on a line, as the Netpbm specifications recommend.

extension PNM {
    /// Encodes an 8-bit grey (P5) or RGB (P6) image with maxval 255.
    public static func encode(_ image: Image) -> [UInt8] {
        precondition(image.channels == 1 || image.channels == 3,
                     "PNM holds grey or RGB images; this one has \(image.channels) channels (use rgb())")
        precondition(image.width > 0 && image.height > 0, "PNM images must not be empty")
        var out = header(magic: image.channels == 3 ? "P6" : "P5", image.width, image.height, maxval: 255)
        out += image.pixels
        return out
    }

    /// Encodes at the image's own depth: raw P4/P5/P6, or plain P1/P2/P3 when `plain` is set.
    public static func encode(_ image: PNMImage, plain: Bool = false) -> [UInt8] {
        switch image.kind {
        case .bitmap:
            var out = header(magic: plain ? "P1" : "P4", image.width, image.height, maxval: nil)
            if plain {
                appendPlain(image.samples.map { $0 == 0 ? 1 : 0 }, perLine: 70, to: &out, separator: false)
            } else {
                let rowBytes = (image.width + 7) / 8
                var raster = [UInt8](repeating: 0, count: rowBytes * image.height)
                for y in 0..<image.height {
                    for x in 0..<image.width where image.samples[y * image.width + x] == 0 {
                        raster[y * rowBytes + x >> 3] |= 0x80 >> UInt8(x & 7)
                    }
                }
                out += raster
            }
            return out
        case .graymap, .pixmap:
            let magic = image.kind == .pixmap ? (plain ? "P3" : "P6") : (plain ? "P2" : "P5")
            var out = header(magic: magic, image.width, image.height, maxval: image.maxval)
            if plain {
                appendPlain(image.samples, perLine: 70, to: &out, separator: true)
            } else if image.maxval < 256 {
                out += image.samples.map { UInt8(truncatingIfNeeded: $0) }
            } else {
                out.reserveCapacity(out.count + 2 * image.samples.count)
                for sample in image.samples {
                    out.append(UInt8(sample >> 8))
                    out.append(UInt8(truncatingIfNeeded: sample))
                }
            }
            return out
        }
    }

    private static func header(magic: String, _ width: Int, _ height: Int, maxval: Int?) -> [UInt8] {
        var text = "\(magic)\n\(width) \(height)\n"
        if let maxval { text += "\(maxval)\n" }
        return Array(text.utf8)
    }

    /// Decimal samples (or bare 0/1 digits) with lines of at most `perLine` characters.
    private static func appendPlain(_ samples: [UInt16], perLine: Int, to out: inout [UInt8], separator: Bool) {
        var lineLength = 0
        for sample in samples {
            let digits = Array(String(sample).utf8)
            let needed = digits.count + (separator && lineLength > 0 ? 1 : 0)
            if lineLength > 0 && lineLength + needed > perLine {
                out.append(0x0A)
                lineLength = 0
            } else if separator && lineLength > 0 {
                out.append(0x20)
                lineLength += 1
            }
            out += digits
            lineLength += digits.count
        }
        out.append(0x0A)
    }
}
