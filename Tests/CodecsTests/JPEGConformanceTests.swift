// JPEG decoder against libjpeg-turbo's decodes (Pillow): the shared test set
// (../shared/testdata/jpeg, skipped when absent) and the small copies in Fixtures/jpeg, which
// always run. Every valid file must match its reference (printed: max |diff| and PSNR), each
// progressive file must equal the baseline file of the same settings exactly, and the corrupt
// files must be refused with the specific error.
import Foundation
import XCTest
import Codecs
import TestSupport

/// Comparison of a decoded image with a reference H×W×3 uint8 array.
struct JPEGComparison {
    var maxDifference: Int
    var psnr: Double

    init(_ image: Image, reference: NPYArray) {
        let rgb = image.rgb().pixels
        let expected = reference.uint8s()
        precondition(rgb.count == expected.count)
        var worst = 0
        var squared = 0.0
        for i in rgb.indices {
            let d = abs(Int(rgb[i]) - Int(expected[i]))
            worst = max(worst, d)
            squared += Double(d * d)
        }
        maxDifference = worst
        let mse = squared / Double(max(rgb.count, 1))
        psnr = mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}

final class JPEGConformanceTests: XCTestCase {
    private struct Entry {
        var file: String
        var expected: String
        var width: Int
        var height: Int
    }

    private func manifest(_ root: URL) throws -> [Entry] {
        let text = try String(contentsOf: root.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        var entries: [Entry] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("file\t") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            entries.append(Entry(file: f[0], expected: f[1], width: Int(f[2]) ?? 0, height: Int(f[3]) ?? 0))
        }
        return entries
    }

    func testSharedSetMatchesLibjpegTurbo() throws {
        guard let shared = Fixtures.sharedTestData?.appendingPathComponent("jpeg") else {
            throw XCTSkip("../shared/testdata/jpeg is absent; Fixtures/jpeg covers a few of its files")
        }
        let entries = try manifest(shared)
        XCTAssertEqual(entries.filter { $0.expected == "ok" }.count, 42)
        var report: [String] = []
        var decoded: [String: Image] = [:]
        for entry in entries where entry.expected == "ok" {
            let bytes = try Fixtures.bytes(at: shared.appendingPathComponent(entry.file))
            let image: Image
            do { image = try JPEG.decode(bytes) } catch {
                XCTFail("\(entry.file): \(error)"); continue
            }
            XCTAssertEqual(image.width, entry.width, entry.file)
            XCTAssertEqual(image.height, entry.height, entry.file)
            let stem = String(entry.file.dropLast(4))
            let reference = try NPY.decode(Fixtures.bytes(at: shared.appendingPathComponent("ref/\(stem).rgb.npy")))
            XCTAssertEqual(reference.shape, [entry.height, entry.width, 3], entry.file)
            let comparison = JPEGComparison(image, reference: reference)
            report.append("\(entry.file)\tmax|diff| \(comparison.maxDifference)\tPSNR \(comparison.psnr) dB")
            XCTAssertGreaterThanOrEqual(comparison.psnr, 40, entry.file)
            XCTAssertEqual(comparison.maxDifference, 0, "\(entry.file) differs from libjpeg-turbo")
            decoded[entry.file] = image
        }
        print("JPEG shared set vs libjpeg-turbo:\n" + report.joined(separator: "\n"))
        var pairs = 0
        for (file, image) in decoded where file.contains("_prog") {
            guard let baseline = decoded[file.replacingOccurrences(of: "_prog", with: "_base")] else { continue }
            XCTAssertEqual(image, baseline, "\(file) differs from its baseline twin")
            pairs += 1
        }
        XCTAssertEqual(pairs, 19)
    }

    /// The committed fixtures (make_jpeg_fixtures.py): odd sizes, every sampling layout incl.
    /// 4:4:0 and mixed factors, restarts in both modes, multi-scan sequential, Adobe RGB, and
    /// damaged files libjpeg still decodes (premature EOI, renumbered / missing RST markers).
    func testFixturesMatchLibjpegTurboExactly() throws {
        let root = Fixtures.url("jpeg")
        let entries = try manifest(root)
        XCTAssertEqual(entries.filter { $0.expected == "ok" }.count, 31)
        var report: [String] = []
        var decoded: [String: Image] = [:]
        for entry in entries {
            let bytes = try Fixtures.bytes("jpeg/\(entry.file)")
            guard entry.expected == "ok" else {
                XCTAssertThrowsError(try JPEG.decode(bytes), entry.file) { error in
                    XCTAssertEqual(error as? JPEGError,
                                   .truncated(offset: bytes.count, section: .entropyCodedData(scan: 1)), entry.file)
                }
                continue
            }
            let image: Image
            do { image = try JPEG.decode(bytes) } catch {
                XCTFail("\(entry.file): \(error)"); continue
            }
            XCTAssertEqual(image.channels, entry.file.contains("gray") ? 1 : 3, entry.file)
            let reference = try Fixtures.array("jpeg/\(entry.file.dropLast(4)).rgb.npy")
            XCTAssertEqual(reference.shape, [image.height, image.width, 3], entry.file)
            guard reference.shape == [image.height, image.width, 3] else { continue }
            let comparison = JPEGComparison(image, reference: reference)
            report.append("\(entry.file)\tmax|diff| \(comparison.maxDifference)\tPSNR \(comparison.psnr) dB")
            XCTAssertEqual(comparison.maxDifference, 0, "\(entry.file) differs from libjpeg-turbo")
            decoded[entry.file] = image
        }
        print("JPEG fixtures vs libjpeg-turbo:\n" + report.joined(separator: "\n"))
        for (progressive, baseline) in [("astronaut_61x45_420_prog.jpg", "astronaut_61x45_420_base.jpg"),
                                        ("camera_40x33_gray_prog.jpg", "camera_40x33_gray_base.jpg"),
                                        ("astronaut_37x29_440_prog.jpg", "astronaut_37x29_440_base.jpg")] {
            XCTAssertNotNil(decoded[progressive])
            XCTAssertEqual(decoded[progressive], decoded[baseline], "\(progressive) vs \(baseline)")
        }
    }

    func testSharedCorruptFilesAreRefused() throws {
        guard let shared = Fixtures.sharedTestData?.appendingPathComponent("jpeg") else {
            throw XCTSkip("../shared/testdata/jpeg is absent")
        }
        let entries = try manifest(shared).filter { $0.expected == "error" }
        XCTAssertEqual(entries.count, 5)
        for entry in entries {
            let bytes = try Fixtures.bytes(at: shared.appendingPathComponent(entry.file))
            XCTAssertThrowsError(try JPEG.decode(bytes), entry.file) { error in
                guard let error = error as? JPEGError else { return XCTFail("\(entry.file): \(error)") }
                print("\(entry.file): \(error)")
                switch entry.file {
                case "corrupt_garbage_header.jpg", "corrupt_zero_length.jpg":
                    XCTAssertEqual(error, .missingStartOfImage, entry.file)
                case "corrupt_headers_only_chelsea.jpg":
                    XCTAssertEqual(error, .truncated(offset: bytes.count, section: .marker), entry.file)
                case "corrupt_trunc50_astronaut_q95_420_base.jpg":
                    XCTAssertEqual(error, .truncated(offset: bytes.count, section: .entropyCodedData(scan: 1)))
                default:
                    guard case .truncated(let offset, .entropyCodedData) = error else {
                        return XCTFail("\(entry.file): \(error)")
                    }
                    XCTAssertEqual(offset, bytes.count, entry.file)
                }
            }
        }
    }
}
