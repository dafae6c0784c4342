// PNMFuzz: libFuzzer entry point for the PBM/PGM/PPM decoder. Built together with the Codecs
// sources as one module (see Fuzz/run.sh): every input is decoded at native depth and to
// 8 bits with small limits. Any trap, sanitizer report, hang or unbounded allocation is a
// bug; thrown errors are fine.

@_cdecl("LLVMFuzzerTestOneInput")
public func pnmFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = PNMLimits(maxDimension: 4096, maxPixels: 1 << 20)
    _ = try? PNM.decodeSamples(bytes, limits: limits)
    _ = try? PNM.decode(bytes, limits: limits)
    return 0
}
