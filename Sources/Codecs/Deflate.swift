// Deflate: the RFC 1951 encoder used to write PNG (through Zlib) and compressed zip entries.
// `.stored` copies the data into stored blocks; `.fast` and `.default` parse it into LZ77
// literals and matches (Deflate+Matcher.swift: hash chains over a 32 KiB window, greedy or
// lazy matching) and write each block of up to 16384 symbols as the cheapest of dynamic
// Huffman, fixed Huffman or stored (Deflate+BlockWriter.swift). Output is deterministic.

/// How hard the encoder works.
public enum CompressionLevel: Sendable, Equatable, CaseIterable {
    /// No compression: stored blocks only (always valid, 5 bytes per 64 KiB of overhead).
    case stored
    /// Greedy matching with short hash chains.
    case fast
    /// Lazy matching with longer chains (about zlib's level 6).
    case `default`
}

public enum Deflate {
    /// LZ77 symbols per block before the block is written.
    static let blockSymbols = 16384

    /// Compresses `data` into a raw deflate stream (no zlib header).
    public static func compress(_ data: [UInt8], level: CompressionLevel = .default) -> [UInt8] {
        var writer = BitWriter()
        writer.bytes.reserveCapacity(level == .stored ? data.count + data.count / 65535 * 5 + 8 : data.count / 2 + 64)
        data.withUnsafeBufferPointer { input in
            switch level {
            case .stored:
                DeflateBlock.writeStored(input: input, range: 0..<input.count, final: true, to: &writer)
            case .fast:
                LZ77Matcher.parse(input, settings: .fast, writer: &writer)
            case .default:
                LZ77Matcher.parse(input, settings: .default, writer: &writer)
            }
        }
        writer.alignToByte()
        return writer.bytes
    }
}
