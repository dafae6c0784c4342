// `irn convert`: a JPEG converts to a PNG holding exactly the decoder's pixels (which the codec
// tests tie to libjpeg-turbo), PNG ↔ PPM round trips, and bad inputs fail with the right exit code.
import XCTest
import Foundation
import Codecs
import Pipeline
import TestSupport
@testable import irn

final class ConvertCommandTests: CommandTestCase {

    func testJPEGToPNGToPPMKeepsPixels() throws {
        let jpeg = Fixtures.url("jpeg/astronaut_37x29_440_base.jpg").path
        let reference = try Fixtures.array("jpeg/astronaut_37x29_440_base.rgb.npy")
        let png = folder.appendingPathComponent("a.png").path
        let ppm = folder.appendingPathComponent("out/b.ppm").path
        XCTAssertEqual(run(["convert", jpeg, png]).code, 0)
        XCTAssertEqual(run(["convert", png, ppm]).code, 0)
        let fromPNG = try ImageFiles.load(png)
        let fromPPM = try ImageFiles.load(ppm)
        let decoded = try JPEG.decode(Fixtures.bytes("jpeg/astronaut_37x29_440_base.jpg"))
        XCTAssertEqual(fromPNG, decoded)
        XCTAssertEqual(fromPPM, decoded)
        // The decoder's pixels are within 1 of libjpeg-turbo's reference decode.
        let worst = zip(decoded.pixels, reference.uint8s()).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1)
        XCTAssertEqual(reference.shape, [decoded.height, decoded.width, 3])
    }

    func testErrors() throws {
        let png = Fixtures.url("pngsuite/basi0g01.png").path
        // Unknown output extension: usage error.
        XCTAssertEqual(run(["convert", png, folder.appendingPathComponent("x.gif").path]).code, 2)
        // Missing input: runtime error with one message line and one hint line.
        let missing = run(["convert", folder.appendingPathComponent("none.png").path, folder.appendingPathComponent("y.png").path])
        XCTAssertEqual(missing.code, 1)
        XCTAssertEqual(missing.err.count, 2)
        XCTAssertTrue(missing.err[0].hasPrefix("irn: error: no such file"), missing.err[0])
        // A damaged PNG (bad CRC) is refused and no output file appears.
        var bytes = try Fixtures.bytes("pngsuite/basi0g01.png")
        bytes[bytes.count - 20] ^= 0xFF
        let damaged = folder.appendingPathComponent("damaged.png")
        try Data(bytes).write(to: damaged)
        let output = folder.appendingPathComponent("z.png")
        let result = run(["convert", damaged.path, output.path])
        XCTAssertEqual(result.code, 1)
        XCTAssertTrue(result.err[0].hasPrefix("irn: error: not a readable PNG"), result.err[0])
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
        // Wrong number of arguments: usage error.
        XCTAssertEqual(run(["convert", png]).code, 2)
    }
}
