// PNGRaster: a decoded PNG as stored: the header, the palette and tRNS data, and one unscaled
// value per sample (palette indices for indexed images). `image()` and `image16()` turn it into
// the pixels PNG.decode / decode16 return, applying the palette and tRNS (PNG spec, 2nd ed.,
// sections 11.2.3, 11.3.2.1) and scaling sample depths (section 13.12). `PNGSamples` unpacks a
// scanline's samples (section 7.2).

public struct PNGRaster: Equatable, Sendable {
    public let header: PNGHeader
    /// PLTE as RGB triples; empty when the file has none.
    public let palette: [UInt8]
    /// The tRNS chunk's data: 2 bytes (grey key), 6 (RGB key) or one alpha per palette entry.
    public let transparency: [UInt8]?
    /// Samples of images with bit depth 1-8, row-major, interleaved, one byte each (empty for 16).
    public let samples8: [UInt8]
    /// Samples of 16-bit images (empty for lower depths).
    public let samples16: [UInt16]

    /// Channels of the decoded image: see PNG.decode.
    public var channels: Int {
        switch header.colorType {
        case .greyscale: return transparency == nil ? 1 : 2
        case .truecolor, .indexed: return transparency == nil ? 3 : 4
        case .greyscaleAlpha: return 2
        case .truecolorAlpha: return 4
        }
    }

    /// The stored value of sample `i`.
    @inline(__always) private func raw(_ i: Int) -> Int {
        header.bitDepth == 16 ? Int(samples16[i]) : Int(samples8[i])
    }

    /// The tRNS key colour as samples (grey: 1 value, truecolor: 3), if any.
    private var key: [Int]? {
        guard let t = transparency, header.colorType == .greyscale || header.colorType == .truecolor else { return nil }
        return stride(from: 0, to: t.count, by: 2).map { Int(t[$0]) << 8 | Int(t[$0 + 1]) }
    }

    /// 8-bit pixels (PNG.decode).
    public func image() -> Image {
        let n = header.width * header.height
        let spp = header.colorType.samplesPerPixel
        let out = channels
        if header.colorType == .indexed {
            return Image(width: header.width, height: header.height, channels: out,
                         pixels: PNGSamples.expandPalette(samples8, palette: palette, alpha: transparency))
        }
        if header.bitDepth == 8 && out == spp {
            return Image(width: header.width, height: header.height, channels: out, pixels: samples8)
        }
        let scale = header.bitDepth < 8 ? 255 / ((1 << header.bitDepth) - 1) : 1
        let shift = header.bitDepth == 16 ? 8 : 0
        let key = self.key
        var pixels = [UInt8](repeating: 0, count: n * out)
        for p in 0..<n {
            var matches = key != nil
            for k in 0..<spp {
                let v = raw(p * spp + k)
                pixels[p * out + k] = UInt8(truncatingIfNeeded: (v >> shift) * scale)
                if let key, v != key[k] { matches = false }
            }
            if key != nil { pixels[p * out + spp] = matches ? 0 : 255 }
        }
        return Image(width: header.width, height: header.height, channels: out, pixels: pixels)
    }

    /// 16-bit pixels (PNG.decode16).
    public func image16() -> Image16 {
        let n = header.width * header.height
        let spp = header.colorType.samplesPerPixel
        let out = channels
        if header.colorType == .indexed {
            return Image16(width: header.width, height: header.height, channels: out,
                           samples: PNGSamples.expandPalette(samples8, palette: palette, alpha: transparency)
                               .map { UInt16($0) * 257 })
        }
        let scale = 65535 / ((1 << header.bitDepth) - 1)
        let key = self.key
        var samples = [UInt16](repeating: 0, count: n * out)
        for p in 0..<n {
            var matches = key != nil
            for k in 0..<spp {
                let v = raw(p * spp + k)
                samples[p * out + k] = UInt16(truncatingIfNeeded: v * scale)
                if let key, v != key[k] { matches = false }
            }
            if key != nil { samples[p * out + spp] = matches ? 0 : 65535 }
        }
        return Image16(width: header.width, height: header.height, channels: out, samples: samples)
    }
}

enum PNGSamples {
    /// Unpacks `pixels` pixels of a scanline with bit depth 1-8 into one byte per sample,
    /// writing pixel i at `output + i * pixelStride`.
    static func unpack(_ line: UnsafePointer<UInt8>, pixels: Int, samplesPerPixel: Int, bitDepth: Int,
                       into output: UnsafeMutablePointer<UInt8>, pixelStride: Int) {
        if bitDepth == 8 {
            if pixelStride == samplesPerPixel {
                output.update(from: line, count: pixels * samplesPerPixel)
            } else {
                for i in 0..<pixels {
                    for k in 0..<samplesPerPixel { output[i &* pixelStride &+ k] = line[i &* samplesPerPixel &+ k] }
                }
            }
            return
        }
        // Depths below 8 only occur with one sample per pixel (greyscale, indexed).
        let perByte = 8 / bitDepth
        let mask = UInt8((1 << bitDepth) - 1)
        for i in 0..<pixels {
            let shift = 8 - bitDepth * (i % perByte + 1)
            output[i &* pixelStride] = (line[i / perByte] >> UInt8(shift)) & mask
        }
    }

    /// Unpacks big-endian 16-bit samples.
    static func unpack16(_ line: UnsafePointer<UInt8>, pixels: Int, samplesPerPixel: Int,
                         into output: UnsafeMutablePointer<UInt16>, pixelStride: Int) {
        for i in 0..<pixels {
            for k in 0..<samplesPerPixel {
                let s = 2 &* (i &* samplesPerPixel &+ k)
                output[i &* pixelStride &+ k] = UInt16(line[s]) << 8 | UInt16(line[s &+ 1])
            }
        }
    }

    /// Palette lookup: RGB per index, or RGBA when `alpha` (tRNS) is given; palette entries
    /// beyond the tRNS data are opaque. Indices were checked against the palette size.
    static func expandPalette(_ indices: [UInt8], palette: [UInt8], alpha: [UInt8]?) -> [UInt8] {
        let channels = alpha == nil ? 3 : 4
        var table = [UInt8](repeating: 255, count: 256 * channels)
        for e in 0..<(palette.count / 3) {
            for k in 0..<3 { table[e * channels + k] = palette[e * 3 + k] }
        }
        if let alpha { for e in alpha.indices { table[e * 4 + 3] = alpha[e] } }
        var out = [UInt8](repeating: 0, count: indices.count * channels)
        out.withUnsafeMutableBufferPointer { o in
            table.withUnsafeBufferPointer { t in
                for (p, index) in indices.enumerated() {
                    let entry = Int(index) &* channels
                    for k in 0..<channels { o[p &* channels &+ k] = t[entry &+ k] }
                }
            }
        }
        return out
    }
}
