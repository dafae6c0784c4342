// ZipArchive as a CheckpointArchive, and the entry point that reads a .pth file of either
// layout: a zip archive (PyTorch >= 1.6, first bytes "PK") goes through Codecs' ZipArchive and
// TorchCheckpoint+Zip.swift, anything else through the legacy reader. Part of Checkpoints.
// Stored entries (torch.save's only method) are read as slices of the file, without a copy.
import Codecs

extension ZipArchive: CheckpointArchive {
    public var entryNames: [String] { entries.map(\.name) }

    public func contents(of name: String) throws -> ArraySlice<UInt8> {
        guard let entry = entry(named: name) else { throw ZipError.entryNotFound(name) }
        return try dataSlice(for: entry)
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

    /// The state dict of a .pth file of either layout (see `stateDict()`).
    public static func stateDict(from bytes: [UInt8]) throws -> StateDict {
        try TorchCheckpoint(bytes).stateDict()
    }
}
