// ZipFuzz: libFuzzer entry point for the zip reader and the NPZ decoder. Built together with
// the Codecs sources as one module (see Fuzz/run.sh): every input is opened as a zip archive
// with small limits, every entry is read (inflate, CRC) and the input is decoded as an .npz.
// Any trap, sanitizer report, hang or unbounded allocation is a bug; thrown errors are fine.

@_cdecl("LLVMFuzzerTestOneInput")
public func zipFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = ZipLimits(maxEntries: 256, maxEntrySize: 1 << 20, maxTotalSize: 1 << 22)
    if let archive = try? ZipArchive(bytes, limits: limits) {
        for entry in archive.entries {
            _ = try? archive.dataSlice(for: entry)
            _ = archive.entry(named: entry.name)
        }
    }
    _ = try? NPZ.decode(bytes, limits: limits, elementLimit: 1 << 16)
    return 0
}
