// Inputs shared by the checksum and deflate tests: the fixtures of
// Fixtures/Generators/make_deflate.py, the `big` input it describes (rebuilt here rather than
// committed), and seeded pseudo-random byte streams for round-trip tests.
import Codecs
import TestSupport

enum DeflateTestData {
    /// Names of the generator's inputs, in the order of checksums.npy.
    static let names = ["empty", "one", "text", "random", "big"]

    static func input(_ name: String) throws -> [UInt8] {
        if name == "big" { return big(text: try input("text")) }
        return try Fixtures.array("deflate/input_\(name).npy").uint8s()
    }

    /// make_deflate.py's `big`: text segments with three 2,000-byte stretches of LCG noise.
    static func big(text: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 66000)
        var x: UInt64 = 7
        for i in out.indices {
            let s = i / 6000
            if s % 4 == 1 && i % 6000 < 2000 {
                x = x &* 6364136223846793005 &+ 1442695040888963407
                out[i] = UInt8(x >> 56)
            } else {
                out[i] = text[(i + 17 * s) % text.count]
            }
        }
        return out
    }

    /// A deterministic byte stream: `count` bytes from a 64-bit LCG, each byte masked with
    /// `mask` (a small mask gives a small alphabet, hence long matches).
    static func noise(count: Int, seed: UInt64, mask: UInt8 = 0xFF) -> [UInt8] {
        var x = seed
        return (0..<count).map { _ in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(x >> 56) & mask
        }
    }
}
