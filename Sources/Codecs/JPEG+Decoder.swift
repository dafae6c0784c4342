// JPEG decoding entry point (ITU T.81 baseline, extended sequential and progressive Huffman,
// 8-bit, greyscale or three components) producing Codecs' Image. The marker loop of T.81 B.2
// and E.2 (decoder control): tables, frame, scans, restart intervals, EOI. Output follows
// libjpeg-turbo's default decode (ISLOW IDCT, fancy upsampling, integer YCbCr→RGB), as Pillow
// gives it. Policy on damaged data: the file must reach EOI (else `truncated`, as Pillow
// refuses it); a marker met inside a scan ends that segment's data, the rest reads as zeros and
// MCUs past it stay grey, and an early EOI in a progressive file gets libjpeg's block smoothing.

public enum JPEG {
    /// Bounds on what one decode may allocate or do; exceeding one throws `limitExceeded`.
    public struct DecodingLimits: Equatable, Sendable {
        /// Largest width × height accepted.
        public var maxPixels: Int
        /// Largest number of scans (progressive files use about 10; each costs a pass).
        public var maxScans: Int
        /// Largest total of sample planes, coefficient buffers and output, in bytes.
        public var maxMemoryBytes: Int

        public init(maxPixels: Int = 1 << 28, maxScans: Int = 1000, maxMemoryBytes: Int = 1 << 32) {
            self.maxPixels = maxPixels
            self.maxScans = maxScans
            self.maxMemoryBytes = maxMemoryBytes
        }
    }

    /// Decodes a JPEG file: 1 channel for greyscale, 3 (RGB) for colour.
    public static func decode(_ bytes: [UInt8], limits: DecodingLimits = .init()) throws -> Image {
        try bytes.withUnsafeBufferPointer { data in
            try Decoder(data: data, limits: limits).run()
        }
    }

    /// Natural (row-major) index of each zigzag position (T.81 Figure A.6), with 16 extra
    /// entries pointing at 63 so corrupt run lengths stay inside the block, as in libjpeg.
    static let zigzagToNatural: [Int32] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ]

    /// Decoder state for one file; lives for one `decode` call.
    final class Decoder {
        let data: UnsafeBufferPointer<UInt8>
        let limits: DecodingLimits
        var quantizationTables: [[UInt16]?] = [nil, nil, nil, nil]
        var dcSpecifications: [HuffmanSpecification?] = [nil, nil, nil, nil]
        var acSpecifications: [HuffmanSpecification?] = [nil, nil, nil, nil]
        var dcTables: [HuffmanTable?] = [nil, nil, nil, nil]
        var acTables: [HuffmanTable?] = [nil, nil, nil, nil]
        var restartInterval = 0
        var frame: Frame?
        var sawJFIF = false
        var adobeTransform: Int?
        var scanCount = 0
        /// Coefficients are kept for all blocks (progressive or multi-scan sequential).
        var buffered = false
        var singleScanDone = false
        var planes: [Plane] = []
        var coefficients: [CoefficientGrid] = []
        /// Each component's quantization table as latched at its first scan (raw values).
        var latchedQuantization: [[UInt16]?] = []
        /// Progressive only: which bits of which coefficients have arrived, per component.
        var progression: [ProgressionState] = []
        /// The MCU row of the last MCU decoded with data left (libjpeg's last_good_iMCU_row).
        var lastGoodMCURow = 0
        /// The natural-order zigzag table with a stable address for the block decoders.
        let zigzag = Storage<Int32>(count: 80, zero: 0)

        init(data: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) {
            self.data = data
            self.limits = limits
            for (i, z) in JPEG.zigzagToNatural.enumerated() { zigzag.pointer[i] = z }
        }

        func run() throws -> Image {
            guard data.count >= 2, data[0] == 0xFF, data[1] == Marker.soi else {
                throw JPEGError.missingStartOfImage
            }
            var position = 2
            while true {
                let (marker, offset) = try nextMarker(&position)
                switch marker {
                case Marker.eoi:
                    return try finish(offset: offset)
                case Marker.sof0, Marker.sof1, Marker.sof2:
                    try readFrameHeader(marker, segment(marker: marker, at: offset), offset: offset)
                case 0xC3, 0xCB:
                    throw JPEGError.unsupported(.lossless, offset: offset)
                case 0xC5, 0xC6, 0xC7, 0xCD, 0xCE, 0xCF, 0xDE, 0xDF:
                    throw JPEGError.unsupported(.hierarchical, offset: offset)
                case 0xC9, 0xCA:
                    throw JPEGError.unsupported(.arithmeticCoding, offset: offset)
                case Marker.dht:
                    try readHuffmanTables(segment(marker: marker, at: offset), offset: offset)
                case Marker.dqt:
                    try readQuantizationTables(segment(marker: marker, at: offset), offset: offset)
                case Marker.dri:
                    try readRestartInterval(segment(marker: marker, at: offset), offset: offset)
                case Marker.app0...Marker.app15:
                    readApplicationSegment(marker, try segment(marker: marker, at: offset))
                case Marker.com, Marker.dnl, Marker.dac:
                    _ = try segment(marker: marker, at: offset)
                case Marker.rst0...Marker.rst7, Marker.tem:
                    break
                case Marker.sos:
                    let range = try segment(marker: marker, at: offset)
                    let scan = try readScanHeader(range, offset: offset)
                    position = try decodeScan(scan, dataStart: range.upperBound)
                default:
                    throw JPEGError.unexpectedMarker(marker: marker, offset: offset)
                }
                if marker != Marker.sos, let end = segmentEnd(marker, offset) { position = end }
            }
        }

        /// Where the segment of `marker` at `offset` ends, for markers that have a length.
        private func segmentEnd(_ marker: UInt8, _ offset: Int) -> Int? {
            switch marker {
            case Marker.rst0...Marker.rst7, Marker.tem, Marker.soi, Marker.eoi: return nil
            default: return offset + 2 + (Int(data[offset + 2]) << 8 | Int(data[offset + 3]))
            }
        }

        /// Sets up buffers at the first scan, checks the scan against the frame, decodes it,
        /// and returns the offset of the marker that follows its data.
        private func decodeScan(_ scan: ScanHeader, dataStart: Int) throws -> Int {
            guard var frame else { throw JPEGError.invalidScanHeader(.noFrame, offset: scan.offset) }
            guard !singleScanDone else { throw JPEGError.unexpectedScan(offset: scan.offset) }
            scanCount += 1
            guard scanCount <= limits.maxScans else {
                throw JPEGError.limitExceeded(.scans, value: scanCount, limit: limits.maxScans)
            }
            if scanCount == 1 {
                buffered = frame.process == .progressive || scan.components.count < frame.components.count
                try allocate(frame)
            }
            for index in scan.components where frame.components[index].quantization == nil {
                let selector = frame.components[index].quantizationSelector
                guard let table = quantizationTables[selector] else {
                    throw JPEGError.missingTable(.quantization, index: selector, offset: scan.offset)
                }
                frame.components[index].quantization = table.map { Int32(Int16(truncatingIfNeeded: $0)) }
                latchedQuantization[index] = table
            }
            self.frame = frame
            if scan.components.count > 1 {
                let blocks = scan.components.reduce(0) {
                    $0 + frame.components[$1].horizontalSampling * frame.components[$1].verticalSampling
                }
                guard blocks <= 10 else {
                    throw JPEGError.invalidScanHeader(.tooManyBlocksInMCU(blocks), offset: scan.offset)
                }
            }
            var reader = BitReader(data: data, position: dataStart)
            if frame.process == .progressive {
                try decodeProgressiveScan(scan, frame: frame, reader: &reader)
            } else {
                try decodeSequentialScan(scan, frame: frame, reader: &reader)
                if !buffered { singleScanDone = true }
            }
            if reader.marker == 0 { reader.seekMarker() }
            guard !reader.reachedEnd else {
                throw JPEGError.truncated(offset: data.count, section: .entropyCodedData(scan: scanCount))
            }
            return reader.markerOffset
        }

        /// Planes (and coefficient grids when buffered), within the memory limit; frames that
        /// declare more blocks than the file could code (each needs at least one bit) are refused.
        private func allocate(_ frame: Frame) throws {
            let coded = frame.codedBlocks
            guard coded <= 8 * data.count else {
                throw JPEGError.limitExceeded(.blocksForDataSize, value: coded, limit: 8 * data.count)
            }
            let stored = frame.storedBlocks
            let channels = frame.components.count == 1 ? 1 : 3
            let bytes = stored * 64 * (buffered ? 3 : 1) + frame.width * frame.height * channels
            guard bytes <= limits.maxMemoryBytes else {
                throw JPEGError.limitExceeded(.memoryBytes, value: bytes, limit: limits.maxMemoryBytes)
            }
            planes = frame.components.map { Plane(component: $0) }
            latchedQuantization = [[UInt16]?](repeating: nil, count: frame.components.count)
            if buffered { coefficients = frame.components.map { CoefficientGrid(component: $0) } }
            if frame.process == .progressive {
                progression = [ProgressionState](repeating: ProgressionState(), count: frame.components.count)
            }
        }

        /// The Huffman table for a scan, built on first use; sequential scans fall back to the
        /// T.81 K.3 tables for undefined destinations 0 and 1, as libjpeg does.
        func huffmanTable(dc: Bool, index: Int, scan: ScanHeader) throws -> HuffmanTable {
            let kind: JPEGError.TableKind = dc ? .dcHuffman : .acHuffman
            guard index < 4 else { throw JPEGError.missingTable(kind, index: index, offset: scan.offset) }
            if let table = dc ? dcTables[index] : acTables[index] { return table }
            var spec = dc ? dcSpecifications[index] : acSpecifications[index]
            if spec == nil, frame?.process != .progressive {
                spec = JPEG.standardHuffmanSpecification(dc: dc, index: index)
            }
            guard let spec else { throw JPEGError.missingTable(kind, index: index, offset: scan.offset) }
            let table = try HuffmanTable(spec, isDC: dc)
            if dc { dcTables[index] = table } else { acTables[index] = table }
            return table
        }

        /// EOI: inverse DCT of buffered coefficients, then upsampling and colour conversion.
        private func finish(offset: Int) throws -> Image {
            guard let frame, scanCount > 0 else { throw JPEGError.noImage(offset: offset) }
            if buffered {
                if let bits = smoothingBits(frame) {
                    inverseTransformSmoothed(frame, bits: bits)
                } else {
                    inverseTransformAll(frame)
                }
            }
            let transform: ColorTransform
            if frame.components.count == 1 {
                transform = .none
            } else if sawJFIF {
                transform = .yCbCr
            } else if let adobeTransform {
                transform = adobeTransform == 0 ? .none : .yCbCr
            } else {
                let ids = frame.components.map(\.id)
                transform = ids == [0x52, 0x47, 0x42] ? .none : .yCbCr
            }
            return JPEG.assembleImage(frame: frame, planes: planes, transform: transform)
        }

        /// Inverse DCT of every coded block of every component into its plane.
        private func inverseTransformAll(_ frame: Frame) {
            for (index, component) in frame.components.enumerated() {
                let plane = planes[index], grid = coefficients[index]
                let quantization = component.quantization ?? [Int32](repeating: 0, count: 64)
                quantization.withUnsafeBufferPointer { q in
                    for by in 0..<component.heightInBlocks {
                        for bx in 0..<component.widthInBlocks {
                            JPEG.inverseDCT(grid.block(x: bx, y: by), q.baseAddress!,
                                            plane.row(by * 8) + bx * 8, stride: plane.stride)
                        }
                    }
                }
            }
        }
    }
}
