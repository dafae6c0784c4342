// JPEG kernels against their obviously-right twins on seeded random data: the SIMD IDCT
// against the scalar ISLOW IDCT (bit-exact) and the textbook formula (within 1), the row
// upsamplers (through the image assembly, with random garbage in plane padding) against a
// per-sample evaluation of the filter, colour conversion against libjpeg's table form, and the
// table-driven Huffman/block decoder against data encoded here bit by bit (T.81 F.1.2).
import XCTest
@testable import Codecs

/// SplitMix64: a small seeded generator for test data.
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}

final class JPEGKernelTests: XCTestCase {
    func testVectorIDCTEqualsScalarIDCTBitForBit() {
        var random = TestRandom(state: 1)
        var coefficients = [Int16](repeating: 0, count: 64)
        var quantization = [Int32](repeating: 0, count: 64)
        var fast = [UInt8](repeating: 0, count: 8 * 11), slow = fast
        for trial in 0..<3000 {
            let kind = trial % 4
            for i in 0..<64 {
                switch kind {
                case 0: // sparse, photo-like
                    coefficients[i] = random.int(0...3) == 0 ? Int16(random.int(-40...40)) : 0
                    quantization[i] = Int32(random.int(1...60))
                case 1: // dense moderate
                    coefficients[i] = Int16(random.int(-200...200))
                    quantization[i] = Int32(random.int(1...8))
                case 2: // DC only or one column
                    coefficients[i] = (i == 0 || (i % 8 == trial % 8 && random.int(0...1) == 0)) ? Int16(random.int(-1024...1023)) : 0
                    quantization[i] = Int32(random.int(1...255))
                default: // anything, including 16-bit tables read as signed
                    coefficients[i] = Int16(truncatingIfNeeded: random.int(-32768...32767))
                    quantization[i] = Int32(Int16(truncatingIfNeeded: random.int(0...65535)))
                }
            }
            coefficients.withUnsafeBufferPointer { c in
                quantization.withUnsafeBufferPointer { q in
                    JPEG.inverseDCT(c.baseAddress!, q.baseAddress!, &fast, stride: 11)
                    JPEG.scalarInverseDCT(c.baseAddress!, q.baseAddress!, &slow, stride: 11)
                }
            }
            for y in 0..<8 {
                XCTAssertEqual(fast[(y * 11)..<(y * 11 + 8)], slow[(y * 11)..<(y * 11 + 8)], "trial \(trial) row \(y)")
            }
        }
    }

    func testScalarIDCTIsWithinOneOfTheTextbookFormula() {
        var random = TestRandom(state: 2)
        var worst = 0
        for _ in 0..<400 {
            var coefficients = [Int16](repeating: 0, count: 64)
            let quantization = (0..<64).map { _ in Int32(random.int(1...12)) }
            for i in 0..<64 where i == 0 || random.int(0...2) == 0 {
                let limit = i == 0 ? 1000 : 300
                coefficients[i] = Int16(random.int(-limit...limit) / Int(quantization[i]))
            }
            let expected = JPEG.naiveInverseDCT(coefficients, quantization)
            var actual = [UInt8](repeating: 0, count: 64)
            coefficients.withUnsafeBufferPointer { c in
                quantization.withUnsafeBufferPointer { q in
                    JPEG.scalarInverseDCT(c.baseAddress!, q.baseAddress!, &actual, stride: 8)
                }
            }
            for i in 0..<64 { worst = max(worst, abs(Int(actual[i]) - Int(expected[i]))) }
        }
        XCTAssertLessThanOrEqual(worst, 1)
    }

    /// Chroma upsampled by the image assembly (transform .none keeps the planes apart) against
    /// `naiveUpsample`, for every expansion and many small sizes; plane padding holds garbage.
    func testUpsamplingMatchesTheFilterDefinition() {
        var random = TestRandom(state: 3)
        let layouts: [[(Int, Int)]] = [[(2, 2), (1, 1), (1, 1)], [(2, 1), (1, 1), (1, 1)], [(1, 2), (1, 1), (1, 1)],
                                       [(1, 1), (1, 1), (1, 1)], [(2, 2), (1, 2), (2, 1)], [(1, 1), (2, 2), (1, 1)]]
        var checked = 0
        for layout in layouts {
            for width in [1, 2, 3, 4, 5, 6, 7, 9, 16, 17, 33] {
                for height in [1, 2, 3, 5, 8, 9, 17] {
                    var frame = JPEG.Frame(process: .baseline, precision: 8, width: width, height: height,
                                           components: layout.enumerated().map {
                                               JPEG.Component(id: UInt8($0.offset + 1), horizontalSampling: $0.element.0,
                                                              verticalSampling: $0.element.1, quantizationSelector: 0)
                                           })
                    frame.computeGeometry()
                    let planes = frame.components.map { JPEG.Plane(component: $0) }
                    for plane in planes {
                        for i in 0..<(plane.stride * plane.rows) { plane.storage.pointer[i] = UInt8(random.int(0...255)) }
                    }
                    let image = JPEG.assembleImage(frame: frame, planes: planes, transform: .none)
                    for (c, component) in frame.components.enumerated() {
                        var region: [UInt8] = []
                        for y in 0..<component.height {
                            region += UnsafeBufferPointer(start: planes[c].row(y), count: component.width)
                        }
                        let h = frame.maxHorizontalSampling / component.horizontalSampling
                        let v = frame.maxVerticalSampling / component.verticalSampling
                        let full = JPEG.naiveUpsample(region, width: component.width, height: component.height,
                                                      horizontal: h, vertical: v)
                        for y in 0..<height {
                            for x in 0..<width where image[x, y, c] != full[y * component.width * h + x] {
                                XCTFail("layout \(layout) \(width)x\(height) component \(c) at (\(x), \(y)): "
                                        + "\(image[x, y, c]) vs \(full[y * component.width * h + x])")
                                return
                            }
                        }
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, layouts.count * 11 * 7 * 3)
    }

    func testColorConversionEqualsLibjpegTables() {
        var y = [UInt8](), cb = [UInt8](), cr = [UInt8]()
        for luma in [0, 1, 64, 128, 191, 254, 255] {
            for b in 0..<256 { for r in 0..<256 { y.append(UInt8(luma)); cb.append(UInt8(b)); cr.append(UInt8(r)) } }
        }
        var rgb = [UInt8](repeating: 0, count: y.count * 3)
        JPEG.convertYCbCrToRGB(y: y, cb: cb, cr: cr, count: y.count, &rgb)
        for i in y.indices {
            let (r, g, b) = JPEG.naiveYCbCrToRGB(y[i], cb[i], cr[i])
            if rgb[3 * i] != r || rgb[3 * i + 1] != g || rgb[3 * i + 2] != b {
                return XCTFail("Y \(y[i]) Cb \(cb[i]) Cr \(cr[i]): \(rgb[(3 * i)..<(3 * i + 3)]) vs \((r, g, b))")
            }
        }
    }

    /// Canonical codes of a specification (T.81 C.2), written here independently.
    private func codes(_ spec: JPEG.HuffmanSpecification) -> [UInt8: (code: Int, length: Int)] {
        var table: [UInt8: (Int, Int)] = [:]
        var code = 0, k = 0
        for length in 1...16 {
            for _ in 0..<Int(spec.counts[length - 1]) { table[spec.symbols[k]] = (code, length); code += 1; k += 1 }
            code <<= 1
        }
        return table
    }

    /// MSB-first bit writer with FF 00 stuffing (F.1.2.3), padded with ones and ended by EOI.
    private struct BitWriter {
        var bytes: [UInt8] = []
        var accumulator = 0, count = 0
        mutating func write(_ value: Int, _ length: Int) {
            for i in stride(from: length - 1, through: 0, by: -1) {
                accumulator = accumulator << 1 | (value >> i) & 1
                count += 1
                if count == 8 {
                    bytes.append(UInt8(accumulator))
                    if accumulator == 0xFF { bytes.append(0) }
                    accumulator = 0; count = 0
                }
            }
        }
        mutating func finish() -> [UInt8] {
            while count != 0 { write(1, 1) }
            return bytes + [0xFF, 0xD9]
        }
    }

    func testBlockDecoderMatchesBitByBitEncoding() throws {
        var random = TestRandom(state: 4)
        let dcSpec = JPEG.standardHuffmanSpecification(dc: true, index: 0)!
        let acSpec = JPEG.standardHuffmanSpecification(dc: false, index: 1)!
        let dcCodes = codes(dcSpec), acCodes = codes(acSpec)
        func category(_ v: Int) -> Int { var s = 0; while (1 << s) <= abs(v) { s += 1 }; return s }
        var writer = BitWriter()
        var blocks: [[Int16]] = []
        var predictor = 0
        for trial in 0..<500 {
            var zigzagValues = [Int](repeating: 0, count: 64)
            zigzagValues[0] = predictor + random.int(-600...600)
            let density = trial % 5
            for k in 1..<64 where random.int(0...density + 1) == 0 {
                zigzagValues[k] = random.int(0...1) == 0 ? random.int(-3...3) : random.int(-1023...1023)
            }
            let difference = zigzagValues[0] - predictor
            predictor = zigzagValues[0]
            let s = category(difference)
            writer.write(dcCodes[UInt8(s)]!.code, dcCodes[UInt8(s)]!.length)
            if s > 0 { writer.write(difference < 0 ? difference + (1 << s) - 1 : difference, s) }
            var run = 0
            let last = (1..<64).last { zigzagValues[$0] != 0 } ?? 0
            for k in 1...max(last, 1) where k <= last {
                let v = zigzagValues[k]
                if v == 0 { run += 1; continue }
                while run >= 16 { writer.write(acCodes[0xF0]!.code, acCodes[0xF0]!.length); run -= 16 }
                let size = category(v)
                let symbol = UInt8(run << 4 | size)
                writer.write(acCodes[symbol]!.code, acCodes[symbol]!.length)
                writer.write(v < 0 ? v + (1 << size) - 1 : v, size)
                run = 0
            }
            if last < 63 { writer.write(acCodes[0x00]!.code, acCodes[0x00]!.length) }
            var natural = [Int16](repeating: 0, count: 64)
            for k in 0..<64 { natural[Int(JPEG.zigzagToNatural[k])] = Int16(zigzagValues[k]) }
            blocks.append(natural)
        }
        let data = writer.finish()
        let dc = try JPEG.HuffmanTable(dcSpec, isDC: true), ac = try JPEG.HuffmanTable(acSpec, isDC: false)
        let zigzag = JPEG.zigzagToNatural
        data.withUnsafeBufferPointer { buffer in
            var reader = JPEG.BitReader(data: buffer, position: 0)
            var decodedPredictor: Int32 = 0
            var block = [Int16](repeating: 0, count: 64)
            for (i, expected) in blocks.enumerated() {
                for k in 0..<64 { block[k] = 0 }
                zigzag.withUnsafeBufferPointer { z in
                    block.withUnsafeMutableBufferPointer { b in
                        JPEG.decodeSequentialBlock(&reader, dc: dc.pointers, ac: ac.pointers, predictor: &decodedPredictor,
                                                   zigzag: z.baseAddress!, b.baseAddress!)
                    }
                }
                if block != expected { return XCTFail("block \(i) differs") }
            }
            XCTAssertGreaterThanOrEqual(reader.bitCount, 0, "read past the data")
            XCTAssertEqual(reader.marker, 0xD9)
        }
    }
}
