// libFuzzer entry point for the PNG decoder (and through it Zlib and Inflate). Built by
// Fuzz/run.sh with -sanitize=fuzzer,address together with Sources/Codecs/*.swift. Each input
// is decoded as is, and again after `repaired` recomputes its chunk CRCs and zlib Adler-32 (a
// mutation would almost never get past them otherwise, leaving filters, interlacing and sample
// unpacking unexplored). Small limits keep inputs cheap. Thrown errors are the expected outcome;
// any crash, sanitizer report, failed invariant, hang or leak is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    if let fixed = repaired(bytes), fixed != bytes { check(fixed) }
    _ = try? Inflate.decompress(bytes, outputLimit: 1 << 20)
    return 0
}

private func check(_ bytes: [UInt8]) {
    let limits = PNG.DecodingLimits(maxPixels: 1 << 18, maxChunkLength: 1 << 20, maxDecompressedBytes: 1 << 21)
    guard let raster = try? PNG.decodeRaster(bytes, limits: limits) else { return }
    let image = raster.image()
    let wide = raster.image16()
    precondition(image.width == raster.header.width && image.height == raster.header.height)
    precondition(wide.channels == image.channels, "decode16 and decode disagree on channels")
    precondition(wide.highBytes() == image, "decode16's high bytes disagree with decode")
    let again = PNG.encode(image, compression: .fast)
    precondition((try? PNG.decode(again)) == image, "re-encoded image does not round-trip")
}

/// The input with every whole chunk's CRC recomputed and, when the IDAT data starts with a
/// deflate stream, that stream re-wrapped with a correct zlib header and Adler-32 in one IDAT.
private func repaired(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.count >= 8 else { return nil }
    var chunks: [(type: [UInt8], data: [UInt8])] = []
    var offset = 8
    while bytes.count - offset >= 12 {
        let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        guard bytes.count - offset - 12 >= length else { break }
        chunks.append((Array(bytes[(offset + 4)..<(offset + 8)]), Array(bytes[(offset + 8)..<(offset + 8 + length)])))
        offset += 12 + length
    }
    let idatType = Array("IDAT".utf8)
    let stream = chunks.filter { $0.type == idatType }.flatMap { $0.data }
    var out = PNG.signature
    var wroteImageData = false
    for chunk in chunks {
        var data = chunk.data
        if chunk.type == idatType {
            if wroteImageData { continue }
            wroteImageData = true
            if stream.count > 2, let (plain, used) = try? Inflate.decompress(stream, startingAt: 2, outputLimit: 1 << 21) {
                let adler = Adler32.checksum(plain)
                data = [0x78, 0x9C] + stream[2..<(2 + used)]
                    + [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
            } else {
                data = stream
            }
        }
        PNG.appendChunk(String(decoding: chunk.type, as: UTF8.self), data, to: &out)
    }
    return out
}
