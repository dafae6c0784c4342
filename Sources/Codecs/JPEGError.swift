// JPEGError: everything the JPEG decoder can refuse, each case saying what went wrong and
// where (byte offset, marker). Malformed data, exceeded limits and valid-but-unsupported
// features (arithmetic coding, lossless, 12-bit, CMYK, ...) are separate cases so callers can
// tell a broken file from one this decoder does not handle. Marker names follow ITU T.81 B.1.1.3.

public enum JPEGError: Error, Equatable, Sendable {
    /// The data does not begin with the SOI marker FF D8 (this includes empty input).
    case missingStartOfImage
    /// The data ends at `offset`, before EOI, while reading `section`.
    case truncated(offset: Int, section: Section)
    /// The marker segment at `offset` has a length field that disagrees with its content.
    case badSegmentLength(marker: UInt8, offset: Int)
    /// A marker that is reserved, unknown or not allowed where it appears.
    case unexpectedMarker(marker: UInt8, offset: Int)
    /// The frame header (SOFn) at `offset` is malformed.
    case invalidFrameHeader(FrameProblem, offset: Int)
    /// The DHT segment at `offset` defines an impossible Huffman table.
    case invalidHuffmanTable(HuffmanProblem, offset: Int)
    /// The DQT segment at `offset` names table `index` outside 0...3.
    case invalidQuantizationTable(index: Int, offset: Int)
    /// The scan header (SOS) at `offset` is malformed.
    case invalidScanHeader(ScanProblem, offset: Int)
    /// The scan at `offset` uses a table that was never defined.
    case missingTable(TableKind, index: Int, offset: Int)
    /// A progressive scan at `offset` with an illegal spectral band or bit position (T.81 G.1.1.1.1).
    case invalidProgression(ss: Int, se: Int, ah: Int, al: Int, offset: Int)
    /// A DC coefficient left the range of a 32-bit integer (only corrupt data does this).
    case coefficientOverflow(offset: Int)
    /// EOI came before any complete frame and scan.
    case noImage(offset: Int)
    /// A second scan follows the only scan of a single-scan sequential image.
    case unexpectedScan(offset: Int)
    /// The image needs more than a `JPEG.DecodingLimits` allows.
    case limitExceeded(Limit, value: Int, limit: Int)
    /// Valid JPEG that this decoder does not implement.
    case unsupported(Feature, offset: Int)

    /// What the decoder was reading when the data ran out.
    public enum Section: Equatable, Sendable {
        /// Searching for the next marker.
        case marker
        /// Inside the marker segment with this marker code.
        case segment(marker: UInt8)
        /// Inside the entropy-coded data of scan number `scan` (1-based).
        case entropyCodedData(scan: Int)
    }

    public enum FrameProblem: Equatable, Sendable {
        case duplicateFrame
        case zeroWidth
        case noComponents
        /// A sampling factor outside 1...4 (T.81 B.2.2).
        case badSamplingFactor(component: Int)
        /// A quantization table selector above 3.
        case quantizationTableSelector(component: Int, selector: Int)
    }

    public enum HuffmanProblem: Equatable, Sendable {
        /// Table class above 1 or destination above 3.
        case badDestination(classAndIndex: UInt8)
        /// More than 256 codes, or more codes than the segment holds.
        case badCodeCount(Int)
        /// The code lengths need more codes than a prefix code can have (T.81 C.2).
        case oversubscribed
        /// A DC table holds a difference category above 15.
        case dcSymbolOutOfRange(UInt8)
    }

    public enum ScanProblem: Equatable, Sendable {
        case noFrame
        case componentCount(Int)
        case unknownComponent(id: UInt8)
        case duplicateComponent(id: UInt8)
        /// More than 10 blocks in one MCU (T.81 B.2.3).
        case tooManyBlocksInMCU(Int)
        case tableSelector(UInt8)
    }

    public enum TableKind: Equatable, Sendable {
        case dcHuffman, acHuffman, quantization
    }

    public enum Limit: Equatable, Sendable {
        case pixels, scans, memoryBytes
        /// The frame has more 8×8 blocks than the file has bits, so it cannot be real data.
        case blocksForDataSize
    }

    public enum Feature: Equatable, Sendable {
        /// SOF3/7/11/15: lossless coding.
        case lossless
        /// SOF5-7, SOF13-15, DHP/EXP: hierarchical coding.
        case hierarchical
        /// SOF9-15: arithmetic entropy coding.
        case arithmeticCoding
        /// Sample precision other than 8 bits.
        case precision(Int)
        /// Component counts other than 1 (grey) and 3 (YCbCr or RGB).
        case componentCount(Int)
        /// Sampling factors above 2.
        case samplingFactor(horizontal: Int, vertical: Int)
        /// Height 0 in SOF, to be defined later by a DNL marker.
        case heightFromDNL
    }
}
