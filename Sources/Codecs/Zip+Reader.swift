// ZipArchive: reads zip archives held in memory (APPNOTE.TXT 6.3), as numpy.savez and
// torch.save write them. Opening finds the end of central directory record (4.3.16, by a
// bounded scan back over the comment), follows the zip64 locator and record (4.3.14-15) when
// present, parses every central directory header (4.3.12, zip64 extra field 4.5.3) and checks
// each local header (4.3.7), so that every entry's data range is known, in bounds and disjoint
// from the others before any data is read. Methods 0 (stored) and 8 (deflated) are read.

/// A zip archive in memory; entries' data are read on demand and verified against CRC-32.
public struct ZipArchive: Sendable {
    /// The whole archive.
    public let bytes: [UInt8]
    /// Entries in central directory order.
    public let entries: [ZipEntry]
    /// The archive comment (raw bytes).
    public let comment: [UInt8]
    /// True when the archive has a zip64 end of central directory record.
    public let isZip64: Bool
    private let indexByName: [String: Int]

    /// Parses the archive's directory. Throws `ZipError` for anything malformed, any limit
    /// exceeded, or a multi-disk archive; per-entry method and encryption are only refused when
    /// that entry's data is asked for.
    public init(_ bytes: [UInt8], limits: ZipLimits = .init()) throws {
        self.bytes = bytes
        let end = try Self.findEndRecord(bytes)
        let directory = try Self.readDirectoryLocation(bytes, endRecord: end, limits: limits)
        comment = Array(bytes[(end + 20 + 2)..<min(bytes.count, end + 22 + Int(Zip.u16(bytes, end + 20)))])
        isZip64 = directory.zip64
        entries = try Self.readEntries(bytes, directory, limits: limits)
        try Self.checkDisjoint(entries)
        var index: [String: Int] = [:]
        for entry in entries { index[entry.name] = entry.index }  // a repeated name: the last wins
        indexByName = index
    }

    /// The entry with this exact name (the last one if the name repeats).
    public func entry(named name: String) -> ZipEntry? {
        indexByName[name].map { entries[$0] }
    }

    /// The uncompressed data of `entry`, CRC-checked unless `verifyChecksum` is false.
    public func data(for entry: ZipEntry, verifyChecksum: Bool = true) throws -> [UInt8] {
        let slice = try dataSlice(for: entry, verifyChecksum: verifyChecksum)
        return Array(slice)
    }

    /// The uncompressed data of the entry called `name`.
    public func data(named name: String, verifyChecksum: Bool = true) throws -> [UInt8] {
        guard let entry = entry(named: name) else { throw ZipError.entryNotFound(name) }
        return try data(for: entry, verifyChecksum: verifyChecksum)
    }

    /// The uncompressed data of `entry` without a copy where possible: a stored entry is a
    /// slice of `bytes` (indices are archive offsets), a deflated one its freshly inflated bytes.
    public func dataSlice(for entry: ZipEntry, verifyChecksum: Bool = true) throws -> ArraySlice<UInt8> {
        precondition(entry.index >= 0 && entry.index < entries.count && entries[entry.index] == entry,
                     "entry \(entry.name) does not belong to this archive")
        if entry.isEncrypted { throw ZipError.unsupportedEncryption(entry: entry.name) }
        let data: ArraySlice<UInt8>
        switch entry.method {
        case .stored:
            data = bytes[entry.dataRange]
        case .deflated:
            data = try inflate(entry)[...]
        case .other(let code):
            throw ZipError.unsupportedMethod(entry: entry.name, method: code)
        }
        if verifyChecksum {
            let actual = CRC32.checksum(data)
            guard actual == entry.crc32 else {
                throw ZipError.checksumMismatch(entry: entry.name, expected: entry.crc32, actual: actual)
            }
        }
        return data
    }

    private func inflate(_ entry: ZipEntry) throws -> [UInt8] {
        let declared = entry.uncompressedSize
        // One byte of headroom tells "more than declared" apart from "exactly declared".
        let limit = declared == Int.max ? declared : declared + 1
        let output: [UInt8]
        do {
            output = try Inflate.decompress(Array(bytes[entry.dataRange]), outputLimit: limit)
        } catch DeflateError.outputLimitExceeded {
            throw ZipError.sizeMismatch(entry: entry.name, declared: declared, actual: limit)
        } catch let error as DeflateError {
            throw ZipError.badDeflateData(entry: entry.name, error)
        }
        guard output.count == declared else {
            throw ZipError.sizeMismatch(entry: entry.name, declared: declared, actual: output.count)
        }
        return output
    }
}

extension ZipArchive {
    /// Where the central directory is and how many entries it declares.
    struct DirectoryLocation {
        var offset: Int
        var size: Int
        var count: Int
        /// Where the records after the central directory begin (zip64 record or end record).
        var limit: Int
        var zip64: Bool
    }

    /// Offset of the end of central directory record: the last "PK\5\6" within 65,535 + 22
    /// bytes of the end whose comment length reaches exactly to the end of the file; failing
    /// that (trailing bytes after the comment), the last one whose comment fits in the file.
    static func findEndRecord(_ b: [UInt8]) throws -> Int {
        guard b.count >= Zip.endRecordSize else { throw ZipError.endOfCentralDirectoryNotFound }
        let last = b.count - Zip.endRecordSize
        var fallback: Int?
        var offset = last
        while offset >= max(0, last - 0xFFFF) {
            if b[offset] == 0x50 && b[offset + 1] == 0x4B && b[offset + 2] == 5 && b[offset + 3] == 6 {
                let end = offset + Zip.endRecordSize + Int(Zip.u16(b, offset + 20))
                if end == b.count { return offset }
                if end < b.count && fallback == nil { fallback = offset }
            }
            offset -= 1
        }
        guard let fallback else { throw ZipError.endOfCentralDirectoryNotFound }
        return fallback
    }

    /// Reads the end record and, when its locator precedes it, the zip64 end record.
    static func readDirectoryLocation(_ b: [UInt8], endRecord e: Int, limits: ZipLimits) throws -> DirectoryLocation {
        let disk = Zip.u16(b, e + 4), directoryDisk = Zip.u16(b, e + 6)
        var location = DirectoryLocation(offset: Int(Zip.u32(b, e + 16)), size: Int(Zip.u32(b, e + 12)),
                                         count: Int(Zip.u16(b, e + 10)), limit: e, zip64: false)
        let locator = e - Zip.zip64LocatorSize
        if locator >= 0 && Zip.u32(b, locator) == Zip.zip64LocatorSignature {
            guard Zip.u32(b, locator + 16) <= 1, Zip.u32(b, locator + 4) == 0 else { throw ZipError.unsupportedMultiDisk }
            let record = Zip.int(Zip.u64(b, locator + 8))
            guard record <= locator - Zip.zip64EndRecordSize,
                  Zip.u32(b, record) == Zip.zip64EndRecordSignature else {
                throw ZipError.badZip64EndOfCentralDirectory(offset: record)
            }
            guard Zip.u32(b, record + 16) == 0, Zip.u32(b, record + 20) == 0,
                  Zip.u64(b, record + 24) == Zip.u64(b, record + 32) else { throw ZipError.unsupportedMultiDisk }
            location = DirectoryLocation(offset: Zip.int(Zip.u64(b, record + 48)), size: Zip.int(Zip.u64(b, record + 40)),
                                         count: Zip.int(Zip.u64(b, record + 32)), limit: record, zip64: true)
        } else {
            guard disk == 0 && directoryDisk == 0, Zip.u16(b, e + 8) == Zip.u16(b, e + 10) else {
                throw ZipError.unsupportedMultiDisk
            }
        }
        guard location.offset <= location.limit, location.size <= location.limit - location.offset else {
            throw ZipError.centralDirectoryOutOfBounds(offset: location.offset, size: location.size)
        }
        guard location.count <= limits.maxEntries else {
            throw ZipError.tooManyEntries(declared: location.count, limit: limits.maxEntries)
        }
        guard location.count <= location.size / Zip.centralHeaderSize else {
            throw ZipError.entryCountExceedsCentralDirectory(declared: location.count, size: location.size)
        }
        return location
    }

    /// Parses the central directory headers and resolves each entry's local header.
    static func readEntries(_ b: [UInt8], _ directory: DirectoryLocation, limits: ZipLimits) throws -> [ZipEntry] {
        var entries: [ZipEntry] = []
        entries.reserveCapacity(directory.count)  // bounded: count * 46 <= directory size
        var p = directory.offset
        let end = directory.offset + directory.size
        var total = 0
        for i in 0..<directory.count {
            guard end - p >= Zip.centralHeaderSize else { throw ZipError.truncatedCentralDirectory(entry: i, offset: p) }
            guard Zip.u32(b, p) == Zip.centralHeaderSignature else {
                throw ZipError.badCentralDirectorySignature(entry: i, offset: p)
            }
            let flags = Zip.u16(b, p + 8)
            let method = ZipMethod(code: Zip.u16(b, p + 10))
            let crc = Zip.u32(b, p + 16)
            var compressed = UInt64(Zip.u32(b, p + 20)), uncompressed = UInt64(Zip.u32(b, p + 24))
            let nameLength = Int(Zip.u16(b, p + 28)), extraLength = Int(Zip.u16(b, p + 30))
            let commentLength = Int(Zip.u16(b, p + 32))
            var disk = UInt64(Zip.u16(b, p + 34))
            var localOffset = UInt64(Zip.u32(b, p + 42))
            guard end - p - Zip.centralHeaderSize >= nameLength + extraLength + commentLength else {
                throw ZipError.truncatedCentralDirectory(entry: i, offset: p)
            }
            let nameRange = (p + 46)..<(p + 46 + nameLength)
            let extraRange = nameRange.upperBound..<(nameRange.upperBound + extraLength)
            try readZip64Extra(b, extraRange, entry: i, uncompressed: &uncompressed, compressed: &compressed,
                               localOffset: &localOffset, disk: &disk)
            guard disk == 0 else { throw ZipError.unsupportedMultiDisk }
            let name = Zip.decodeName(b[nameRange], utf8: flags & Zip.flagUTF8 != 0)
            let uncompressedSize = Zip.int(uncompressed), compressedSize = Zip.int(compressed)
            guard uncompressedSize <= limits.maxEntrySize else {
                throw ZipError.entryTooLarge(entry: name, size: uncompressedSize, limit: limits.maxEntrySize)
            }
            let (sum, overflow) = total.addingReportingOverflow(uncompressedSize)
            total = overflow ? Int.max : sum
            guard total <= limits.maxTotalSize else {
                throw ZipError.archiveTooLarge(totalSize: total, limit: limits.maxTotalSize)
            }
            let dataOffset = try resolveLocalHeader(b, name: name, centralName: nameRange,
                                                    offset: Zip.int(localOffset), compressedSize: compressedSize,
                                                    dataLimit: directory.offset)
            if method == .stored && flags & (Zip.flagEncrypted | Zip.flagStrongEncryption) == 0
                && compressedSize != uncompressedSize {
                throw ZipError.storedSizeMismatch(entry: name, compressed: compressedSize, uncompressed: uncompressedSize)
            }
            entries.append(ZipEntry(index: i, name: name, method: method, flags: flags, crc32: crc,
                                    compressedSize: compressedSize, uncompressedSize: uncompressedSize,
                                    localHeaderOffset: Zip.int(localOffset), dataOffset: dataOffset))
            p = extraRange.upperBound + commentLength
        }
        return entries
    }

    /// Replaces the saturated 32-bit fields with their zip64 values (APPNOTE 4.5.3: present in
    /// the order uncompressed size, compressed size, local header offset, disk, and only for
    /// the fields that are saturated). Other extra fields are skipped.
    static func readZip64Extra(_ b: [UInt8], _ range: Range<Int>, entry: Int, uncompressed: inout UInt64,
                               compressed: inout UInt64, localOffset: inout UInt64, disk: inout UInt64) throws {
        let needsUncompressed = uncompressed == UInt64(Zip.saturated32)
        let needsCompressed = compressed == UInt64(Zip.saturated32)
        let needsOffset = localOffset == UInt64(Zip.saturated32)
        let needsDisk = disk == UInt64(Zip.saturated16)
        var found = false
        var q = range.lowerBound
        while range.upperBound - q >= 4 {
            let id = Zip.u16(b, q), size = Int(Zip.u16(b, q + 2))
            guard range.upperBound - q - 4 >= size else { throw ZipError.badExtraField(entry: entry, offset: q) }
            if id == Zip.zip64ExtraID && !found {
                found = true
                var r = q + 4
                let fieldEnd = q + 4 + size
                func next(_ width: Int, _ field: String) throws -> UInt64 {
                    guard fieldEnd - r >= width else { throw ZipError.missingZip64Field(entry: entry, field: field) }
                    defer { r += width }
                    return width == 8 ? Zip.u64(b, r) : UInt64(Zip.u32(b, r))
                }
                if needsUncompressed { uncompressed = try next(8, "uncompressed size") }
                if needsCompressed { compressed = try next(8, "compressed size") }
                if needsOffset { localOffset = try next(8, "local header offset") }
                if needsDisk { disk = try next(4, "disk number") }
            }
            q += 4 + size
        }
        if !found {
            if needsUncompressed { throw ZipError.missingZip64Field(entry: entry, field: "uncompressed size") }
            if needsCompressed { throw ZipError.missingZip64Field(entry: entry, field: "compressed size") }
            if needsOffset { throw ZipError.missingZip64Field(entry: entry, field: "local header offset") }
            if needsDisk { throw ZipError.missingZip64Field(entry: entry, field: "disk number") }
        }
    }

    /// Checks the local header at `offset` and returns where the entry's data starts. The
    /// header, its name and extra field, and the data must all end before `dataLimit`.
    static func resolveLocalHeader(_ b: [UInt8], name: String, centralName: Range<Int>, offset: Int,
                                   compressedSize: Int, dataLimit: Int) throws -> Int {
        guard offset <= dataLimit - Zip.localHeaderSize else {
            throw ZipError.localHeaderOutOfBounds(entry: name, offset: offset)
        }
        guard Zip.u32(b, offset) == Zip.localHeaderSignature else {
            throw ZipError.badLocalHeaderSignature(entry: name, offset: offset)
        }
        let nameLength = Int(Zip.u16(b, offset + 26)), extraLength = Int(Zip.u16(b, offset + 28))
        let dataOffset = offset + Zip.localHeaderSize + nameLength + extraLength
        guard dataOffset <= dataLimit, compressedSize <= dataLimit - dataOffset else {
            throw ZipError.dataOutOfBounds(entry: name, offset: dataOffset, size: compressedSize)
        }
        let localName = (offset + Zip.localHeaderSize)..<(offset + Zip.localHeaderSize + nameLength)
        guard b[localName].elementsEqual(b[centralName]) else {
            throw ZipError.localNameMismatch(entry: name, offset: offset)
        }
        return dataOffset
    }

    /// Refuses entries whose header-to-data-end spans overlap.
    static func checkDisjoint(_ entries: [ZipEntry]) throws {
        let order = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (a, b) in zip(order, order.dropFirst()) where b.localHeaderOffset < a.dataRange.upperBound {
            throw ZipError.overlappingEntries(first: a.name, second: b.name, offset: b.localHeaderOffset)
        }
    }
}
