// ZipError: everything the zip reader (Zip+Reader.swift) can refuse, and ZipLimits, the caps
// that keep a forged archive from making it allocate without bound. Malformed cases carry the
// byte offset (in the archive) where the problem was found; `unsupported...` cases are valid
// archives using features this reader does not implement (PKWARE APPNOTE 6.3: encryption,
// methods other than 0 and 8, spanned archives); `...Limit` cases are the caller's limits.

/// Why a zip archive or one of its entries could not be read.
public enum ZipError: Error, Equatable, Sendable {
    // Malformed: the archive structure (APPNOTE 4.3).
    /// No end-of-central-directory record in the last 65,557 bytes (22 + longest comment).
    case endOfCentralDirectoryNotFound
    /// The zip64 end-of-central-directory locator points to no zip64 record.
    case badZip64EndOfCentralDirectory(offset: Int)
    /// The central directory does not lie inside the archive (before its end record).
    case centralDirectoryOutOfBounds(offset: Int, size: Int)
    /// The end record announces more entries than the central directory has room for.
    case entryCountExceedsCentralDirectory(declared: Int, size: Int)
    /// A central directory header without its signature "PK\1\2".
    case badCentralDirectorySignature(entry: Int, offset: Int)
    /// A central directory header (or its name, extra field, comment) crosses the directory's end.
    case truncatedCentralDirectory(entry: Int, offset: Int)
    /// An extra field whose length overruns its extra block (APPNOTE 4.5.1).
    case badExtraField(entry: Int, offset: Int)
    /// A size or offset is 0xFFFFFFFF but the zip64 extra field (APPNOTE 4.5.3) lacks its value.
    case missingZip64Field(entry: Int, field: String)
    /// A local header that lies outside the archive data (before the central directory).
    case localHeaderOutOfBounds(entry: String, offset: Int)
    /// A local header without its signature "PK\3\4".
    case badLocalHeaderSignature(entry: String, offset: Int)
    /// The local header names a different file than the central directory.
    case localNameMismatch(entry: String, offset: Int)
    /// An entry's data runs past the start of the central directory.
    case dataOutOfBounds(entry: String, offset: Int, size: Int)
    /// Two entries share bytes (a trick of "zip bombs"; no honest writer does this).
    case overlappingEntries(first: String, second: String, offset: Int)
    /// A stored entry whose compressed and uncompressed sizes differ.
    case storedSizeMismatch(entry: String, compressed: Int, uncompressed: Int)

    // Malformed: an entry's data.
    /// The CRC-32 of the data is not the one the central directory records.
    case checksumMismatch(entry: String, expected: UInt32, actual: UInt32)
    /// Inflating gave a different number of bytes than the central directory records.
    case sizeMismatch(entry: String, declared: Int, actual: Int)
    /// The deflate stream of an entry is corrupt (offsets are relative to the entry's data).
    case badDeflateData(entry: String, DeflateError)

    /// `data(named:)` was asked for a name the archive does not hold.
    case entryNotFound(String)

    // Limits (ZipLimits).
    case tooManyEntries(declared: Int, limit: Int)
    case entryTooLarge(entry: String, size: Int, limit: Int)
    case archiveTooLarge(totalSize: Int, limit: Int)

    // Valid but unsupported.
    /// The archive spans several disks (volumes).
    case unsupportedMultiDisk
    /// The entry is encrypted (general-purpose flag bit 0 or 6).
    case unsupportedEncryption(entry: String)
    /// Compression methods other than 0 (stored) and 8 (deflated).
    case unsupportedMethod(entry: String, method: UInt16)
}

/// Caps checked against the sizes the central directory declares, before anything is
/// allocated. Inflated data is never allowed to exceed the declared size.
public struct ZipLimits: Equatable, Sendable {
    /// Largest number of entries.
    public var maxEntries: Int
    /// Largest uncompressed size of one entry.
    public var maxEntrySize: Int
    /// Largest sum of the uncompressed sizes of all entries.
    public var maxTotalSize: Int

    /// Defaults: 2^20 entries, 4 GiB per entry, 64 GiB in all.
    public init(maxEntries: Int = 1 << 20, maxEntrySize: Int = 1 << 32, maxTotalSize: Int = 1 << 36) {
        precondition(maxEntries >= 0 && maxEntrySize >= 0 && maxTotalSize >= 0, "ZipLimits must not be negative")
        self.maxEntries = maxEntries
        self.maxEntrySize = maxEntrySize
        self.maxTotalSize = maxTotalSize
    }
}
