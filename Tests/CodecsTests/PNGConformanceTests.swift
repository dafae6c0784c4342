// PngSuite conformance (PNG spec, 2nd ed.): every valid file decodes exactly to the reference
// RGBA8 decode (and 16-bit files to the RGBA16 one), its header matches the manifest, and every
// corrupt x* file is refused with the specific error below. Runs over the full suite in
// ../shared/testdata/pngsuite when present and always over the copies in Fixtures/pngsuite.
import XCTest
import Foundation
import Codecs
import TestSupport

final class PNGConformanceTests: XCTestCase {
    /// The error each corrupt PngSuite file must produce (causes from the suite's documentation).
    static let expectedErrors: [String: PNGError] = [
        "xc1n0g08.png": .badColorType(1),
        "xc9n2c08.png": .badColorType(9),
        "xcrn0g04.png": .badSignature,           // CR bytes added: signature mangled
        "xcsn0g01.png": .badChecksum(chunk: "IDAT", offset: 49),
        "xd0n2c08.png": .badBitDepth(0, colorType: 2),
        "xd3n2c08.png": .badBitDepth(3, colorType: 2),
        "xd9n2c08.png": .badBitDepth(99, colorType: 2),
        "xdtn0g01.png": .missingImageData,
        "xhdn0g08.png": .badChecksum(chunk: "IHDR", offset: 8),
        "xlfn0g04.png": .badSignature,           // LF bytes added
        "xs1n0g01.png": .badSignature,
        "xs2n0g01.png": .badSignature,
        "xs4n0g01.png": .badSignature,
        "xs7n0g01.png": .badSignature,
    ]

    struct Counts: Equatable { var decoded = 0, decoded16 = 0, rejected = 0 }

    /// Checks every file of the manifest in `directory`; returns how many passed each check.
    private func checkSuite(at directory: URL) throws -> Counts {
        var counts = Counts()
        for entry in try PNGSuiteEntry.manifest(at: directory.appendingPathComponent("manifest.tsv")) {
            let bytes = try Fixtures.bytes(at: directory.appendingPathComponent(entry.file))
            if !entry.valid {
                guard let expected = Self.expectedErrors[entry.file] else {
                    XCTFail("\(entry.file): no expected error listed"); continue
                }
                do {
                    _ = try PNG.decode(bytes)
                    XCTFail("\(entry.file): decoded, expected \(expected)")
                } catch let error as PNGError {
                    XCTAssertEqual(error, expected, entry.file)
                    if error == expected { counts.rejected += 1 }
                }
                continue
            }
            let header = try PNG.header(bytes)
            XCTAssertEqual([header.width, header.height, header.bitDepth, header.colorType.rawValue],
                           [entry.width, entry.height, entry.bitDepth, entry.colorType], entry.file)
            XCTAssertEqual(header.interlaced, entry.interlaced, entry.file)
            let image: Image
            do { image = try PNG.decode(bytes) } catch { XCTFail("\(entry.file): \(error)"); continue }
            let reference = try NPY.decode(Fixtures.bytes(at: directory.appendingPathComponent("ref/\(entry.stem).rgba8.npy")))
            XCTAssertEqual(reference.shape, [entry.height, entry.width, 4], entry.file)
            XCTAssertEqual([image.height, image.width], [entry.height, entry.width], entry.file)
            if assertSamplesEqual(RGBA.expand(image), reference.uint8s(), "\(entry.file) RGBA8") { counts.decoded += 1 }
            // Every depth scales to 16 bits so that the high byte is the 8-bit value.
            XCTAssertEqual(try PNG.decode16(bytes).highBytes(), image, "\(entry.file): decode16 vs decode")
            if entry.bitDepth == 16 {
                let wide = try PNG.decode16(bytes)
                let reference16 = try BigEndianNPY.uint16(at: directory.appendingPathComponent("ref/\(entry.stem).rgba16.npy"))
                XCTAssertEqual(reference16.shape, [entry.height, entry.width, 4], entry.file)
                XCTAssertEqual(wide.highBytes(), image, "\(entry.file): decode16's high bytes differ from decode")
                if assertSamplesEqual(RGBA.expand(wide), reference16.values, "\(entry.file) RGBA16") { counts.decoded16 += 1 }
            }
        }
        return counts
    }

    func testFixtureSample() throws {
        let counts = try checkSuite(at: Fixtures.url("pngsuite"))
        XCTAssertEqual(counts, Counts(decoded: 12, decoded16: 3, rejected: 3))
    }

    func testFullSuite() throws {
        guard let shared = Fixtures.sharedTestData?.appendingPathComponent("pngsuite") else {
            throw XCTSkip("../shared/testdata/pngsuite is absent; only the Fixtures sample ran")
        }
        let counts = try checkSuite(at: shared)
        print("PngSuite: \(counts.decoded) of 161 valid files equal the RGBA8 reference, "
              + "\(counts.decoded16) of 33 the RGBA16 one; \(counts.rejected) of 14 corrupt files refused as expected")
        XCTAssertEqual(counts, Counts(decoded: 161, decoded16: 33, rejected: 14))
    }
}
