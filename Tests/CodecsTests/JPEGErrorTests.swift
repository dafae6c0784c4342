// JPEG decoder error table: malformed inputs built by editing the committed fixtures (cut,
// replaced or inserted marker segments), each with the exact error it must produce, plus the
// truncation policy (every strict prefix of a file is refused as truncated, at its length),
// limits, and damage the decoder tolerates as libjpeg does (stray bytes, data after EOI).
import XCTest
import Codecs
import TestSupport

/// Marker-segment surgery on a JPEG file (headers only: segments before the first SOS).
struct JPEGEditor {
    var bytes: [UInt8]

    init(_ fixture: String) throws { bytes = try Fixtures.bytes("jpeg/\(fixture)") }
    init(bytes: [UInt8]) { self.bytes = bytes }

    /// (marker, offset of FF, end) of each header segment up to and including the first SOS.
    var segments: [(marker: UInt8, start: Int, end: Int)] {
        var out: [(UInt8, Int, Int)] = []
        var i = 2
        while i + 3 < bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            let end = i + 2 + (Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
            out.append((marker, i, end))
            if marker == 0xDA { break }
            i = end
        }
        return out
    }

    func segment(_ marker: UInt8, occurrence: Int = 0) -> (marker: UInt8, start: Int, end: Int) {
        segments.filter { $0.marker == marker }[occurrence]
    }

    /// Offset of the payload (after the length field) of a segment.
    func payload(_ marker: UInt8, occurrence: Int = 0) -> Int { segment(marker, occurrence: occurrence).start + 4 }

    /// Replaces a whole segment (marker and length included) by `marker` + `payload`.
    mutating func replace(_ marker: UInt8, occurrence: Int = 0, with newMarker: UInt8? = nil, payload: [UInt8]) {
        let s = segment(marker, occurrence: occurrence)
        let length = payload.count + 2
        bytes.replaceSubrange(s.start..<s.end, with: [0xFF, newMarker ?? marker, UInt8(length >> 8), UInt8(length & 255)] + payload)
    }

    mutating func insert(_ raw: [UInt8], before marker: UInt8) {
        bytes.insert(contentsOf: raw, at: segment(marker).start)
    }

    func payloadBytes(_ marker: UInt8, occurrence: Int = 0) -> [UInt8] {
        let s = segment(marker, occurrence: occurrence)
        return Array(bytes[(s.start + 4)..<s.end])
    }
}

final class JPEGErrorTests: XCTestCase {
    private func assertError(_ bytes: [UInt8], _ expected: JPEGError, limits: JPEG.DecodingLimits = .init(),
                             _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try JPEG.decode(bytes, limits: limits), message, file: file, line: line) { error in
            XCTAssertEqual(error as? JPEGError, expected, message, file: file, line: line)
        }
    }

    private let baseline = "astronaut_61x45_420_base.jpg"
    private let progressive = "astronaut_61x45_420_prog.jpg"

    func testEveryStrictPrefixIsRefusedAsTruncated() throws {
        for name in [baseline, progressive, "coffee_48x40_420_rst1_base.jpg", "coffee_48x40_420_rst2_prog.jpg"] {
            let bytes = try Fixtures.bytes("jpeg/\(name)")
            XCTAssertNoThrow(try JPEG.decode(bytes), name)
            let headerEnd = JPEGEditor(bytes: bytes).segment(0xDA).end
            // Every length through the headers, then every 3rd byte of entropy-coded data.
            let lengths = Array(0..<headerEnd) + Array(stride(from: headerEnd, to: bytes.count, by: 3))
                + [bytes.count - 2, bytes.count - 1]
            for length in lengths {
                let prefix = Array(bytes.prefix(length))
                XCTAssertThrowsError(try JPEG.decode(prefix), "\(name) cut at \(length)") { error in
                    guard let error = error as? JPEGError else { return XCTFail("\(error)") }
                    if length < 2 {
                        XCTAssertEqual(error, .missingStartOfImage)
                    } else if case .truncated(let offset, _) = error {
                        XCTAssertEqual(offset, length, "\(name) cut at \(length)")
                    } else {
                        XCTFail("\(name) cut at \(length): \(error)")
                    }
                }
            }
        }
    }

    func testTruncationSectionNamesWhatWasBeingRead() throws {
        let editor = try JPEGEditor(baseline)
        let bytes = editor.bytes
        let dqt = editor.segment(0xDB)
        assertError(Array(bytes.prefix(dqt.start + 10)), .truncated(offset: dqt.start + 10, section: .segment(marker: 0xDB)))
        let sos = editor.segment(0xDA)
        assertError(Array(bytes.prefix(sos.end + 20)), .truncated(offset: sos.end + 20, section: .entropyCodedData(scan: 1)))
        assertError(Array(bytes.prefix(sos.start)), .truncated(offset: sos.start, section: .marker))
    }

    func testMissingStartOfImageAndBadMarkers() throws {
        var bytes = try Fixtures.bytes("jpeg/\(baseline)")
        assertError([], .missingStartOfImage)
        assertError([0xFF], .missingStartOfImage)
        bytes[1] = 0xD9
        assertError(bytes, .missingStartOfImage)

        var editor = try JPEGEditor(baseline)
        let at = editor.segment(0xDB).start
        editor.insert([0xFF, 0x02, 0x00, 0x02], before: 0xDB)
        assertError(editor.bytes, .unexpectedMarker(marker: 0x02, offset: at))
        editor = try JPEGEditor(baseline)
        editor.insert([0xFF, 0xC8, 0x00, 0x02], before: 0xDB)
        assertError(editor.bytes, .unexpectedMarker(marker: 0xC8, offset: at))
        editor = try JPEGEditor(baseline)
        editor.insert([0xFF, 0xD8], before: 0xDB)
        assertError(editor.bytes, .unexpectedMarker(marker: 0xD8, offset: at))
        editor = try JPEGEditor(baseline)
        editor.insert([0xFF, 0xDB, 0x00, 0x01], before: 0xDB)
        assertError(editor.bytes, .badSegmentLength(marker: 0xDB, offset: at))
    }

    func testHuffmanTableErrors() throws {
        var editor = try JPEGEditor(baseline)
        let dht = editor.segment(0xC4)
        var payload = editor.payloadBytes(0xC4)
        // First table's counts claim one more symbol than the segment holds.
        var tooMany = payload
        let total = tooMany[1...16].reduce(0) { $0 + Int($1) }
        tooMany[16] &+= UInt8(payload.count)
        editor.replace(0xC4, payload: tooMany)
        assertError(editor.bytes, .invalidHuffmanTable(.badCodeCount(total + payload.count), offset: dht.start))

        editor = try JPEGEditor(baseline)
        var overfull = [UInt8](repeating: 0, count: 17)
        overfull[0] = 0x00  // DC table 0
        overfull[1] = 3     // three codes of length 1
        overfull += [0, 1, 2]
        payload = overfull
        editor.replace(0xC4, payload: payload)
        // libjpeg writes one table per DHT: DC table 0 is now three one-bit codes.
        assertError(editor.bytes, .invalidHuffmanTable(.oversubscribed, offset: dht.start))

        editor = try JPEGEditor(baseline)
        var complete = [UInt8](repeating: 0, count: 17)
        complete[1] = 2     // "0" and "1": libjpeg refuses a code of all ones
        editor.replace(0xC4, payload: complete + [0, 1])
        assertError(editor.bytes, .invalidHuffmanTable(.oversubscribed, offset: dht.start))

        editor = try JPEGEditor(baseline)
        var badDC = [UInt8](repeating: 0, count: 17)
        badDC[2] = 1
        editor.replace(0xC4, payload: badDC + [16])
        assertError(editor.bytes, .invalidHuffmanTable(.dcSymbolOutOfRange(16), offset: dht.start))

        editor = try JPEGEditor(baseline)
        var badIndex = editor.payloadBytes(0xC4)
        badIndex[0] = 0x24
        editor.replace(0xC4, payload: badIndex)
        assertError(editor.bytes, .invalidHuffmanTable(.badDestination(classAndIndex: 0x24), offset: dht.start))
    }

    func testQuantizationTableErrors() throws {
        var editor = try JPEGEditor(baseline)
        let dqt = editor.segment(0xDB)
        var payload = editor.payloadBytes(0xDB)
        payload[0] = 0x05
        editor.replace(0xDB, payload: payload)
        assertError(editor.bytes, .invalidQuantizationTable(index: 5, offset: dqt.start))
        editor = try JPEGEditor(baseline)
        editor.replace(0xDB, payload: Array(editor.payloadBytes(0xDB).prefix(40)))
        assertError(editor.bytes, .badSegmentLength(marker: 0xDB, offset: dqt.start))
        // SOF names quantization table 2, which is never defined.
        editor = try JPEGEditor(baseline)
        var sof = editor.payloadBytes(0xC0)
        sof[6 + 2] = 2
        editor.replace(0xC0, payload: sof)
        assertError(editor.bytes, .missingTable(.quantization, index: 2, offset: editor.segment(0xDA).start))
    }

    func testFrameHeaderErrors() throws {
        let editor = try JPEGEditor(baseline)
        let sof = editor.payloadBytes(0xC0)
        let at = editor.segment(0xC0).start
        func frame(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var e = editor
            var p = sof
            edit(&p)
            e.replace(0xC0, payload: p)
            return e.bytes
        }
        assertError(frame { $0[3] = 0; $0[4] = 0 }, .invalidFrameHeader(.zeroWidth, offset: at))
        assertError(frame { $0[1] = 0; $0[2] = 0 }, .unsupported(.heightFromDNL, offset: at))
        assertError(frame { $0[1] = 0xFF; $0[2] = 0xFF; $0[3] = 0xFF; $0[4] = 0xFF },
                    .limitExceeded(.pixels, value: 65535 * 65535, limit: 1 << 28))
        assertError(frame { $0[1] = 0x3E; $0[2] = 0x80; $0[3] = 0x3E; $0[4] = 0x80 },
                    .limitExceeded(.blocksForDataSize, value: 2000 * 2000 + 2 * 1000 * 1000,
                                   limit: 8 * editor.bytes.count))
        assertError(frame { $0[0] = 12 }, .unsupported(.precision(12), offset: at))
        assertError(frame { $0[5] = 0; $0.removeSubrange(6...) }, .invalidFrameHeader(.noComponents, offset: at))
        assertError(frame { $0[5] = 4; $0 += [4, 0x11, 0] }, .unsupported(.componentCount(4), offset: at))
        assertError(frame { $0[5] = 2; $0.removeLast(3) }, .unsupported(.componentCount(2), offset: at))
        assertError(frame { $0.removeLast() }, .badSegmentLength(marker: 0xC0, offset: at))
        assertError(frame { $0[7] = 0x31 }, .unsupported(.samplingFactor(horizontal: 3, vertical: 1), offset: at))
        assertError(frame { $0[7] = 0x24 }, .unsupported(.samplingFactor(horizontal: 2, vertical: 4), offset: at))
        assertError(frame { $0[7] = 0x20 }, .invalidFrameHeader(.badSamplingFactor(component: 0), offset: at))
        assertError(frame { $0[10] = 0x51 }, .invalidFrameHeader(.badSamplingFactor(component: 1), offset: at))
        assertError(frame { $0[8] = 7 }, .invalidFrameHeader(.quantizationTableSelector(component: 0, selector: 7),
                                                             offset: at))
        // Every component 2×2: 12 blocks per MCU, more than T.81 allows.
        assertError(frame { $0[10] = 0x22; $0[13] = 0x22 },
                    .invalidScanHeader(.tooManyBlocksInMCU(12), offset: editor.segment(0xDA).start))
        // A second frame header.
        var twice = editor
        twice.insert(Array(editor.bytes[at..<editor.segment(0xC0).end]), before: 0xDA)
        assertError(twice.bytes, .invalidFrameHeader(.duplicateFrame, offset: twice.segment(0xC0, occurrence: 1).start))
        // Coding processes this decoder does not implement.
        for (marker, feature) in [(UInt8(0xC3), JPEGError.Feature.lossless), (0xC9, .arithmeticCoding),
                                  (0xCA, .arithmeticCoding), (0xC5, .hierarchical), (0xCB, .lossless)] {
            var other = editor
            other.replace(0xC0, with: marker, payload: sof)
            assertError(other.bytes, .unsupported(feature, offset: at), String(marker, radix: 16))
        }
    }

    func testScanHeaderErrors() throws {
        let editor = try JPEGEditor(baseline)
        let sos = editor.payloadBytes(0xDA)
        let at = editor.segment(0xDA).start
        func scan(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var e = editor
            var p = sos
            edit(&p)
            e.replace(0xDA, payload: p)
            return e.bytes
        }
        assertError(scan { $0[1] = 9 }, .invalidScanHeader(.unknownComponent(id: 9), offset: at))
        assertError(scan { $0[3] = $0[1] }, .invalidScanHeader(.duplicateComponent(id: sos[1]), offset: at))
        assertError(scan { $0[0] = 0 }, .invalidScanHeader(.componentCount(0), offset: at))
        assertError(scan { $0[0] = 2 }, .badSegmentLength(marker: 0xDA, offset: at))
        assertError(scan { $0[2] = 0x20 }, .missingTable(.dcHuffman, index: 2, offset: at))
        assertError(scan { $0[2] = 0x03 }, .missingTable(.acHuffman, index: 3, offset: at))
        assertError(scan { $0[2] = 0x50 }, .missingTable(.dcHuffman, index: 5, offset: at))
        // SOS before any frame header.
        var noFrame = editor
        let sof = noFrame.segment(0xC0)
        noFrame.bytes.removeSubrange(sof.start..<sof.end)
        assertError(noFrame.bytes, .invalidScanHeader(.noFrame, offset: noFrame.segment(0xDA).start))
    }

    func testInvalidProgressionParameters() throws {
        let editor = try JPEGEditor(progressive)
        let at = editor.segment(0xDA).start
        let first = editor.payloadBytes(0xDA)   // the DC scan of all three components
        func scan(_ ss: UInt8, _ se: UInt8, _ ahal: UInt8, components: Int? = nil) -> [UInt8] {
            var e = editor
            var p = first
            if let components {
                p = [UInt8(components)] + Array(first[1..<(1 + 2 * components)]) + [0, 0, 0]
            }
            p.replaceSubrange((p.count - 3)..., with: [ss, se, ahal])
            e.replace(0xDA, payload: p)
            return e.bytes
        }
        assertError(scan(0, 5, 0x00), .invalidProgression(ss: 0, se: 5, ah: 0, al: 0, offset: at))
        assertError(scan(6, 2, 0x00, components: 1), .invalidProgression(ss: 6, se: 2, ah: 0, al: 0, offset: at))
        assertError(scan(1, 64, 0x00, components: 1), .invalidProgression(ss: 1, se: 64, ah: 0, al: 0, offset: at))
        assertError(scan(1, 5, 0x00), .invalidProgression(ss: 1, se: 5, ah: 0, al: 0, offset: at))
        assertError(scan(0, 0, 0x0E), .invalidProgression(ss: 0, se: 0, ah: 0, al: 14, offset: at))
        assertError(scan(0, 0, 0x31), .invalidProgression(ss: 0, se: 0, ah: 3, al: 1, offset: at))
        // Progressive scans get no default Huffman tables.
        var e = editor
        var p = first
        p[2] = 0x30
        e.replace(0xDA, payload: p)
        assertError(e.bytes, .missingTable(.dcHuffman, index: 3, offset: at))
    }

    func testRestartIntervalSegments() throws {
        let original = try JPEG.decode(Fixtures.bytes("jpeg/\(baseline)"))
        // An interval longer than the image: no restart is ever due.
        var editor = try JPEGEditor(baseline)
        editor.insert([0xFF, 0xDD, 0x00, 0x04, 0xFF, 0xFF], before: 0xDA)
        XCTAssertEqual(try JPEG.decode(editor.bytes), original)
        editor = try JPEGEditor(baseline)
        let at = editor.segment(0xDA).start
        editor.insert([0xFF, 0xDD, 0x00, 0x05, 0x00, 0x01, 0x00], before: 0xDA)
        assertError(editor.bytes, .badSegmentLength(marker: 0xDD, offset: at))
    }

    func testLimits() throws {
        let bytes = try Fixtures.bytes("jpeg/\(progressive)")
        assertError(bytes, .limitExceeded(.scans, value: 4, limit: 3), limits: .init(maxScans: 3))
        assertError(bytes, .limitExceeded(.pixels, value: 61 * 45, limit: 100), limits: .init(maxPixels: 100))
        // 8×6 luma blocks + 2 × 4×3 chroma blocks, 64 samples each, ×3 with coefficients; output 61·45·3.
        let memory = (48 + 24) * 64 * 3 + 61 * 45 * 3
        assertError(bytes, .limitExceeded(.memoryBytes, value: memory, limit: 10_000), limits: .init(maxMemoryBytes: 10_000))
        XCTAssertNoThrow(try JPEG.decode(bytes, limits: .init(maxPixels: 61 * 45, maxScans: 10, maxMemoryBytes: memory)))
    }

    func testStructuralErrors() throws {
        let editor = try JPEGEditor(baseline)
        // EOI right after the tables: no image.
        let sos = editor.segment(0xDA)
        assertError(Array(editor.bytes[..<sos.start]) + [0xFF, 0xD9], .noImage(offset: sos.start))
        // A second scan after the only scan of a sequential image.
        let body = Array(editor.bytes[sos.start..<(editor.bytes.count - 2)])
        let twice = Array(editor.bytes.dropLast(2)) + body + [0xFF, 0xD9]
        assertError(twice, .unexpectedScan(offset: editor.bytes.count - 2))
    }

    func testToleratedDamageDecodesAsLibjpegDoes() throws {
        let bytes = try Fixtures.bytes("jpeg/\(baseline)")
        let original = try JPEG.decode(bytes)
        // Data after EOI is ignored.
        XCTAssertEqual(try JPEG.decode(bytes + [1, 2, 3, 0xFF, 0xD8]), original)
        // Stray bytes and FF fill bytes between segments are skipped.
        var editor = JPEGEditor(bytes: bytes)
        editor.insert([0x00, 0x42, 0xFF, 0xFF], before: 0xC0)
        XCTAssertEqual(try JPEG.decode(editor.bytes), original)
        // COM, APP and DNL segments are skipped by length.
        editor = JPEGEditor(bytes: bytes)
        editor.insert([0xFF, 0xFE, 0x00, 0x05, 0x41, 0xFF, 0xD9, 0xFF, 0xE5, 0x00, 0x02], before: 0xC4)
        XCTAssertEqual(try JPEG.decode(editor.bytes), original)
        // No DHT at all (as in Motion-JPEG frames): sequential scans fall back to the T.81 K.3
        // tables, which are the ones libjpeg encodes with by default, so the pixels are unchanged.
        editor = JPEGEditor(bytes: bytes)
        while let dht = editor.segments.first(where: { $0.marker == 0xC4 }) {
            editor.bytes.removeSubrange(dht.start..<dht.end)
        }
        XCTAssertFalse(editor.bytes.contains(0xC4) && editor.segments.contains { $0.marker == 0xC4 })
        XCTAssertEqual(try JPEG.decode(editor.bytes), original)
    }
}
