// NPY codec against files written by NumPy itself (Fixtures/Generators/make_npy.py): every
// supported dtype decodes to NumPy's values, our encoding round-trips, and Fortran-order,
// big-endian, truncated and forged headers are refused with the specific error.
import XCTest
import Codecs
import TestSupport

final class NPYTests: XCTestCase {
    /// The values make_npy.py stored: arange(-7, 17) reshaped (2, 3, 4), cast per dtype.
    private func expectedValues(_ name: String) -> [Double] {
        let base = (-7..<17).map(Double.init)
        switch name {
        case "bool": return base.map { Int($0) % 2 == 0 ? 1 : 0 }
        case "uint8": return base.map { Double(UInt8(truncatingIfNeeded: Int($0))) }
        case "uint16": return base.map { Double(UInt16(truncatingIfNeeded: Int($0))) }
        case "uint32": return base.map { Double(UInt32(truncatingIfNeeded: Int($0))) }
        case "uint64": return base.map { $0 < 0 ? Double(UInt64(bitPattern: Int64($0))) : $0 }
        case "float16": return base.map { Double(Float16Reference.round($0 / 3)) }
        case "float32": return base.map { Double(Float($0) / 3) }
        case "float64": return base.map { $0 / 3 }
        default: return base
        }
    }

    func testEveryDTypeDecodesToNumPysValues() throws {
        for name in ["bool", "uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
                     "float16", "float32", "float64"] {
            let array = try Fixtures.array("npy/\(name).npy")
            XCTAssertEqual(array.shape, [2, 3, 4], name)
            let values = array.doubles()
            let expected = expectedValues(name)
            for i in values.indices {
                XCTAssertEqual(values[i], expected[i], accuracy: abs(expected[i]) * 1e-12, "\(name)[\(i)]")
            }
        }
    }

    func testScalarEmptyAndVersion2() throws {
        let scalar = try Fixtures.array("npy/scalar.npy")
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.floats(), [2.5])
        let empty = try Fixtures.array("npy/empty.npy")
        XCTAssertEqual(empty.shape, [0, 3])
        XCTAssertEqual(empty.floats(), [])
        let v2 = try Fixtures.array("npy/version2.npy")
        XCTAssertEqual(v2.shape, [2, 3])
        XCTAssertEqual(v2.floats(), [0, 1, 2, 3, 4, 5])
    }

    func testEncodeRoundTripsAndMatchesNumPyHeaderLayout() throws {
        for name in ["bool", "uint8", "int32", "int64", "float32", "float64"] {
            let original = try Fixtures.bytes("npy/\(name).npy")
            let decoded = try NPY.decode(original)
            let encoded = NPY.encode(decoded)
            XCTAssertEqual(encoded, original, "\(name): our encoding differs from numpy.save's bytes")
        }
        let scalar = try Fixtures.bytes("npy/scalar.npy")
        XCTAssertEqual(NPY.encode(try NPY.decode(scalar)), scalar)
    }

    func testRefusals() throws {
        XCTAssertThrowsError(try Fixtures.array("npy/fortran.npy")) { XCTAssertEqual($0 as? NPYError, .unsupportedFortranOrder) }
        XCTAssertThrowsError(try Fixtures.array("npy/bigendian.npy")) { XCTAssertEqual($0 as? NPYError, .unsupportedDType(">f4")) }
        let good = try Fixtures.bytes("npy/float32.npy")
        XCTAssertThrowsError(try NPY.decode(Array(good.dropLast()))) {
            guard case .truncated = $0 as? NPYError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try NPY.decode([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x58, 1, 0, 0, 0])) {
            XCTAssertEqual($0 as? NPYError, .badMagic)
        }
        // A forged shape that would need 10^18 elements is refused before any allocation.
        let forged = NPY.encode(NPYArray(float32: [1], shape: [1]))
        var header = String(decoding: forged[10...], as: UTF8.self)
        header = header.replacingOccurrences(of: "(1,), }", with: "(1000000000, 1000000000), }")
        let forgedBytes = Array(forged[0..<8]) + [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        XCTAssertThrowsError(try NPY.decode(forgedBytes)) {
            guard case .tooLarge = $0 as? NPYError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try NPY.decode(Array("\u{93}NUMPY\u{1}\u{0}".utf8) + [4, 0] + Array("{}  ".utf8))) {
            guard case .some = $0 as? NPYError else { return XCTFail("\($0)") }
        }
    }
}

/// Float16 rounding computed independently of the decoder (round to nearest even in binary16).
enum Float16Reference {
    static func round(_ value: Double) -> Double {
        guard value != 0 else { return 0 }
        let exponent = max(Int(floor(log2(abs(value)))), -14)
        let quantum = pow(2.0, Double(exponent - 10))
        return (value / quantum).rounded(.toNearestOrEven) * quantum
    }
}
