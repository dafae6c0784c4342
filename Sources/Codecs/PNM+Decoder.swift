// PNM raster decoding: binary rasters (P4 bits packed MSB first with rows padded to a byte;
// P5/P6 one byte per sample for maxval < 256, two bytes big-endian otherwise) and plain
// rasters (P1 single "0"/"1" characters, P2/P3 decimal numbers separated by whitespace or
// comments). Only the first image of a multi-image file is read; trailing bytes are ignored.
// Every sample is checked against maxval; every size is checked before allocation.

extension PNM {
    /// Decodes a PBM/PGM/PPM file to an 8-bit grey (1 channel) or RGB (3 channel) image.
    /// Samples of maxval other than 255 are scaled as `PNMImage.image()` describes.
    public static func decode(_ bytes: [UInt8], limits: PNMLimits = .init()) throws -> Image {
        let header = try parseHeader(bytes, limits: limits)
        guard !header.plain, header.kind != .bitmap, header.maxval <= 255 else {
            return try decodeSamples(bytes, header: header).image()
        }
        let count = header.width * header.height * header.channels
        let start = header.rasterOffset
        let available = bytes.count - start
        guard available >= count else { throw PNMError.truncatedRaster(needed: count, available: available) }
        if header.maxval == 255 {
            return Image(width: header.width, height: header.height, channels: header.channels,
                         pixels: Array(bytes[start..<(start + count)]))
        }
        let table = eightBitTable(maxval: header.maxval)
        let maxval = header.maxval
        var pixels = [UInt8](repeating: 0, count: count)
        var bad = -1
        bytes.withUnsafeBufferPointer { source in
            table.withUnsafeBufferPointer { lut in
                pixels.withUnsafeMutableBufferPointer { out in
                    for i in 0..<count {
                        let v = Int(source[start &+ i])
                        if v > maxval { bad = i; return }
                        out[i] = lut[v]
                    }
                }
            }
        }
        if bad >= 0 {
            throw PNMError.sampleExceedsMaxval(value: Int(bytes[start + bad]), maxval: maxval, offset: start + bad)
        }
        return Image(width: header.width, height: header.height, channels: header.channels, pixels: pixels)
    }

    /// Decodes a PBM/PGM/PPM file at its native depth (16-bit samples stay 16-bit).
    public static func decodeSamples(_ bytes: [UInt8], limits: PNMLimits = .init()) throws -> PNMImage {
        try decodeSamples(bytes, header: parseHeader(bytes, limits: limits))
    }

    static func decodeSamples(_ bytes: [UInt8], header: PNMHeader) throws -> PNMImage {
        let samples: [UInt16]
        switch (header.kind, header.plain) {
        case (.bitmap, false): samples = try rawBits(bytes, header)
        case (.bitmap, true): samples = try plainBits(bytes, header)
        case (_, false): samples = try rawSamples(bytes, header)
        case (_, true): samples = try plainSamples(bytes, header)
        }
        return PNMImage(kind: header.kind, width: header.width, height: header.height,
                        maxval: header.maxval, samples: samples)
    }

    /// P4: rows of ceil(width / 8) bytes, bit 7 first, 1 = black (stored as sample 0).
    static func rawBits(_ bytes: [UInt8], _ header: PNMHeader) throws -> [UInt16] {
        let width = header.width, height = header.height
        let rowBytes = (width + 7) / 8
        let start = header.rasterOffset
        let available = bytes.count - start
        guard available >= rowBytes * height else {
            throw PNMError.truncatedRaster(needed: rowBytes * height, available: available)
        }
        var samples = [UInt16](repeating: 0, count: width * height)
        for y in 0..<height {
            let row = start + y * rowBytes
            for x in 0..<width {
                let bit = (bytes[row + x >> 3] >> (7 - UInt8(x & 7))) & 1
                samples[y * width + x] = UInt16(1 - bit)
            }
        }
        return samples
    }

    /// P5/P6: one byte per sample for maxval < 256, else two bytes, most significant first.
    static func rawSamples(_ bytes: [UInt8], _ header: PNMHeader) throws -> [UInt16] {
        let count = header.width * header.height * header.channels
        let size = header.maxval < 256 ? 1 : 2
        let start = header.rasterOffset
        let available = bytes.count - start
        guard available / size >= count else {
            throw PNMError.truncatedRaster(needed: count * size, available: available)
        }
        let maxval = header.maxval
        var samples = [UInt16](repeating: 0, count: count)
        var bad = -1
        bytes.withUnsafeBufferPointer { source in
            samples.withUnsafeMutableBufferPointer { out in
                for i in 0..<count {
                    let v = size == 1 ? Int(source[start &+ i])
                                      : Int(source[start &+ 2 &* i]) << 8 | Int(source[start &+ 2 &* i &+ 1])
                    if v > maxval { bad = i; return }
                    out[i] = UInt16(v)
                }
            }
        }
        if bad >= 0 {
            throw PNMError.sampleExceedsMaxval(value: sampleValue(bytes, start, bad, size),
                                               maxval: maxval, offset: start + bad * size)
        }
        return samples
    }

    private static func sampleValue(_ bytes: [UInt8], _ start: Int, _ index: Int, _ size: Int) -> Int {
        size == 1 ? Int(bytes[start + index]) : Int(bytes[start + 2 * index]) << 8 | Int(bytes[start + 2 * index + 1])
    }

    /// P1: each "0" (white) or "1" (black) character is one pixel; whitespace and comments may
    /// stand between them but are not required.
    static func plainBits(_ bytes: [UInt8], _ header: PNMHeader) throws -> [UInt16] {
        let expected = header.width * header.height
        var samples: [UInt16] = []
        samples.reserveCapacity(min(expected, bytes.count - header.rasterOffset))
        var position = header.rasterOffset
        while samples.count < expected {
            skipWhitespaceAndComments(bytes, &position)
            guard position < bytes.count else { throw PNMError.missingSamples(expected: expected, found: samples.count) }
            switch bytes[position] {
            case UInt8(ascii: "0"): samples.append(1)
            case UInt8(ascii: "1"): samples.append(0)
            default: throw PNMError.badPlainSample(offset: position)
            }
            position += 1
        }
        return samples
    }

    /// P2/P3: decimal samples separated by whitespace or comments.
    static func plainSamples(_ bytes: [UInt8], _ header: PNMHeader) throws -> [UInt16] {
        let expected = header.width * header.height * header.channels
        let maxval = header.maxval
        var samples: [UInt16] = []
        // Every sample takes at least two bytes (a digit and a separator), so the input size
        // bounds the allocation whatever the header claims.
        samples.reserveCapacity(min(expected, (bytes.count - header.rasterOffset) / 2 + 1))
        var position = header.rasterOffset
        while samples.count < expected {
            skipWhitespaceAndComments(bytes, &position)
            guard position < bytes.count else { throw PNMError.missingSamples(expected: expected, found: samples.count) }
            let start = position
            var value = 0
            while position < bytes.count && isDigit(bytes[position]) {
                value = min(value * 10 + Int(bytes[position] &- 0x30), 1 << 20)
                position += 1
            }
            guard position > start else { throw PNMError.badPlainSample(offset: start) }
            if position < bytes.count && !isWhitespace(bytes[position]) && bytes[position] != UInt8(ascii: "#") {
                throw PNMError.badPlainSample(offset: position)
            }
            guard value <= maxval else {
                throw PNMError.sampleExceedsMaxval(value: value, maxval: maxval, offset: start)
            }
            samples.append(UInt16(value))
        }
        return samples
    }
}
