// libFuzzer entry point for the JPEG decoder: any byte string must either decode to a
// consistent Image or throw a JPEGError, within small limits (1 Mpixel, 64 scans, 64 MiB),
// never crash, hang or read out of bounds. Built with the Codecs sources, outside SwiftPM:
//   swiftc -O -sanitize=fuzzer,address -parse-as-library Sources/Codecs/*.swift Fuzz/JPEGFuzz.swift
// and seeded with Fixtures/jpeg/*.jpg.

@_cdecl("LLVMFuzzerTestOneInput")
public func jpegFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let limits = JPEG.DecodingLimits(maxPixels: 1 << 20, maxScans: 64, maxMemoryBytes: 64 << 20)
    do {
        let image = try JPEG.decode(bytes, limits: limits)
        precondition(image.channels == 1 || image.channels == 3, "JPEG decoded to \(image.channels) channels")
        precondition(image.pixels.count == image.width * image.height * image.channels, "pixel count")
        precondition(image.width * image.height <= limits.maxPixels, "limit ignored")
    } catch is JPEGError {
        // Refused with a typed error: fine.
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}
