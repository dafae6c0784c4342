// Pillow-equal resizing against Pillow 13 itself (Fixtures/Generators/pillow_resize.py):
// seeded noise images of every mode (L, LA, RGB, RGBA) through every filter at hand-picked and
// random sizes, and a photo crop at the reference's CAM scales, must match byte for byte.
// The fast passes are also checked against their plain-loop twin on 240 seeded random shapes.
import XCTest
import Codecs
import Pipeline
import Tensors
import TestSupport

final class PillowResizeTests: XCTestCase {
    /// Filter codes used by the generator's case table.
    private let filters: [PillowFilter] = [.nearest, .box, .bilinear, .hamming, .bicubic, .lanczos]

    /// The generator's input: each sample the top byte of the next SplitMix64 output.
    private func seededImage(seed: UInt64, width: Int, height: Int, channels: Int) -> Image {
        var random = SeededRandom(seed: seed)
        let pixels = (0..<(width * height * channels)).map { _ in
            UInt8(truncatingIfNeeded: random.next() >> 56)
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    private func image(_ array: NPYArray) -> Image {
        precondition(array.shape.count == 3)
        return Image(width: array.shape[1], height: array.shape[0], channels: array.shape[2],
                     pixels: array.uint8s())
    }

    /// Number of differing samples and the largest difference, for failure messages.
    private func difference(_ a: [UInt8], _ b: [UInt8]) -> (count: Int, largest: Int, first: Int?) {
        var count = 0, largest = 0
        var first: Int?
        for i in a.indices where a[i] != b[i] {
            count += 1
            largest = max(largest, abs(Int(a[i]) - Int(b[i])))
            if first == nil { first = i }
        }
        return (count, largest, first)
    }

    func testEveryCaseMatchesPillowExactly() throws {
        let cases = try Fixtures.array("pillow_resize/cases.npy")
        let expected = try Fixtures.array("pillow_resize/outputs.npy").uint8s()
        XCTAssertEqual(cases.shape[1], 7)
        let table = cases.int64s().map(Int.init)
        var offset = 0, checked = 0, samples = 0
        for row in 0..<cases.shape[0] {
            let c = Array(table[(row * 7)..<(row * 7 + 7)])
            let (channels, inWidth, inHeight, outWidth, outHeight) = (c[1], c[2], c[3], c[4], c[5])
            let filter = filters[c[6]]
            let input = seededImage(seed: UInt64(c[0]), width: inWidth, height: inHeight, channels: channels)
            let count = outWidth * outHeight * channels
            let want = Array(expected[offset..<(offset + count)])
            offset += count
            for (name, result) in [
                ("fast", resizeLikePillow(input, width: outWidth, height: outHeight, filter: filter)),
                ("naive", resizeLikePillowNaive(input, width: outWidth, height: outHeight, filter: filter)),
            ] {
                XCTAssertEqual([result.width, result.height, result.channels], [outWidth, outHeight, channels])
                let d = difference(result.pixels, want)
                XCTAssertEqual(d.count, 0, """
                    \(name) case \(row) (seed \(c[0]), \(channels) ch, \(inWidth)x\(inHeight) -> \
                    \(outWidth)x\(outHeight), \(filter)): \(d.count) of \(count) samples differ, \
                    largest by \(d.largest), first at \(d.first ?? -1)
                    """)
            }
            checked += 1
            samples += count
        }
        XCTAssertEqual(offset, expected.count, "case table and outputs disagree in length")
        XCTAssertEqual(checked, 169)
        print("PillowResizeTests: \(checked) cases, \(samples) samples equal to Pillow's")
    }

    func testBicubicEntryPointIsTheBicubicFilter() throws {
        let input = seededImage(seed: 5, width: 23, height: 17, channels: 3)
        XCTAssertEqual(resizeBicubicLikePillow(input, width: 9, height: 31),
                       resizeLikePillow(input, width: 9, height: 31, filter: .bicubic))
        XCTAssertEqual(resizeBicubicLikePillow(input, width: 23, height: 17), input)
    }

    func testPhotoCropAtTheReferenceCAMScales() throws {
        let crop = image(try Fixtures.array("pillow_resize/photo_crop.npy"))
        XCTAssertEqual([crop.width, crop.height], [64, 48])
        for (scale, name) in [(0.5, "050"), (1.5, "150"), (2.0, "200")] {
            let want = image(try Fixtures.array("pillow_resize/photo_scale\(name).npy"))
            let got = rescaleLikeReference(crop, scale: scale)
            XCTAssertEqual([got.width, got.height], [want.width, want.height], "scale \(scale)")
            let d = difference(got.pixels, want.pixels)
            XCTAssertEqual(d.count, 0, "scale \(scale): \(d.count) samples differ, largest by \(d.largest)")
        }
        XCTAssertEqual(rescaleLikeReference(crop, scale: 1.0), crop)
    }

    /// The fast passes (uniform windows, SIMD, threads) against the plain loops on 240 seeded
    /// shapes: shrinking, growing, mixed, one-pixel sides, every channel count and filter.
    func testFastMatchesNaiveOnSeededRandomShapes() {
        var random = SeededRandom(seed: 0x5EED_2E51)
        func draw(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(random.next() % UInt64(range.count))
        }
        let weighted: [PillowFilter] = [.box, .bilinear, .hamming, .bicubic, .bicubic, .bicubic, .lanczos]
        var compared = 0
        for trial in 0..<240 {
            let channels = draw(1...4)
            let sides = [1, 2, 3, 5, 16, 17, 31, 33, 47]
            let inWidth = trial % 4 == 0 ? sides[draw(0...8)] : draw(1...40)
            let inHeight = trial % 5 == 0 ? sides[draw(0...8)] : draw(1...40)
            let outWidth = trial % 6 == 0 ? 1 : draw(1...56)
            let outHeight = trial % 7 == 0 ? 1 : draw(1...56)
            let filter = weighted[draw(0...6)]
            let input = seededImage(seed: UInt64(trial), width: inWidth, height: inHeight, channels: channels)
            let fast = resizeLikePillow(input, width: outWidth, height: outHeight, filter: filter)
            let naive = resizeLikePillowNaive(input, width: outWidth, height: outHeight, filter: filter)
            let d = difference(fast.pixels, naive.pixels)
            XCTAssertEqual(d.count, 0, """
                trial \(trial): \(channels) ch \(inWidth)x\(inHeight) -> \(outWidth)x\(outHeight) \
                \(filter): \(d.count) samples differ, largest by \(d.largest)
                """)
            compared += 1
        }
        XCTAssertEqual(compared, 240)
    }

    /// Passes with enough work to be split over threads (each of these runs on two tasks: the
    /// vertical pass of the first, the horizontal pass of the second) equal the plain loops too.
    func testThreadedPassesMatchNaive() {
        for (source, target) in [((700, 300), (700, 600)), ((900, 180), (1200, 180))] {
            let input = seededImage(seed: 99, width: source.0, height: source.1, channels: 1)
            let fast = resizeLikePillow(input, width: target.0, height: target.1)
            let naive = resizeLikePillowNaive(input, width: target.0, height: target.1)
            XCTAssertEqual(difference(fast.pixels, naive.pixels).count, 0, "\(source) -> \(target)")
        }
    }

    func testCoefficientWindowsStayInsideTheSource() {
        for (input, output) in [(1, 7), (7, 1), (5, 5), (375, 188), (375, 750), (2, 3), (40, 13)] {
            for filter in PillowFilter.allCases where filter != .nearest {
                let k = PillowResampleCoefficients(inputSize: input, outputSize: output, filter: filter)
                XCTAssertEqual(k.weights.count, output * k.taps)
                XCTAssertTrue(k.start.allSatisfy { $0 >= 0 && Int($0) + k.taps <= input },
                              "\(filter) \(input)->\(output)")
                // Each output's weights sum to one in 22-bit fixed point, up to rounding.
                for i in 0..<output {
                    let sum = k.weights[(i * k.taps)..<((i + 1) * k.taps)].reduce(0, +)
                    XCTAssertLessThanOrEqual(abs(Int(sum) - (1 << 22)), k.taps, "\(filter) \(input)->\(output) #\(i)")
                }
            }
        }
    }
}
