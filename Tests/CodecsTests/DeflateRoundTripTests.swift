// Deflate -> Inflate round trips at every level on empty, one-byte, random, repetitive,
// small-alphabet and > 64 KiB inputs; the package-merge code lengths against a brute-force
// optimum; and the stored level's exact layout (RFC 1951 section 3.2.4).
import XCTest
@testable import Codecs
import TestSupport

final class DeflateRoundTripTests: XCTestCase {
    private func assertRoundTrip(_ data: [UInt8], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        for level in CompressionLevel.allCases {
            let compressed = Deflate.compress(data, level: level)
            do {
                let (output, used) = try Inflate.decompress(compressed, startingAt: 0, outputLimit: data.count)
                XCTAssertEqual(output, data, "\(label) at \(level)", file: file, line: line)
                XCTAssertEqual(used, compressed.count, "\(label) at \(level): consumed bytes", file: file, line: line)
            } catch {
                XCTFail("\(label) at \(level): \(error)", file: file, line: line)
            }
            if level == .stored {
                XCTAssertEqual(compressed.count, data.count + 5 * max(1, (data.count + 65534) / 65535), label)
            }
        }
    }

    func testRoundTrips() throws {
        assertRoundTrip([], "empty")
        assertRoundTrip([42], "one byte")
        assertRoundTrip([1, 2], "two bytes")
        assertRoundTrip([UInt8](repeating: 7, count: 1000), "run of 1000")
        assertRoundTrip([UInt8](repeating: 0, count: 200_000), "200,000 zeros")
        assertRoundTrip(DeflateTestData.noise(count: 100_000, seed: 1), "random 100,000")
        assertRoundTrip(DeflateTestData.noise(count: 150_000, seed: 2, mask: 0x03), "4-letter alphabet")
        assertRoundTrip(DeflateTestData.noise(count: 70_000, seed: 3, mask: 0x81), "2-bit sparse alphabet")
        for name in DeflateTestData.names { assertRoundTrip(try DeflateTestData.input(name), name) }
        // Periodic data with periods near the window size, and matches of every length.
        let period = DeflateTestData.noise(count: 32768, seed: 4)
        assertRoundTrip(period + period + period.prefix(5000), "period 32768")
        let nearWindow = DeflateTestData.noise(count: 32767, seed: 5)
        assertRoundTrip(nearWindow + nearWindow, "period 32767")
        var lengths: [UInt8] = []
        for n in 1...300 { lengths += DeflateTestData.noise(count: 20, seed: 6) + [UInt8](repeating: UInt8(n & 0xFF), count: n) }
        assertRoundTrip(lengths, "every run length")
    }

    func testCompressesRepetitiveData() {
        let zeros = [UInt8](repeating: 0, count: 200_000)
        XCTAssertLessThan(Deflate.compress(zeros, level: .default).count, 500)
        XCTAssertLessThan(Deflate.compress(zeros, level: .fast).count, 1000)
        let random = DeflateTestData.noise(count: 100_000, seed: 9)
        // Incompressible data falls back to stored blocks: at most 5 bytes per block of overhead.
        XCTAssertLessThanOrEqual(Deflate.compress(random, level: .default).count, random.count + 5 * 8)
    }

    /// Minimum total cost sum(f * len) over all length vectors with Kraft sum <= 1 and len <= limit.
    private func bruteForceCost(_ frequencies: [Int], limit: Int) -> Int {
        var best = Int.max
        var lengths = [Int](repeating: 1, count: frequencies.count)
        func search(_ i: Int, _ kraft: Double) {
            if i == frequencies.count {
                if kraft <= 1 + 1e-12 { best = min(best, zip(frequencies, lengths).map { $0 * $1 }.reduce(0, +)) }
                return
            }
            for length in 1...limit {
                lengths[i] = length
                search(i + 1, kraft + 1 / Double(1 << length))
            }
        }
        search(0, 0)
        return best
    }

    func testPackageMergeIsOptimalAndLimited() {
        var generator = DeflateTestData.noise(count: 400, seed: 10).makeIterator()
        for trial in 0..<40 {
            let n = 2 + trial % 5
            let limit = [3, 4, 15][trial % 3]
            let frequencies = (0..<n).map { _ in 1 + Int(generator.next()!) * (trial % 2 == 0 ? 1 : 40) }
            let lengths = HuffmanEncoderBuilder.codeLengths(frequencies, maxLength: limit).map(Int.init)
            XCTAssertTrue(lengths.allSatisfy { $0 >= 1 && $0 <= limit }, "\(lengths)")
            let kraft = lengths.map { 1 / Double(1 << $0) }.reduce(0, +)
            XCTAssertEqual(kraft, 1, accuracy: 1e-12, "package-merge codes are complete")
            let cost = zip(frequencies, lengths).map { $0 * $1 }.reduce(0, +)
            XCTAssertEqual(cost, bruteForceCost(frequencies, limit: min(limit, n - 1)), "\(frequencies) limit \(limit)")
        }
        // Fibonacci frequencies would need 25-bit codes unlimited; the limit holds.
        var fib = [1, 1]
        while fib.count < 26 { fib.append(fib[fib.count - 1] + fib[fib.count - 2]) }
        let limited = HuffmanEncoderBuilder.codeLengths(fib, maxLength: 15)
        XCTAssertEqual(limited.max(), 15)
        XCTAssertEqual(limited.map { 1 / Double(1 << Int($0)) }.reduce(0, +), 1, accuracy: 1e-12)
    }
}
