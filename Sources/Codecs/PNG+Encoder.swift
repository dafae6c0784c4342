// PNG encoder (PNG spec, 2nd ed.): 8-bit greyscale, grey + alpha, RGB and RGBA images, and
// indexed images with a given palette (label maps with VOCPalette). Scanlines are filtered
// (none for indexed images, as section 12.8 advises; otherwise per row the filter with the least
// sum of absolute signed bytes), compressed with Zlib and written as IHDR, PLTE, tRNS, IDAT
// (split every MiB) and IEND. Non-interlaced; the output depends only on the input.

extension PNG {
    /// Largest IDAT chunk written.
    static let idatChunkSize = 1 << 20

    /// Encodes an 8-bit image: 1 channel as greyscale, 2 as grey + alpha, 3 as RGB, 4 as RGBA.
    public static func encode(_ image: Image, compression: CompressionLevel = .default) -> [UInt8] {
        let colorType: PNGHeader.ColorType
        switch image.channels {
        case 1: colorType = .greyscale
        case 2: colorType = .greyscaleAlpha
        case 3: colorType = .truecolor
        default: colorType = .truecolorAlpha
        }
        let header = PNGHeader(width: image.width, height: image.height, bitDepth: 8, colorType: colorType,
                               interlaced: false)
        return encode(header: header, pixels: image.pixels, palette: nil, alpha: nil,
                      adaptiveFilters: true, compression: compression)
    }

    /// Encodes palette indices (a 1-channel image) as an 8-bit indexed PNG with `palette` (RGB
    /// triples, 1...256 entries; every index must have an entry) and optional per-entry alpha.
    public static func encodeIndexed(_ indices: Image, palette: [UInt8] = VOCPalette.rgb, alpha: [UInt8]? = nil,
                                     compression: CompressionLevel = .default) -> [UInt8] {
        precondition(indices.channels == 1, "indexed PNG needs a 1-channel index image")
        precondition(palette.count % 3 == 0 && (1...256).contains(palette.count / 3),
                     "palette must hold 1...256 RGB triples, got \(palette.count) bytes")
        let entries = palette.count / 3
        precondition(indices.pixels.allSatisfy { Int($0) < entries }, "an index exceeds the \(entries) palette entries")
        if let alpha { precondition(alpha.count <= entries, "more alpha values than palette entries") }
        let header = PNGHeader(width: indices.width, height: indices.height, bitDepth: 8, colorType: .indexed,
                               interlaced: false)
        return encode(header: header, pixels: indices.pixels, palette: palette, alpha: alpha,
                      adaptiveFilters: false, compression: compression)
    }

    static func encode(header: PNGHeader, pixels: [UInt8], palette: [UInt8]?, alpha: [UInt8]?,
                       adaptiveFilters: Bool, compression: CompressionLevel) -> [UInt8] {
        let rowBytes = header.rowBytes(pixels: header.width)
        let stride = header.filterStride
        var filtered = [UInt8](repeating: 0, count: header.height * (rowBytes + 1))
        pixels.withUnsafeBufferPointer { source in
            filtered.withUnsafeMutableBufferPointer { out in
                var trial = [UInt8](repeating: 0, count: rowBytes)
                trial.withUnsafeMutableBufferPointer { trialBuffer in
                    let t = trialBuffer.baseAddress!
                    for y in 0..<header.height {
                        let row = source.baseAddress! + y * rowBytes
                        let above = y > 0 ? row - rowBytes : nil
                        let line = out.baseAddress! + y * (rowBytes + 1)
                        var best: UInt8 = 0
                        if adaptiveFilters {
                            var bestCost = PNGFilter.cost(row, count: rowBytes)
                            for type: UInt8 in 1...4 {
                                PNGFilter.filter(type: type, current: row, above: above, rowBytes: rowBytes,
                                                 stride: stride, output: t)
                                let cost = PNGFilter.cost(t, count: rowBytes)
                                if cost < bestCost { bestCost = cost; best = type }
                            }
                        }
                        line[0] = best
                        PNGFilter.filter(type: best, current: row, above: above, rowBytes: rowBytes, stride: stride,
                                         output: line + 1)
                    }
                }
            }
        }
        var png = signature
        appendChunk("IHDR", header.chunkData, to: &png)
        if let palette { appendChunk("PLTE", palette, to: &png) }
        if let alpha { appendChunk("tRNS", alpha, to: &png) }
        let compressed = Zlib.compress(filtered, level: compression)
        var start = 0
        repeat {
            let end = min(compressed.count, start + idatChunkSize)
            appendChunk("IDAT", compressed[start..<end], to: &png)
            start = end
        } while start < compressed.count
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// Appends one chunk: length, type, data, CRC-32 of type and data (section 5.3).
    static func appendChunk<C: Collection>(_ type: String, _ data: C, to png: inout [UInt8]) where C.Element == UInt8 {
        let length = data.count
        png += [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        let typeStart = png.count
        png += Array(type.utf8)
        png += data
        let crc = CRC32.checksum(png[typeStart...])
        png += [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
    }
}
