// PNG chunk stream reader (PNG spec, 2nd ed., sections 5.2-5.6): the signature, then chunks of
// length, type, data and CRC-32 (checked on every chunk, ancillary ones included). Enforces
// the ordering rules of section 5.6 for the chunks the decoder uses (IHDR first; PLTE and tRNS
// before IDAT; consecutive IDATs; IEND last), validates PLTE and tRNS sizes (11.2.3, 11.3.2.1),
// skips ancillary chunks and refuses unknown critical ones.

/// The chunks PNG.decode needs, collected from a file.
struct PNGChunks {
    var header: PNGHeader
    /// PLTE entries as RGB triples (empty when absent).
    var palette: [UInt8] = []
    /// The tRNS chunk's data, when present.
    var transparency: [UInt8]?
    /// The IDAT chunks' data, concatenated: one zlib stream.
    var imageData: [UInt8] = []
}

extension PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A chunk's type as text (only called on types already checked to be ASCII letters).
    static func chunkName(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    static func readChunks(_ bytes: [UInt8], limits: DecodingLimits) throws -> PNGChunks {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw PNGError.badSignature }
        var chunks: PNGChunks?
        var offset = 8
        var sawPalette = false
        enum ImageDataState { case before, inside, after }
        var imageDataState = ImageDataState.before

        while true {
            if offset == bytes.count {
                if chunks == nil { throw PNGError.truncated(offset: offset) }
                throw PNGError.missingEnd
            }
            guard bytes.count - offset >= 12 else { throw PNGError.truncated(offset: offset) }
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16
                | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let typeBytes = bytes[(offset + 4)..<(offset + 8)]
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw PNGError.badChunkType(offset: offset)
            }
            let name = chunkName(typeBytes)
            if length > Int(Int32.max) { throw PNGError.badChunkLength(chunk: name, length: length, offset: offset) }
            if length > limits.maxChunkLength {
                throw PNGError.tooLarge(.chunkLength, value: length, limit: limits.maxChunkLength)
            }
            guard bytes.count - offset - 12 >= length else { throw PNGError.truncated(offset: offset) }
            let dataStart = offset + 8
            let data = bytes[dataStart..<(dataStart + length)]
            let end = dataStart + length
            let stored = UInt32(bytes[end]) << 24 | UInt32(bytes[end + 1]) << 16
                | UInt32(bytes[end + 2]) << 8 | UInt32(bytes[end + 3])
            if CRC32.checksum(bytes[(offset + 4)..<end]) != stored {
                throw PNGError.badChecksum(chunk: name, offset: offset)
            }
            if chunks == nil && name != "IHDR" { throw PNGError.headerNotFirst(found: name) }
            if name != "IDAT" && imageDataState == .inside { imageDataState = .after }

            switch name {
            case "IHDR":
                if chunks != nil { throw PNGError.misplacedChunk(name, offset: offset) }
                if length != 13 { throw PNGError.badChunkLength(chunk: name, length: length, offset: offset) }
                chunks = PNGChunks(header: try PNGHeader(chunkData: data))
            case "PLTE":
                let colorType = chunks!.header.colorType
                if sawPalette || imageDataState != .before || chunks!.transparency != nil
                    || colorType == .greyscale || colorType == .greyscaleAlpha {
                    throw PNGError.misplacedChunk(name, offset: offset)
                }
                let maxEntries = colorType == .indexed ? 1 << chunks!.header.bitDepth : 256
                if length == 0 || length % 3 != 0 || length / 3 > maxEntries {
                    throw PNGError.badChunkLength(chunk: name, length: length, offset: offset)
                }
                sawPalette = true
                chunks!.palette = Array(data)
            case "tRNS":
                let colorType = chunks!.header.colorType
                if chunks!.transparency != nil || imageDataState != .before || colorType == .greyscaleAlpha
                    || colorType == .truecolorAlpha || (colorType == .indexed && !sawPalette) {
                    throw PNGError.misplacedChunk(name, offset: offset)
                }
                let valid: Bool
                switch colorType {
                case .greyscale: valid = length == 2
                case .truecolor: valid = length == 6
                default: valid = length <= chunks!.palette.count / 3
                }
                if !valid { throw PNGError.badChunkLength(chunk: name, length: length, offset: offset) }
                chunks!.transparency = Array(data)
            case "IDAT":
                if imageDataState == .after { throw PNGError.misplacedChunk(name, offset: offset) }
                if chunks!.header.colorType == .indexed && !sawPalette { throw PNGError.missingPalette }
                imageDataState = .inside
                chunks!.imageData.append(contentsOf: data)
            case "IEND":
                if length != 0 { throw PNGError.badChunkLength(chunk: name, length: length, offset: offset) }
                if imageDataState == .before {
                    if chunks!.header.colorType == .indexed && !sawPalette { throw PNGError.missingPalette }
                    throw PNGError.missingImageData
                }
                return chunks!
            default:
                // Bit 5 of the first type byte clear (uppercase): critical (section 5.4).
                if typeBytes.first! & 0x20 == 0 { throw PNGError.unsupportedCriticalChunk(name, offset: offset) }
            }
            offset = end + 4
        }
    }
}
