// PNG decoder (PNG spec, 2nd ed.): chunks (PNG+Chunks.swift) -> one zlib stream (Zlib) ->
// scanlines per pass (PNG+Interlace.swift) -> unfiltered (PNG+Filters.swift) -> samples
// (section 7.2: packed big-endian, sub-byte samples leftmost in the high bits) -> an Image.
// Limits on pixels, chunk length and decompressed bytes are checked before anything is
// allocated, so a small hostile file cannot make the decoder allocate gigabytes.

public enum PNG {
    /// What a `PNGError.tooLarge` is about.
    public enum Limit: Sendable, Equatable { case pixels, chunkLength, decompressedBytes }

    /// Bounds against decompression bombs; the defaults allow any sane image.
    public struct DecodingLimits: Sendable, Equatable {
        /// Most pixels (width * height) accepted.
        public var maxPixels: Int
        /// Longest chunk accepted, in bytes.
        public var maxChunkLength: Int
        /// Most decompressed image data (filter bytes included) accepted.
        public var maxDecompressedBytes: Int

        public init(maxPixels: Int = 1 << 28, maxChunkLength: Int = Int(Int32.max),
                    maxDecompressedBytes: Int = 1 << 32) {
            self.maxPixels = maxPixels
            self.maxChunkLength = maxChunkLength
            self.maxDecompressedBytes = maxDecompressedBytes
        }

        public static let `default` = DecodingLimits()
    }

    /// Decodes to 8-bit samples: grey -> 1 channel, grey + alpha -> 2, RGB -> 3, RGBA -> 4;
    /// indexed -> RGB, or RGBA with a tRNS chunk; grey or RGB with tRNS gain an alpha channel
    /// (0 where the key colour matches, else 255). Sub-8-bit grey is scaled to 0...255 and
    /// 16-bit samples keep their high byte. No gamma or colour management is applied.
    public static func decode(_ bytes: [UInt8], limits: DecodingLimits = .default) throws -> Image {
        try decodeRaster(bytes, limits: limits).image()
    }

    /// Decodes to 16-bit samples with the channels of `decode`: 16-bit files keep their values,
    /// lower depths and palette entries are scaled to 0...65535 (v * 65535 / (2^depth - 1)).
    public static func decode16(_ bytes: [UInt8], limits: DecodingLimits = .default) throws -> Image16 {
        try decodeRaster(bytes, limits: limits).image16()
    }

    /// The header alone (signature and IHDR checked, nothing else read).
    public static func header(_ bytes: [UInt8]) throws -> PNGHeader {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw PNGError.badSignature }
        guard bytes.count >= 33 else { throw PNGError.truncated(offset: 8) }
        let name = bytes[12..<16]
        guard Array(name) == Array("IHDR".utf8) else {
            guard name.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw PNGError.badChunkType(offset: 8)
            }
            throw PNGError.headerNotFirst(found: chunkName(name))
        }
        let length = Int(bytes[8]) << 24 | Int(bytes[9]) << 16 | Int(bytes[10]) << 8 | Int(bytes[11])
        if length != 13 { throw PNGError.badChunkLength(chunk: "IHDR", length: length, offset: 8) }
        let stored = UInt32(bytes[29]) << 24 | UInt32(bytes[30]) << 16 | UInt32(bytes[31]) << 8 | UInt32(bytes[32])
        if CRC32.checksum(bytes[12..<29]) != stored { throw PNGError.badChecksum(chunk: "IHDR", offset: 8) }
        return try PNGHeader(chunkData: bytes[16..<29])
    }

    /// Decodes to the stored samples, unscaled, with the palette and tRNS data.
    public static func decodeRaster(_ bytes: [UInt8], limits: DecodingLimits = .default) throws -> PNGRaster {
        let chunks = try readChunks(bytes, limits: limits)
        let header = chunks.header
        let pixels = header.width * header.height
        if pixels > limits.maxPixels { throw PNGError.tooLarge(.pixels, value: pixels, limit: limits.maxPixels) }
        let size = header.filteredDataSize ?? Int.max
        if size > limits.maxDecompressedBytes {
            throw PNGError.tooLarge(.decompressedBytes, value: size, limit: limits.maxDecompressedBytes)
        }
        var data: [UInt8]
        do {
            data = try Zlib.decompress(chunks.imageData, outputLimit: size)
        } catch ZlibError.deflate(.outputLimitExceeded) {
            throw PNGError.imageDataTooLong(expected: size)
        } catch let error as ZlibError {
            throw PNGError.badImageData(error)
        }
        if data.count < size { throw PNGError.imageDataTooShort(expected: size, actual: data.count) }

        let samplesPerPixel = header.colorType.samplesPerPixel
        let sampleCount = pixels * samplesPerPixel
        var samples8: [UInt8] = header.bitDepth <= 8 ? [UInt8](repeating: 0, count: sampleCount) : []
        var samples16: [UInt16] = header.bitDepth == 16 ? [UInt16](repeating: 0, count: sampleCount) : []
        try data.withUnsafeMutableBufferPointer { buffer in
            var offset = 0
            var row = 0
            for pass in header.passes {
                let (w, h) = pass.size(width: header.width, height: header.height)
                if w == 0 || h == 0 { continue }
                let rowBytes = header.rowBytes(pixels: w)
                let passData = buffer.baseAddress! + offset
                try PNGFilter.unfilter(passData, rows: h, rowBytes: rowBytes, stride: header.filterStride, firstRow: row)
                for j in 0..<h {
                    let line = UnsafePointer(passData + j * (rowBytes + 1) + 1)
                    let first = ((pass.y + j * pass.dy) * header.width + pass.x) * samplesPerPixel
                    if header.bitDepth == 16 {
                        samples16.withUnsafeMutableBufferPointer {
                            PNGSamples.unpack16(line, pixels: w, samplesPerPixel: samplesPerPixel,
                                                into: $0.baseAddress! + first, pixelStride: pass.dx * samplesPerPixel)
                        }
                    } else {
                        samples8.withUnsafeMutableBufferPointer {
                            PNGSamples.unpack(line, pixels: w, samplesPerPixel: samplesPerPixel, bitDepth: header.bitDepth,
                                              into: $0.baseAddress! + first, pixelStride: pass.dx * samplesPerPixel)
                        }
                    }
                }
                offset += h * (rowBytes + 1)
                row += h
            }
        }
        if header.colorType == .indexed {
            let entries = chunks.palette.count / 3
            if let bad = samples8.first(where: { Int($0) >= entries }) {
                throw PNGError.paletteIndexOutOfRange(index: Int(bad), paletteSize: entries)
            }
        }
        return PNGRaster(header: header, palette: chunks.palette, transparency: chunks.transparency,
                         samples8: samples8, samples16: samples16)
    }
}
