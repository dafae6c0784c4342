// Marker segments of a JPEG file (T.81 B.1-B.2, JFIF APP0, Adobe APP14): finding the next
// marker, and reading the table, frame, scan and restart-interval segments into the decoder's
// state. Application and comment segments are skipped by their length; only the JFIF and Adobe
// signatures are looked at, because they decide the colour space as libjpeg decides it.

extension JPEG {
    /// Marker codes (the byte after FF) this decoder treats specially.
    enum Marker {
        static let sof0: UInt8 = 0xC0, sof1: UInt8 = 0xC1, sof2: UInt8 = 0xC2
        static let dht: UInt8 = 0xC4, dac: UInt8 = 0xCC
        static let rst0: UInt8 = 0xD0, rst7: UInt8 = 0xD7
        static let soi: UInt8 = 0xD8, eoi: UInt8 = 0xD9, sos: UInt8 = 0xDA
        static let dqt: UInt8 = 0xDB, dnl: UInt8 = 0xDC, dri: UInt8 = 0xDD
        static let app0: UInt8 = 0xE0, app14: UInt8 = 0xEE, app15: UInt8 = 0xEF
        static let com: UInt8 = 0xFE, tem: UInt8 = 0x01
    }

    /// A scan header (T.81 B.2.3).
    struct ScanHeader {
        /// Frame component indices, in scan order.
        var components: [Int]
        var dcSelectors: [Int]
        var acSelectors: [Int]
        var spectralStart: Int
        var spectralEnd: Int
        var approximationHigh: Int
        var approximationLow: Int
        /// Offset of the SOS marker.
        var offset: Int
    }
}

extension JPEG.Decoder {
    /// The marker at or after `position` (skipping stray bytes and FF fill bytes, as libjpeg
    /// does); returns its code and the offset of its FF, and moves `position` past it.
    func nextMarker(_ position: inout Int) throws -> (code: UInt8, offset: Int) {
        let n = data.count
        while true {
            while position < n && data[position] != 0xFF { position += 1 }
            var p = position + 1
            while p < n && data[p] == 0xFF { p += 1 }
            guard p < n else { throw JPEGError.truncated(offset: n, section: .marker) }
            if data[p] != 0 {
                position = p + 1
                return (data[p], p - 1)
            }
            position = p + 1
        }
    }

    /// The payload range of the segment whose marker FF is at `offset` (after its 2-byte length).
    func segment(marker: UInt8, at offset: Int) throws -> Range<Int> {
        let start = offset + 4
        guard start <= data.count else {
            throw JPEGError.truncated(offset: data.count, section: .segment(marker: marker))
        }
        let length = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
        guard length >= 2 else { throw JPEGError.badSegmentLength(marker: marker, offset: offset) }
        guard offset + 2 + length <= data.count else {
            throw JPEGError.truncated(offset: data.count, section: .segment(marker: marker))
        }
        return start..<(offset + 2 + length)
    }

    /// DQT (B.2.4.1): one or more tables of 64 entries, 8 or 16 bits, in zigzag order.
    func readQuantizationTables(_ range: Range<Int>, offset: Int) throws {
        var p = range.lowerBound
        while p < range.upperBound {
            let precision = Int(data[p] >> 4), index = Int(data[p] & 15)
            guard index < 4 else { throw JPEGError.invalidQuantizationTable(index: index, offset: offset) }
            let size = precision == 0 ? 64 : 128
            guard p + 1 + size <= range.upperBound else {
                throw JPEGError.badSegmentLength(marker: JPEG.Marker.dqt, offset: offset)
            }
            var table = [UInt16](repeating: 0, count: 64)
            for k in 0..<64 {
                let value = precision == 0 ? UInt16(data[p + 1 + k])
                    : UInt16(data[p + 1 + 2 * k]) << 8 | UInt16(data[p + 2 + 2 * k])
                table[Int(JPEG.zigzagToNatural[k])] = value
            }
            quantizationTables[index] = table
            p += 1 + size
        }
    }

    /// DHT (B.2.4.2): one or more tables, each 16 code-length counts then the symbols.
    func readHuffmanTables(_ range: Range<Int>, offset: Int) throws {
        var p = range.lowerBound
        while p < range.upperBound {
            guard p + 17 <= range.upperBound else {
                throw JPEGError.badSegmentLength(marker: JPEG.Marker.dht, offset: offset)
            }
            let classAndIndex = data[p]
            let tableClass = Int(classAndIndex >> 4), index = Int(classAndIndex & 15)
            guard tableClass <= 1, index < 4 else {
                throw JPEGError.invalidHuffmanTable(.badDestination(classAndIndex: classAndIndex), offset: offset)
            }
            let counts = Array(data[(p + 1)..<(p + 17)])
            let total = counts.reduce(0) { $0 + Int($1) }
            guard total <= 256, p + 17 + total <= range.upperBound else {
                throw JPEGError.invalidHuffmanTable(.badCodeCount(total), offset: offset)
            }
            let spec = JPEG.HuffmanSpecification(counts: counts, symbols: Array(data[(p + 17)..<(p + 17 + total)]),
                                                  offset: offset)
            if tableClass == 0 { dcSpecifications[index] = spec; dcTables[index] = nil }
            else { acSpecifications[index] = spec; acTables[index] = nil }
            p += 17 + total
        }
    }

    /// DRI (B.2.4.4): the restart interval in MCUs (0 disables restarts).
    func readRestartInterval(_ range: Range<Int>, offset: Int) throws {
        guard range.count == 2 else { throw JPEGError.badSegmentLength(marker: JPEG.Marker.dri, offset: offset) }
        restartInterval = Int(data[range.lowerBound]) << 8 | Int(data[range.lowerBound + 1])
    }

    /// APP0 (JFIF) and APP14 (Adobe) signatures; other application data is ignored.
    func readApplicationSegment(_ marker: UInt8, _ range: Range<Int>) {
        let bytes = data[range]
        func starts(with signature: [UInt8], minimumLength: Int) -> Bool {
            bytes.count >= minimumLength && bytes.prefix(signature.count).elementsEqual(signature)
        }
        if marker == JPEG.Marker.app0, starts(with: Array("JFIF\0".utf8), minimumLength: 14) {
            sawJFIF = true
        } else if marker == JPEG.Marker.app14, starts(with: Array("Adobe".utf8), minimumLength: 12) {
            adobeTransform = Int(data[range.lowerBound + 11])
        }
    }

    /// SOF0/1/2 (B.2.2).
    func readFrameHeader(_ marker: UInt8, _ range: Range<Int>, offset: Int) throws {
        guard frame == nil else { throw JPEGError.invalidFrameHeader(.duplicateFrame, offset: offset) }
        guard range.count >= 6 else { throw JPEGError.badSegmentLength(marker: marker, offset: offset) }
        let p = range.lowerBound
        let precision = Int(data[p])
        let height = Int(data[p + 1]) << 8 | Int(data[p + 2])
        let width = Int(data[p + 3]) << 8 | Int(data[p + 4])
        let count = Int(data[p + 5])
        guard height > 0 else { throw JPEGError.unsupported(.heightFromDNL, offset: offset) }
        guard width > 0 else { throw JPEGError.invalidFrameHeader(.zeroWidth, offset: offset) }
        guard count > 0 else { throw JPEGError.invalidFrameHeader(.noComponents, offset: offset) }
        guard range.count == 6 + 3 * count else { throw JPEGError.badSegmentLength(marker: marker, offset: offset) }
        guard precision == 8 else { throw JPEGError.unsupported(.precision(precision), offset: offset) }
        guard count == 1 || count == 3 else { throw JPEGError.unsupported(.componentCount(count), offset: offset) }
        var components: [JPEG.Component] = []
        for i in 0..<count {
            let q = p + 6 + 3 * i
            let h = Int(data[q + 1] >> 4), v = Int(data[q + 1] & 15), tq = Int(data[q + 2])
            guard h > 0, v > 0, h <= 4, v <= 4 else {
                throw JPEGError.invalidFrameHeader(.badSamplingFactor(component: i), offset: offset)
            }
            guard h <= 2, v <= 2 else {
                throw JPEGError.unsupported(.samplingFactor(horizontal: h, vertical: v), offset: offset)
            }
            guard tq < 4 else {
                throw JPEGError.invalidFrameHeader(.quantizationTableSelector(component: i, selector: tq), offset: offset)
            }
            components.append(JPEG.Component(id: data[q], horizontalSampling: h, verticalSampling: v,
                                             quantizationSelector: tq))
        }
        guard width * height <= limits.maxPixels else {
            throw JPEGError.limitExceeded(.pixels, value: width * height, limit: limits.maxPixels)
        }
        let process: JPEG.CodingProcess = marker == JPEG.Marker.sof0 ? .baseline
            : marker == JPEG.Marker.sof1 ? .extendedSequential : .progressive
        var header = JPEG.Frame(process: process, precision: precision, width: width, height: height,
                                components: components)
        header.computeGeometry()
        frame = header
    }

    /// SOS (B.2.3).
    func readScanHeader(_ range: Range<Int>, offset: Int) throws -> JPEG.ScanHeader {
        guard let frame else { throw JPEGError.invalidScanHeader(.noFrame, offset: offset) }
        let p = range.lowerBound
        guard range.count >= 1 else { throw JPEGError.badSegmentLength(marker: JPEG.Marker.sos, offset: offset) }
        let count = Int(data[p])
        guard (1...4).contains(count) else {
            throw JPEGError.invalidScanHeader(.componentCount(count), offset: offset)
        }
        guard range.count == 4 + 2 * count else {
            throw JPEGError.badSegmentLength(marker: JPEG.Marker.sos, offset: offset)
        }
        var scan = JPEG.ScanHeader(components: [], dcSelectors: [], acSelectors: [], spectralStart: 0,
                                   spectralEnd: 0, approximationHigh: 0, approximationLow: 0, offset: offset)
        for i in 0..<count {
            let id = data[p + 1 + 2 * i], selectors = data[p + 2 + 2 * i]
            guard let index = frame.components.indices.first(where: {
                frame.components[$0].id == id && !scan.components.contains($0)
            }) else {
                let known = frame.components.contains { $0.id == id }
                throw JPEGError.invalidScanHeader(known ? .duplicateComponent(id: id) : .unknownComponent(id: id),
                                                  offset: offset)
            }
            scan.components.append(index)
            scan.dcSelectors.append(Int(selectors >> 4))
            scan.acSelectors.append(Int(selectors & 15))
        }
        let q = p + 1 + 2 * count
        scan.spectralStart = Int(data[q])
        scan.spectralEnd = Int(data[q + 1])
        scan.approximationHigh = Int(data[q + 2] >> 4)
        scan.approximationLow = Int(data[q + 2] & 15)
        return scan
    }
}
