// PNM codec against Pillow (Fixtures/Generators/make_pnm.py): small raw/plain, 8/16-bit,
// odd-maxval, commented and bitmap files decode to Pillow's 8-bit pixels and to the samples
// NumPy wrote; the shared photos decode to Pillow's decode of their PNG twins; our encodings
// round-trip; every malformed header or raster gives its specific PNMError.
import XCTest
import Foundation
import Codecs
import TestSupport

final class PNMTests: XCTestCase {
    static let fixtures: [(file: String, kind: PNMImage.Kind, plain: Bool)] = [
        ("gray_maxval15.pgm", .graymap, false), ("gray_maxval6.pgm", .graymap, false),
        ("rgb16.ppm", .pixmap, false), ("rgb_maxval1000.ppm", .pixmap, false),
        ("gray16.pgm", .graymap, false), ("comments.ppm", .pixmap, false),
        ("plain_rgb.ppm", .pixmap, true), ("plain_gray.pgm", .graymap, true),
        ("bitmap.pbm", .bitmap, false), ("bitmap_plain.pbm", .bitmap, true),
    ]

    private func stem(_ file: String) -> String { String(file.prefix { $0 != "." }) }

    func testFixturesDecodeToPillowPixelsAndNumPySamples() throws {
        for (file, kind, _) in Self.fixtures {
            let bytes = try Fixtures.bytes("pnm/\(file)")
            let samples = try Fixtures.array("pnm/\(stem(file)).samples.npy")
            let reference = try Fixtures.array("pnm/\(stem(file)).ref8.npy")
            let pnm = try PNM.decodeSamples(bytes)
            XCTAssertEqual(pnm.kind, kind, file)
            XCTAssertEqual([pnm.height, pnm.width] + (kind == .pixmap ? [3] : []), samples.shape, file)
            XCTAssertEqual(pnm.samples.map { Int64($0) }, samples.int64s(), "\(file): samples differ from NumPy's")
            let image = try PNM.decode(bytes)
            XCTAssertEqual([image.height, image.width] + (kind == .pixmap ? [3] : []), reference.shape, file)
            XCTAssertEqual(image.pixels, reference.uint8s(), "\(file): 8-bit pixels differ from Pillow's")
            XCTAssertEqual(pnm.image(), image, "\(file): decode and decodeSamples().image() disagree")
        }
    }

    func testPhotosMatchPillowDecodeOfTheirPNGTwins() throws {
        guard let shared = Fixtures.sharedTestData else {
            throw XCTSkip("../shared/testdata is absent: photo conformance not run")
        }
        let manifest = try String(contentsOf: shared.appendingPathComponent("photos/manifest.tsv"), encoding: .utf8)
        var checked = 0
        for line in manifest.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("png\t") {
            let fields = line.split(separator: "\t").map(String.init)
            let stem = String(fields[0].dropLast(4)), pnm = fields[1]
            let bytes = try Fixtures.bytes(at: shared.appendingPathComponent("photos/\(pnm)"))
            let image = try PNM.decode(bytes)
            XCTAssertEqual(image.width, Int(fields[2]), pnm)
            XCTAssertEqual(image.height, Int(fields[3]), pnm)
            let grid = try Fixtures.array("pnm/photos/\(stem).grid11.npy")
            let rows = try Fixtures.array("pnm/photos/\(stem).rowsums.npy")
            let columns = try Fixtures.array("pnm/photos/\(stem).colsums.npy")
            let c = image.channels
            XCTAssertEqual(grid.shape, [(image.height + 10) / 11, (image.width + 10) / 11] + (c == 3 ? [3] : []), pnm)
            var ourGrid: [UInt8] = []
            for y in stride(from: 0, to: image.height, by: 11) {
                for x in stride(from: 0, to: image.width, by: 11) {
                    for k in 0..<c { ourGrid.append(image[x, y, k]) }
                }
            }
            XCTAssertEqual(ourGrid, grid.uint8s(), "\(pnm): subsampled pixels differ from Pillow's PNG decode")
            var rowSums = [Int64](repeating: 0, count: image.height)
            var columnSums = [Int64](repeating: 0, count: image.width * c)
            for y in 0..<image.height {
                for x in 0..<image.width {
                    for k in 0..<c {
                        let v = Int64(image[x, y, k])
                        rowSums[y] += v
                        columnSums[x * c + k] += v
                    }
                }
            }
            XCTAssertEqual(rowSums, rows.int64s(), "\(pnm): row sums differ from Pillow's PNG decode")
            XCTAssertEqual(columnSums, columns.int64s(), "\(pnm): column sums differ from Pillow's PNG decode")
            // The photos' headers are exactly the layout our encoder writes.
            XCTAssertEqual(PNM.encode(image), bytes, "\(pnm): re-encoding does not give the file back")
            checked += 1
        }
        XCTAssertEqual(checked, 8, "manifest rows checked")
    }

    func testRoundTripsRawAndPlain() throws {
        for (file, _, plain) in Self.fixtures {
            let original = try PNM.decodeSamples(Fixtures.bytes("pnm/\(file)"))
            for asPlain in [false, true] {
                let encoded = PNM.encode(original, plain: asPlain)
                XCTAssertEqual(try PNM.decodeSamples(encoded), original, "\(file) plain=\(asPlain)")
            }
            if !plain && file != "comments.ppm" {
                // Files written with the canonical header come back byte for byte.
                XCTAssertEqual(PNM.encode(original), try Fixtures.bytes("pnm/\(file)"), file)
            }
        }
        let image = try PNM.decode(Fixtures.bytes("pnm/comments.ppm"))
        XCTAssertEqual(try PNM.decode(PNM.encode(image)), image)
        let grey = Image(width: 3, height: 2, channels: 1, pixels: [0, 1, 2, 253, 254, 255])
        XCTAssertEqual(try PNM.decode(PNM.encode(grey)), grey)
        XCTAssertEqual(PNMImage(grey).image(), grey)
    }

    func testCommentAsTheSeparatorAfterMaxval() throws {
        let reference = try PNM.decodeSamples(Fixtures.bytes("pnm/comments.ppm"))
        let raster = PNM.encode(reference).suffix(reference.samples.count)
        for header in ["P6\n4 3\n255#comment\n", "P6\n4 3\n255#\r", "P6 4 3 255\n"] {
            let decoded = try PNM.decodeSamples(Array(header.utf8) + raster)
            XCTAssertEqual(decoded, reference, header)
        }
        let bitmap = try PNM.decodeSamples(Fixtures.bytes("pnm/bitmap.pbm"))
        let bits = PNM.encode(bitmap).suffix(8)
        XCTAssertEqual(try PNM.decodeSamples(Array("P4 13 4#c\n".utf8) + bits), bitmap)
    }

    func testErrorTable() {
        func bytes(_ text: String, _ tail: [UInt8] = []) -> [UInt8] { Array(text.utf8) + tail }
        let small = PNMLimits(maxDimension: 1000, maxPixels: 10_000)
        let cases: [(String, [UInt8], PNMLimits, PNMError)] = [
            ("empty", [], .init(), .badMagic(found: [])),
            ("bad magic", bytes("P9\n1 1\n255\n"), .init(), .badMagic(found: bytes("P9"))),
            ("not pnm", bytes("GIF89a"), .init(), .badMagic(found: bytes("GI"))),
            ("PAM", bytes("P7\nWIDTH 1\n"), .init(), .unsupportedFormat("P7 (PAM)")),
            ("PFM", bytes("PF\n1 1\n-1.0\n"), .init(), .unsupportedFormat("PF/Pf (PFM float map)")),
            ("magic only", bytes("P6"), .init(), .truncatedHeader(field: "width", offset: 2)),
            ("magic glued", bytes("P61 1 255\n"), .init(), .missingWhitespace(field: "magic number", offset: 2)),
            ("no height", bytes("P6 12 "), .init(), .truncatedHeader(field: "height", offset: 6)),
            ("negative width", bytes("P6 -3 4 255\n"), .init(), .badNumber(field: "width", offset: 3)),
            ("negative height", bytes("P6 3 -4 255\n"), .init(), .badNumber(field: "height", offset: 5)),
            ("huge width", bytes("P6 99999999999 4 255\n"), .init(), .numberTooLarge(field: "width", offset: 3)),
            ("zero width", bytes("P6 0 4 255\n"), .init(), .zeroDimension(width: 0, height: 4)),
            ("zero height", bytes("P4 4 0\n"), .init(), .zeroDimension(width: 4, height: 0)),
            ("maxval 0", bytes("P5 4 4 0\n"), .init(), .badMaxval(0, offset: 7)),
            ("maxval 65536", bytes("P5 4 4 65536\n"), .init(), .badMaxval(65536, offset: 7)),
            ("glued height", bytes("P5 4 4x 255\n"), .init(), .missingWhitespace(field: "height", offset: 6)),
            ("no separator", bytes("P5 4 4 255"), .init(), .truncatedHeader(field: "whitespace after maxval", offset: 10)),
            ("open comment", bytes("P5 4 4 255#abc"), .init(), .truncatedHeader(field: "end of comment after maxval", offset: 14)),
            ("raster glued", bytes("P5 1 1 255x"), .init(), .missingWhitespace(field: "maxval", offset: 10)),
            ("8-bit over maxval", bytes("P5 2 2 15\n", [1, 2, 16, 3]), .init(),
             .sampleExceedsMaxval(value: 16, maxval: 15, offset: 12)),
            ("16-bit over maxval", bytes("P5 2 1 300\n", [0x00, 0x05, 0x01, 0x2D]), .init(),
             .sampleExceedsMaxval(value: 301, maxval: 300, offset: 13)),
            ("16-bit truncated", bytes("P6 1 1 1000\n", [0, 1, 0, 2, 0]), .init(), .truncatedRaster(needed: 6, available: 5)),
            ("8-bit truncated", bytes("P6 2 1 255\n", [1, 2, 3]), .init(), .truncatedRaster(needed: 6, available: 3)),
            ("P4 truncated", bytes("P4 9 2\n", [0, 0, 0]), .init(), .truncatedRaster(needed: 4, available: 3)),
            ("plain over maxval", bytes("P2 2 1 9\n3 10\n"), .init(), .sampleExceedsMaxval(value: 10, maxval: 9, offset: 11)),
            ("plain letter", bytes("P2 2 1 9\n3 x\n"), .init(), .badPlainSample(offset: 11)),
            ("plain glued", bytes("P2 2 1 9\n3 4x"), .init(), .badPlainSample(offset: 12)),
            ("plain sign", bytes("P3 1 1 9\n1 -2 3"), .init(), .badPlainSample(offset: 11)),
            ("plain short", bytes("P2 2 2 9\n3 4"), .init(), .missingSamples(expected: 4, found: 2)),
            ("plain bits", bytes("P1 2 2\n0120"), .init(), .badPlainSample(offset: 9)),
            ("plain bits short", bytes("P1 2 2\n01 # 1 1"), .init(), .missingSamples(expected: 4, found: 2)),
            ("too many pixels", bytes("P6 100000 100000 255\n"), .init(), .tooLarge(width: 100000, height: 100000, limit: 1 << 28)),
            ("too wide", bytes("P6 2000000 1 255\n"), .init(), .tooLarge(width: 2000000, height: 1, limit: 1 << 20)),
            ("small limits", bytes("P5 200 200 255\n"), small, .tooLarge(width: 200, height: 200, limit: 10_000)),
            ("claims much, holds little", bytes("P3 16000 16000 255\n1 2 3"), .init(),
             .missingSamples(expected: 16000 * 16000 * 3, found: 3)),
        ]
        for (name, input, limits, expected) in cases {
            XCTAssertThrowsError(try PNM.decodeSamples(input, limits: limits), name) {
                XCTAssertEqual($0 as? PNMError, expected, name)
            }
            XCTAssertThrowsError(try PNM.decode(input, limits: limits), name) {
                XCTAssertEqual($0 as? PNMError, expected, "\(name) (8-bit decode)")
            }
        }
    }

    /// Every prefix of every fixture is refused with a PNMError (never a crash) — except a plain
    /// raster cut inside its last number, which is still a valid file — and prefixes that cut a
    /// raw raster say exactly how much is missing.
    func testEveryTruncationIsRefused() throws {
        for (file, _, plain) in Self.fixtures {
            let bytes = try Fixtures.bytes("pnm/\(file)")
            let full = try PNM.decodeSamples(bytes)
            let rasterBytes = full.kind == .bitmap ? (full.width + 7) / 8 * full.height
                : full.samples.count * (full.maxval > 255 ? 2 : 1)
            for length in 0..<bytes.count {
                let prefix = Array(bytes.prefix(length))
                if plain, let cut = try? PNM.decodeSamples(prefix) {
                    // A plain raster may end at end of file, so a cut inside the last number
                    // leaves a shorter but valid last sample; everything before it must agree.
                    XCTAssertEqual(cut.samples.dropLast(), full.samples.dropLast(), "\(file)[..<\(length)]")
                    let lastSeparator = bytes.dropLast().lastIndex { $0 == 0x20 || (0x09...0x0D).contains($0) } ?? 0
                    XCTAssertGreaterThan(length, lastSeparator, "\(file): only the last number may be cut")
                    continue
                }
                XCTAssertThrowsError(try PNM.decodeSamples(prefix), "\(file)[..<\(length)]") { error in
                    guard let error = error as? PNMError else { return XCTFail("\(file): \(error)") }
                    let rasterStart = bytes.count - rasterBytes
                    if !plain && length >= rasterStart {
                        XCTAssertEqual(error, .truncatedRaster(needed: rasterBytes, available: length - rasterStart), file)
                    }
                }
            }
        }
    }

    /// Random single-byte corruptions of every fixture decode or throw PNMError; nothing traps.
    func testCorruptionsNeverTrap() throws {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        for (file, _, _) in Self.fixtures {
            let bytes = try Fixtures.bytes("pnm/\(file)")
            for _ in 0..<300 {
                var mutated = bytes
                for _ in 0..<(1 + Int(next() % 3)) {
                    mutated[Int(next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: next())
                }
                do { _ = try PNM.decode(mutated); _ = try PNM.decodeSamples(mutated) } catch is PNMError {}
            }
        }
    }
}
