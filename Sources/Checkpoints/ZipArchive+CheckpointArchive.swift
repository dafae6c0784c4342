// ZipArchive as a CheckpointArchive, and the entry point that reads a .pth file of either
// layout: a zip archive (PyTorch >= 1.6, first bytes "PK") goes through Codecs' ZipArchive and
// TorchCheckpoint+Zip.swift, anything else through the legacy reader. Part of Checkpoints.
// Stored entries (torch.save's only method) are read as slices of the file, without a copy,
// and checksummed when a tensor first reads them.
import Codecs

extension ZipArchive: CheckpointArchive {
    public var entryNames: [String] { entries.map(\.name) }

    public func contents(of name: String) throws -> ArraySlice<UInt8> {
        guard let entry = entry(named: name) else { throw ZipError.entryNotFound(name) }
        return try dataSlice(for: entry)
    }

    /// A stored entry's slice, its CRC-32 checked only when a tensor reads it.
    public func deferredContents(of name: String) throws -> (bytes: ArraySlice<UInt8>, checksum: DeferredChecksum?) {
        guard let entry = entry(named: name) else { throw ZipError.entryNotFound(name) }
        guard entry.method == .stored else { return (try dataSlice(for: entry), nil) }
        let bytes = try dataSlice(for: entry, verifyChecksum: false)
        let expected = entry.crc32
        return (bytes, DeferredChecksum(entry: name) { data in
            let actual = CRC32.checksum(data)
            guard actual == expected else {
                throw ZipError.checksumMismatch(entry: name, expected: expected, actual: actual)
            }
        })
    }
}

extension TorchCheckpoint {
    /// Reads a .pth file of either layout. Errors are `CheckpointError`, `PickleError` (the
    /// pickle itself, including forbidden globals) or `ZipError` (the archive).
    public init(_ bytes: [UInt8]) throws {
        if bytes.starts(with: [0x50, 0x4B]) {
            try self.init(archive: try ZipArchive(bytes))
        } else {
            try self.init(legacy: bytes)
        }
    }

    /// The state dict of a .pth file of either layout (see `stateDict(including:)`).
    public static func stateDict(from bytes: [UInt8],
                                 including: (_ name: String, _ dtype: CheckpointDType) -> Bool = { _, _ in true }) throws -> StateDict {
        try TorchCheckpoint(bytes).stateDict(including: including)
    }
}
