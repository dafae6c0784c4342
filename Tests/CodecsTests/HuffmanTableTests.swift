// Inflate's table-driven Huffman decoding (primary tables plus subtables for long codes)
// against its naive twin: reading a canonical code bit by bit (RFC 1951 section 3.2.2), on
// seeded random code-length sets of every maximum length from 1 to 15 and several table widths.
import XCTest
@testable import Codecs

final class HuffmanTableTests: XCTestCase {
    /// Decodes one symbol bit by bit: the canonical code's first codes of each length are
    /// consecutive, so compare the code read so far with each length's range.
    /// `count[l]`: codes of length l; `sorted`: used symbols ordered by (length, symbol).
    private func naiveDecode(_ bits: [Int], at position: inout Int, count: [Int], sorted: [Int]) -> Int? {
        var code = 0, first = 0, index = 0
        for length in 1...15 {
            guard position < bits.count else { return nil }
            code |= bits[position]
            position += 1
            if code - first < count[length] { return sorted[index + code - first] }
            index += count[length]
            first = (first + count[length]) << 1
            code <<= 1
        }
        return nil
    }

    func testTablesDecodeLikeTheNaiveCanonicalWalk() throws {
        var x: UInt64 = 31
        func next() -> Int { x = x &* 6364136223846793005 &+ 1442695040888963407; return Int(x >> 33) }
        for trial in 0..<60 {
            let symbols = 2 + next() % 286
            let limit = max(1, min(15, 1 + trial % 15))
            guard symbols <= 1 << limit else { continue }
            // Skewed frequencies give long codes.
            let frequencies = (0..<symbols).map { _ in 1 + (next() % 1000) * (next() % 2 == 0 ? 1 : 997) >> (next() % 12) }
            let lengths = HuffmanEncoderBuilder.codeLengths(frequencies, maxLength: limit)
            let codes = HuffmanEncoderBuilder.reversedCodes(lengths)
            let used = lengths.indices.filter { lengths[$0] > 0 }
            let message = (0..<500).map { _ in used[next() % used.count] }
            var writer = BitWriter()
            var bits: [Int] = []
            for s in message {
                writer.write(Int(codes[s]), Int(lengths[s]))
                for b in 0..<Int(lengths[s]) { bits.append(Int(codes[s]) >> b & 1) }
            }
            writer.write(0, 32)
            writer.alignToByte()
            // The naive twin reads the same bit sequence.
            var count = [Int](repeating: 0, count: 16)
            for l in lengths where l > 0 { count[Int(l)] += 1 }
            let sorted = used.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
            var position = 0
            var naive: [Int] = []
            while naive.count < message.count, let s = naiveDecode(bits, at: &position, count: count, sorted: sorted) {
                naive.append(s)
            }
            XCTAssertEqual(naive, message, "naive walk, trial \(trial)")
            for primaryBits in [5, 9, 10] {
                let table = try HuffmanDecoder(lengths: lengths, primaryBits: primaryBits, table: .literalLength)
                var decoded: [Int] = []
                try writer.bytes.withUnsafeBufferPointer { input in
                    var state = InflateState(input: input.baseAddress!, count: input.count, startOffset: 0, outputLimit: 0)
                    defer { state.output.deallocate() }
                    try table.entries.withUnsafeBufferPointer { t in
                        for _ in message.indices {
                            state.refill()
                            decoded.append(try state.decode(t.baseAddress!, primaryBits: primaryBits, which: .literalLength))
                        }
                    }
                }
                XCTAssertEqual(decoded, message, "trial \(trial), \(symbols) symbols, limit \(limit), primary \(primaryBits) bits")
            }
        }
    }
}
