// ZipWriter: builds a zip archive in memory (APPNOTE.TXT 6.3): local header + data per entry,
// then the central directory and the end record. Output is deterministic: every entry carries
// the DOS time 1980-01-01 00:00 and Unix mode 0644. Zip64 extra fields (4.5.3) are written for
// entries of 4 GiB or more, the zip64 end records (4.3.14-15) when there are 65,535 entries or
// more or the directory lies beyond 4 GiB; `forceZip64` writes them always (for testing readers).

/// Writes a zip archive entry by entry: `append` each file, then `finish()`.
public struct ZipWriter {
    /// How `append` stores an entry's data.
    public enum Compression: Equatable, Sendable {
        case stored
        case deflated(CompressionLevel)
    }

    /// Stored data starts at a multiple of this many bytes (1 = packed), padded with an extra
    /// field in the local header as torch.save does (it aligns to 64), so readers can map
    /// tensors in place.
    public let alignment: Int
    /// Writes zip64 extra fields and end records even when nothing needs them.
    public let forceZip64: Bool

    private var output: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0
    private var finished = false

    /// DOS date 1980-01-01 (day 1, month 1, year 0 since 1980) and time 00:00:00.
    static let dosDate: UInt16 = 1 << 5 | 1
    static let dosTime: UInt16 = 0
    /// Version made by: Unix (3) and APPNOTE 2.0 / 4.5 (zip64); external attributes: -rw-r--r--.
    static let unixHost: UInt16 = 3 << 8
    static let regularFileMode: UInt32 = 0o100644 << 16
    /// Extra field ID of the alignment padding (the one Android's zipalign uses).
    static let paddingExtraID: UInt16 = 0xD935

    public init(alignment: Int = 1, forceZip64: Bool = false) {
        precondition(alignment >= 1 && alignment <= 0x8000, "alignment \(alignment) outside 1...32768")
        self.alignment = alignment
        self.forceZip64 = forceZip64
    }

    /// Adds one file. Names are stored as UTF-8 (flag bit 11 set when not plain ASCII).
    public mutating func append(name: String, data: [UInt8], compression: Compression = .stored) {
        precondition(!finished, "ZipWriter.append after finish()")
        let nameBytes = Array(name.utf8)
        precondition(nameBytes.count <= 0xFFFF, "zip entry names are at most 65,535 bytes")
        let payload: [UInt8], method: ZipMethod
        switch compression {
        case .stored: (payload, method) = (data, .stored)
        case .deflated(let level): (payload, method) = (Deflate.compress(data, level: level), .deflated)
        }
        let crc = CRC32.checksum(data)
        let offset = output.count
        let large = forceZip64 || data.count >= Int(Zip.saturated32) || payload.count >= Int(Zip.saturated32)
        let flags: UInt16 = nameBytes.allSatisfy { $0 < 0x80 } ? 0 : Zip.flagUTF8
        let version: UInt16 = large || offset >= Int(Zip.saturated32) ? 45 : 20

        // Local header: zip64 extra (both sizes) when large, then padding for alignment.
        var localExtra: [UInt8] = []
        if large {
            Zip.append16(Zip.zip64ExtraID, to: &localExtra)
            Zip.append16(16, to: &localExtra)
            Zip.append64(UInt64(data.count), to: &localExtra)
            Zip.append64(UInt64(payload.count), to: &localExtra)
        }
        if alignment > 1 && method == .stored {
            let base = offset + Zip.localHeaderSize + nameBytes.count + localExtra.count + 6
            let padding = (alignment - base % alignment) % alignment
            Zip.append16(Self.paddingExtraID, to: &localExtra)
            Zip.append16(UInt16(2 + padding), to: &localExtra)
            Zip.append16(UInt16(alignment), to: &localExtra)
            localExtra += [UInt8](repeating: 0, count: padding)
        }
        precondition(localExtra.count <= 0xFFFF)
        Zip.append32(Zip.localHeaderSignature, to: &output)
        Zip.append16(version, to: &output)
        Zip.append16(flags, to: &output)
        Zip.append16(method.code, to: &output)
        Zip.append16(Self.dosTime, to: &output)
        Zip.append16(Self.dosDate, to: &output)
        Zip.append32(crc, to: &output)
        Zip.append32(large ? Zip.saturated32 : UInt32(payload.count), to: &output)
        Zip.append32(large ? Zip.saturated32 : UInt32(data.count), to: &output)
        Zip.append16(UInt16(nameBytes.count), to: &output)
        Zip.append16(UInt16(localExtra.count), to: &output)
        output += nameBytes
        output += localExtra
        output += payload

        // Central directory header: zip64 extra holds exactly the saturated fields.
        let farOffset = forceZip64 || offset >= Int(Zip.saturated32)
        var centralExtra: [UInt8] = []
        if large || farOffset {
            var values: [UInt64] = []
            if large { values += [UInt64(data.count), UInt64(payload.count)] }
            if farOffset { values.append(UInt64(offset)) }
            Zip.append16(Zip.zip64ExtraID, to: &centralExtra)
            Zip.append16(UInt16(8 * values.count), to: &centralExtra)
            for value in values { Zip.append64(value, to: &centralExtra) }
        }
        Zip.append32(Zip.centralHeaderSignature, to: &directory)
        Zip.append16(Self.unixHost | version, to: &directory)
        Zip.append16(version, to: &directory)
        Zip.append16(flags, to: &directory)
        Zip.append16(method.code, to: &directory)
        Zip.append16(Self.dosTime, to: &directory)
        Zip.append16(Self.dosDate, to: &directory)
        Zip.append32(crc, to: &directory)
        Zip.append32(large ? Zip.saturated32 : UInt32(payload.count), to: &directory)
        Zip.append32(large ? Zip.saturated32 : UInt32(data.count), to: &directory)
        Zip.append16(UInt16(nameBytes.count), to: &directory)
        Zip.append16(UInt16(centralExtra.count), to: &directory)
        Zip.append16(0, to: &directory)                 // comment length
        Zip.append16(0, to: &directory)                 // disk number start
        Zip.append16(0, to: &directory)                 // internal attributes
        Zip.append32(Self.regularFileMode, to: &directory)
        Zip.append32(farOffset ? Zip.saturated32 : UInt32(offset), to: &directory)
        directory += nameBytes
        directory += centralExtra
        count += 1
    }

    /// Appends the central directory and end records and returns the archive. The writer
    /// is spent afterwards.
    public mutating func finish(comment: [UInt8] = []) -> [UInt8] {
        precondition(!finished, "ZipWriter.finish called twice")
        precondition(comment.count <= 0xFFFF, "zip comments are at most 65,535 bytes")
        finished = true
        let directoryOffset = output.count
        output += directory
        directory = []
        let directorySize = output.count - directoryOffset
        let zip64 = forceZip64 || count >= Int(Zip.saturated16)
            || directoryOffset >= Int(Zip.saturated32) || directorySize >= Int(Zip.saturated32)
        if zip64 {
            let record = output.count
            Zip.append32(Zip.zip64EndRecordSignature, to: &output)
            Zip.append64(UInt64(Zip.zip64EndRecordSize - 12), to: &output)
            Zip.append16(Self.unixHost | 45, to: &output)
            Zip.append16(45, to: &output)
            Zip.append32(0, to: &output)                // this disk
            Zip.append32(0, to: &output)                // disk with the central directory
            Zip.append64(UInt64(count), to: &output)
            Zip.append64(UInt64(count), to: &output)
            Zip.append64(UInt64(directorySize), to: &output)
            Zip.append64(UInt64(directoryOffset), to: &output)
            Zip.append32(Zip.zip64LocatorSignature, to: &output)
            Zip.append32(0, to: &output)
            Zip.append64(UInt64(record), to: &output)
            Zip.append32(1, to: &output)                // total disks
        }
        let entries16 = zip64 ? Zip.saturated16 : UInt16(count)
        Zip.append32(Zip.endRecordSignature, to: &output)
        Zip.append16(0, to: &output)
        Zip.append16(0, to: &output)
        Zip.append16(entries16, to: &output)
        Zip.append16(entries16, to: &output)
        Zip.append32(zip64 ? Zip.saturated32 : UInt32(directorySize), to: &output)
        Zip.append32(zip64 ? Zip.saturated32 : UInt32(directoryOffset), to: &output)
        Zip.append16(UInt16(comment.count), to: &output)
        output += comment
        var result: [UInt8] = []
        swap(&result, &output)
        return result
    }
}
