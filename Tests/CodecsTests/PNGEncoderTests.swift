// PNG encoder: every mode (grey, grey + alpha, RGB, RGBA, indexed with the VOC palette) at every
// compression level decodes back to its input; files split into several IDAT chunks; output is
// deterministic and byte-identical to Fixtures/png/ours/*.png, which Pillow decoded to
// exactly our input pixels (Fixtures/Generators/png_pillow_check.py wrote *.pillow.npy); the
// VOC palette equals the generator's. Filters: fast unfilter against its naive twin.
import XCTest
import Foundation
@testable import Codecs
import TestSupport

final class PNGEncoderTests: XCTestCase {
    /// Deterministic test images: smooth gradients with LCG noise (photo-like), or a label map.
    static func sample(_ name: String) -> Image {
        var x: UInt64 = 12345
        func noise() -> Int {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return Int(x >> 59)  // 0...31
        }
        switch name {
        case "indexed":
            let (w, h) = (29, 19)
            var pixels = [UInt8](repeating: 0, count: w * h)
            for y in 0..<h {
                for xx in 0..<w {
                    let border = xx == 0 || y == 0 || xx == w - 1 || y == h - 1
                    pixels[y * w + xx] = border ? 255 : UInt8((xx / 5 + 3 * (y / 4)) % 21)
                }
            }
            return Image(width: w, height: h, channels: 1, pixels: pixels)
        default:
            let channels = ["grey": 1, "greyalpha": 2, "rgb": 3, "rgba": 4][name]!
            let (w, h) = (23 + channels * 3, 13 + channels)
            var pixels = [UInt8](repeating: 0, count: w * h * channels)
            for y in 0..<h {
                for xx in 0..<w {
                    for c in 0..<channels {
                        let smooth = (xx * 7 + y * 5 + c * 60) % 200
                        pixels[(y * w + xx) * channels + c] = UInt8(smooth + noise())
                    }
                }
            }
            return Image(width: w, height: h, channels: channels, pixels: pixels)
        }
    }

    static let names = ["grey", "greyalpha", "rgb", "rgba", "indexed"]
    static let levels: [(CompressionLevel, String)] = [(.stored, "stored"), (.default, "default")]

    static func encode(_ name: String, _ level: CompressionLevel) -> [UInt8] {
        let image = sample(name)
        return name == "indexed" ? PNG.encodeIndexed(image, palette: VOCPalette.rgb, compression: level)
            : PNG.encode(image, compression: level)
    }

    func testRoundTripsEveryModeAndLevel() throws {
        for name in Self.names {
            let image = Self.sample(name)
            for level in CompressionLevel.allCases {
                let png = Self.encode(name, level)
                XCTAssertEqual(png, Self.encode(name, level), "\(name): output is not deterministic")
                let raster = try PNG.decodeRaster(png)
                XCTAssertEqual(raster.header.bitDepth, 8)
                if name == "indexed" {
                    XCTAssertEqual(raster.header.colorType, .indexed)
                    XCTAssertEqual(raster.samples8, image.pixels, "\(name) \(level) indices")
                    XCTAssertEqual(raster.palette, VOCPalette.rgb)
                    let rgb = try PNG.decode(png)
                    XCTAssertEqual(rgb.channels, 3)
                    XCTAssertEqual(rgb.pixels, image.pixels.flatMap { i -> [UInt8] in
                        let c = VOCPalette.color(Int(i)); return [c.red, c.green, c.blue]
                    })
                } else {
                    XCTAssertEqual(try PNG.decode(png), image, "\(name) \(level)")
                }
            }
        }
        // Indexed with alpha: decodes to RGBA.
        let labels = Self.sample("indexed")
        let withAlpha = PNG.encodeIndexed(labels, alpha: [0, 128])
        let rgba = try PNG.decode(withAlpha)
        XCTAssertEqual(rgba.channels, 4)
        for p in 0..<(labels.width * labels.height) {
            let expected: UInt8 = labels.pixels[p] == 0 ? 0 : (labels.pixels[p] == 1 ? 128 : 255)
            XCTAssertEqual(rgba.pixels[p * 4 + 3], expected)
        }
    }

    func testLargeImageSpansSeveralIDATChunks() throws {
        var x: UInt64 = 99
        let (w, h) = (640, 600)
        let pixels = (0..<(w * h * 3)).map { _ -> UInt8 in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(x >> 56)
        }
        let image = Image(width: w, height: h, channels: 3, pixels: pixels)
        for level in [CompressionLevel.stored, .fast] {
            let png = PNG.encode(image, compression: level)
            var idats = 0, offset = 8
            while offset < png.count {
                let length = Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8 | Int(png[offset + 3])
                if String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self) == "IDAT" { idats += 1 }
                offset += 12 + length
            }
            XCTAssertEqual(idats, 2, "\(level): 1.15 MB of noise needs two IDAT chunks")
            XCTAssertEqual(try PNG.decode(png), image)
        }
    }

    func testFixturesMatchAndPillowReadsThem() throws {
        let write = ProcessInfo.processInfo.environment["IRN_WRITE_FIXTURES"] == "1"
        for name in Self.names {
            for (level, label) in Self.levels {
                let png = Self.encode(name, level)
                let file = "png/ours/\(name)_\(label)"
                if write { try Data(png).write(to: Fixtures.url(file + ".png")); continue }
                XCTAssertEqual(png, try Fixtures.bytes(file + ".png"),
                               "\(file): encoder output changed; rerun with IRN_WRITE_FIXTURES=1 and png_pillow_check.py")
                let pillow = try Fixtures.array(file + ".pillow.npy")
                let image = Self.sample(name)
                XCTAssertEqual(pillow.shape, image.channels == 1 ? [image.height, image.width]
                                             : [image.height, image.width, image.channels], file)
                XCTAssertEqual(pillow.uint8s(), image.pixels, "\(file): Pillow decodes other pixels")
                if name == "indexed" {
                    XCTAssertEqual(try Fixtures.array(file + ".palette.npy").uint8s(), VOCPalette.rgb, file)
                }
            }
        }
    }

    func testVOCPaletteMatchesReference() throws {
        let reference = try Fixtures.array("png/voc_palette.npy")
        XCTAssertEqual(reference.shape, [256, 3])
        XCTAssertEqual(VOCPalette.rgb, reference.uint8s())
    }

    func testUnfilterEqualsNaiveTwin() throws {
        var x: UInt64 = 2024
        func next() -> UInt8 { x = x &* 6364136223846793005 &+ 1442695040888963407; return UInt8(x >> 56) }
        for stride in 1...8 {
            for rowBytes in [1, 2, 3, 7, 8, 9, 31, 64, 65] where rowBytes >= 1 {
                let rows = 5
                var data = [UInt8](repeating: 0, count: rows * (rowBytes + 1))
                for r in 0..<rows {
                    data[r * (rowBytes + 1)] = UInt8((r + stride + rowBytes) % 5)
                    for i in 0..<rowBytes { data[r * (rowBytes + 1) + 1 + i] = next() }
                }
                let expected = PNGFilter.naiveUnfilter(data, rows: rows, rowBytes: rowBytes, stride: stride)
                var fast = data
                try fast.withUnsafeMutableBufferPointer {
                    try PNGFilter.unfilter($0.baseAddress!, rows: rows, rowBytes: rowBytes, stride: stride, firstRow: 0)
                }
                XCTAssertEqual(fast, expected, "stride \(stride) rowBytes \(rowBytes)")
                // Filtering the unfiltered rows with their types gives the filtered data back.
                let plain = expected!
                for r in 0..<rows {
                    var out = [UInt8](repeating: 0, count: rowBytes)
                    plain.withUnsafeBufferPointer { p in
                        let row = p.baseAddress! + r * (rowBytes + 1) + 1
                        PNGFilter.filter(type: plain[r * (rowBytes + 1)], current: row, above: r > 0 ? row - rowBytes - 1 : nil,
                                         rowBytes: rowBytes, stride: stride, output: &out)
                    }
                    XCTAssertEqual(out, Array(data[(r * (rowBytes + 1) + 1)..<((r + 1) * (rowBytes + 1))]))
                }
            }
        }
    }
}
