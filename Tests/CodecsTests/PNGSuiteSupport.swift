// Helpers for the PngSuite conformance tests: the suite's manifest.tsv, big-endian uint16 .npy
// references (the project's NPY codec reads little-endian only), and expansion of decoded
// images to RGBA, the layout of the references.
import Foundation
import XCTest
import Codecs

struct PNGSuiteEntry {
    let file: String
    let valid: Bool
    let width: Int
    let height: Int
    let bitDepth: Int
    let colorType: Int
    let interlaced: Bool

    var stem: String { String(file.dropLast(4)) }

    /// Rows of manifest.tsv (comments and the column header skipped).
    static func manifest(at url: URL) throws -> [PNGSuiteEntry] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") || line.hasPrefix("file\t") { return nil }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return PNGSuiteEntry(file: f[0], valid: f[1] == "ok", width: Int(f[2]) ?? -1, height: Int(f[3]) ?? -1,
                                 bitDepth: Int(f[4]) ?? -1, colorType: Int(f[5]) ?? -1, interlaced: f[6] == "1")
        }
    }
}

enum BigEndianNPY {
    /// Shape and values of a '>u2' .npy file.
    static func uint16(at url: URL) throws -> (shape: [Int], values: [UInt16]) {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw NSError(domain: "npy", code: 1, userInfo: [NSLocalizedDescriptionKey: "not an npy file: \(url.path)"])
        }
        let major = bytes[6]
        let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let headerStart = major == 1 ? 10 : 12
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '>u2'"), header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw NSError(domain: "npy", code: 2, userInfo: [NSLocalizedDescriptionKey: "unexpected header \(header)"])
        }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let data = bytes[(headerStart + headerLength)...]
        let values = stride(from: data.startIndex, to: data.endIndex, by: 2).map { UInt16(data[$0]) << 8 | UInt16(data[$0 + 1]) }
        return (shape, values)
    }
}

enum RGBA {
    /// An 8-bit image as RGBA (grey replicated, missing alpha = 255).
    static func expand(_ image: Image) -> [UInt8] {
        expand(image.pixels, channels: image.channels, opaque: 255)
    }

    static func expand(_ image: Image16) -> [UInt16] {
        expand(image.samples, channels: image.channels, opaque: 65535)
    }

    static func expand<T: FixedWidthInteger>(_ s: [T], channels: Int, opaque: T) -> [T] {
        let n = s.count / channels
        var out = [T](repeating: 0, count: n * 4)
        for p in 0..<n {
            let b = p * channels
            let (r, g, bl, a): (T, T, T, T)
            switch channels {
            case 1: (r, g, bl, a) = (s[b], s[b], s[b], opaque)
            case 2: (r, g, bl, a) = (s[b], s[b], s[b], s[b + 1])
            case 3: (r, g, bl, a) = (s[b], s[b + 1], s[b + 2], opaque)
            default: (r, g, bl, a) = (s[b], s[b + 1], s[b + 2], s[b + 3])
            }
            out[p * 4] = r; out[p * 4 + 1] = g; out[p * 4 + 2] = bl; out[p * 4 + 3] = a
        }
        return out
    }
}

/// Asserts two sample arrays are equal, reporting the count and first differing positions.
func assertSamplesEqual<T: Equatable>(_ actual: [T], _ expected: [T], _ label: String,
                                      file: StaticString = #filePath, line: UInt = #line) -> Bool {
    guard actual.count == expected.count else {
        XCTFail("\(label): \(actual.count) samples, expected \(expected.count)", file: file, line: line)
        return false
    }
    let bad = actual.indices.filter { actual[$0] != expected[$0] }
    if bad.isEmpty { return true }
    let first = bad.prefix(4).map { "[\($0)] \(actual[$0]) != \(expected[$0])" }.joined(separator: ", ")
    XCTFail("\(label): \(bad.count) of \(actual.count) samples differ; first: \(first)", file: file, line: line)
    return false
}
