// NPY: NumPy's array file format (numpy.lib.format, versions 1.0-3.0), read and write.
// Layout: magic "\x93NUMPY", version, little-endian header length, a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded to 64 bytes, raw data.
// Supported: bool, uint8, int8, int16, uint16, int32, uint32, int64, uint64, float16, float32,
// float64; C order; little-endian (or byte-order free). Everything else is "unsupported", except
// that `pickledObject` hands out the pickle of a one-object file (descr "|O", shape ()).

/// Element type of an NPY array, named by its NumPy `descr` string.
public enum NPYDType: String, Sendable, CaseIterable {
    case bool = "|b1", uint8 = "|u1", int8 = "|i1"
    case int16 = "<i2", uint16 = "<u2", int32 = "<i4", uint32 = "<u4", int64 = "<i8", uint64 = "<u8"
    case float16 = "<f2", float32 = "<f4", float64 = "<f8"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .uint8, .int8: return 1
        case .int16, .uint16, .float16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// Accepts NumPy's spellings: "<f4", "=f4" and, for one-byte types, "u1" / "<u1" / "|u1".
    init?(descr: String) {
        var d = descr
        if d.first == "=" { d = "<" + d.dropFirst() }
        if d.count == 2 { d = (d.last == "1" ? "|" : "<") + d }
        if d.hasSuffix("1"), let first = d.first, first == "<" || first == ">" { d = "|" + d.dropFirst() }
        guard let type = NPYDType(rawValue: d) else { return nil }
        self = type
    }
}

public enum NPYError: Error, Equatable, Sendable {
    case badMagic
    case truncated(needed: Int, available: Int)
    case malformedHeader(String)
    case unsupportedVersion(major: UInt8, minor: UInt8)
    case unsupportedDType(String)
    case unsupportedFortranOrder
    case tooLarge(elements: Int, limit: Int)
    case dataSizeMismatch(expected: Int, actual: Int)
}

/// One NPY array: its element type, shape and raw little-endian C-order bytes.
public struct NPYArray: Equatable, Sendable {
    public var dtype: NPYDType
    public var shape: [Int]
    public var data: [UInt8]

    public init(dtype: NPYDType, shape: [Int], data: [UInt8]) {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) * dtype.size == data.count,
                     "NPYArray shape \(shape) of \(dtype) does not match \(data.count) bytes")
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    public var count: Int { shape.reduce(1, *) }

    public init(float32 values: [Float], shape: [Int]) {
        self.init(dtype: .float32, shape: shape, data: values.flatMap { littleEndianBytes($0.bitPattern) })
    }

    public init(float64 values: [Double], shape: [Int]) {
        self.init(dtype: .float64, shape: shape, data: values.flatMap { littleEndianBytes($0.bitPattern) })
    }

    public init(int64 values: [Int64], shape: [Int]) {
        self.init(dtype: .int64, shape: shape, data: values.flatMap { littleEndianBytes(UInt64(bitPattern: $0)) })
    }

    public init(int32 values: [Int32], shape: [Int]) {
        self.init(dtype: .int32, shape: shape, data: values.flatMap { littleEndianBytes(UInt32(bitPattern: $0)) })
    }

    public init(uint8 values: [UInt8], shape: [Int]) {
        self.init(dtype: .uint8, shape: shape, data: values)
    }

    public init(bool values: [Bool], shape: [Int]) {
        self.init(dtype: .bool, shape: shape, data: values.map { $0 ? 1 : 0 })
    }

    /// The elements converted to Double (exact for every supported type but 64-bit integers
    /// beyond 2^53).
    public func doubles() -> [Double] {
        (0..<count).map { element(at: $0) }
    }

    /// The elements converted to Float.
    public func floats() -> [Float] {
        if dtype == .float32 {
            return (0..<count).map { Float(bitPattern: UInt32(word(at: $0 * 4, size: 4))) }
        }
        return (0..<count).map { Float(element(at: $0)) }
    }

    /// The elements as Int64 (floats are truncated toward zero).
    public func int64s() -> [Int64] {
        switch dtype {
        case .int64: return (0..<count).map { Int64(bitPattern: word(at: $0 * 8, size: 8)) }
        case .uint64: return (0..<count).map { Int64(bitPattern: word(at: $0 * 8, size: 8)) }
        default: return (0..<count).map { Int64(element(at: $0)) }
        }
    }

    /// The elements as UInt8 (values are truncated to their low byte for wider integers).
    public func uint8s() -> [UInt8] {
        if dtype.size == 1 { return data }
        return int64s().map { UInt8(truncatingIfNeeded: $0) }
    }

    private func word(at offset: Int, size: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<size { value |= UInt64(data[offset + k]) << (8 * UInt64(k)) }
        return value
    }

    private func element(at index: Int) -> Double {
        let w = word(at: index * dtype.size, size: dtype.size)
        switch dtype {
        case .bool, .uint8, .uint16, .uint32: return Double(w)
        case .uint64: return Double(w)
        case .int8: return Double(Int8(truncatingIfNeeded: w))
        case .int16: return Double(Int16(truncatingIfNeeded: w))
        case .int32: return Double(Int32(truncatingIfNeeded: w))
        case .int64: return Double(Int64(bitPattern: w))
        case .float16: return Double(halfToFloat(UInt16(w)))
        case .float32: return Double(Float(bitPattern: UInt32(w)))
        case .float64: return Double(bitPattern: w)
        }
    }
}

/// IEEE binary16 to Float (exact), without relying on the platform's Float16 support.
func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = (h & 0x8000) != 0 ? -1 : 1
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = Float(h & 0x3FF)
    switch exponent {
    case 0: return sign * mantissa * 0x1p-24
    case 31: return mantissa == 0 ? sign * .infinity : .nan
    default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}

func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

public enum NPY {
    /// Default cap on elements per array (2^31): enough for any image-sized tensor, small
    /// enough that a forged header cannot make us allocate without bound.
    public static let defaultElementLimit = 1 << 31

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// The header of one .npy file: `descr`, `fortran_order`, `shape`, and where the data starts.
    static func header(_ bytes: [UInt8]) throws -> (descr: String, fortran: Bool, shape: [Int], dataStart: Int) {
        guard bytes.count >= 10 else { throw NPYError.truncated(needed: 10, available: bytes.count) }
        guard Array(bytes[0..<6]) == magic else { throw NPYError.badMagic }
        let major = bytes[6], minor = bytes[7]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NPYError.truncated(needed: 12, available: bytes.count) }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw NPYError.unsupportedVersion(major: major, minor: minor)
        }
        let dataStart = headerStart + headerLength
        guard bytes.count >= dataStart else { throw NPYError.truncated(needed: dataStart, available: bytes.count) }
        let header = String(decoding: bytes[headerStart..<dataStart], as: UTF8.self)
        let (descr, fortran, shape) = try parseHeader(header)
        return (descr, fortran, shape, dataStart)
    }

    /// True when `bytes` start with the .npy magic string.
    public static func hasMagic(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    /// The pickle inside a .npy file of one Python object (`descr` '|O', shape ()): what
    /// `numpy.save` writes for a dict, read back with `allow_pickle=True`. Reading the pickle
    /// is left to the caller (Checkpoints' restricted unpickler); nothing is executed here.
    public static func pickledObject(_ bytes: [UInt8]) throws -> [UInt8] {
        let (descr, _, shape, dataStart) = try header(bytes)
        guard descr == "|O" || descr == "O" else { throw NPYError.unsupportedDType(descr) }
        guard shape.isEmpty else {
            throw NPYError.malformedHeader("an object array of shape \(shape); only one pickled object (shape ()) is read")
        }
        return Array(bytes[dataStart...])
    }

    /// Decodes one .npy file.
    public static func decode(_ bytes: [UInt8], elementLimit: Int = defaultElementLimit) throws -> NPYArray {
        let (descr, fortran, shape, dataStart) = try header(bytes)
        guard let dtype = NPYDType(descr: descr) else { throw NPYError.unsupportedDType(descr) }
        if fortran && shape.filter({ $0 > 1 }).count > 1 { throw NPYError.unsupportedFortranOrder }
        var elements = 1
        for extent in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= elementLimit else {
                throw NPYError.tooLarge(elements: overflow ? Int.max : product, limit: elementLimit)
            }
            elements = product
        }
        let byteCount = elements * dtype.size
        guard bytes.count - dataStart >= byteCount else {
            throw NPYError.truncated(needed: dataStart + byteCount, available: bytes.count)
        }
        return NPYArray(dtype: dtype, shape: shape, data: Array(bytes[dataStart..<(dataStart + byteCount)]))
    }

    /// Encodes one array as a version 1.0 .npy file (header padded to a multiple of 64 bytes).
    public static func encode(_ array: NPYArray) -> [UInt8] {
        let shapeText: String
        switch array.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(array.shape[0]),)"
        default: shapeText = "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(array.dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = magic + [1, 0]
        out += littleEndianBytes(UInt16(header.utf8.count))
        out += Array(header.utf8)
        out += array.data
        return out
    }

    /// Parses the header dict: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
    static func parseHeader(_ text: String) throws -> (descr: String, fortran: Bool, shape: [Int]) {
        func value(after key: String) throws -> Substring {
            guard let range = text.firstRange(of: "'\(key)'") ?? text.firstRange(of: "\"\(key)\"") else {
                throw NPYError.malformedHeader("no '\(key)' in \(text.prefix(120))")
            }
            var rest = text[range.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { throw NPYError.malformedHeader("no ':' after '\(key)'") }
            rest = rest.dropFirst().drop { $0 == " " }
            return rest
        }
        let descrText = try value(after: "descr")
        guard let quote = descrText.first, quote == "'" || quote == "\"",
              let end = descrText.dropFirst().firstIndex(of: quote) else {
            throw NPYError.malformedHeader("'descr' is not a string (structured dtypes are unsupported)")
        }
        let descr = String(descrText[descrText.index(after: descrText.startIndex)..<end])
        let fortranText = try value(after: "fortran_order")
        let fortran: Bool
        if fortranText.hasPrefix("True") { fortran = true }
        else if fortranText.hasPrefix("False") { fortran = false }
        else { throw NPYError.malformedHeader("'fortran_order' is neither True nor False") }
        let shapeText = try value(after: "shape")
        guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
            throw NPYError.malformedHeader("'shape' is not a tuple")
        }
        let inner = shapeText[shapeText.index(after: shapeText.startIndex)..<close]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let digits = part.filter { $0 != " " && $0 != "L" }
            if digits.isEmpty { continue }
            guard digits.count <= 18, let extent = Int(digits), extent >= 0 else {
                throw NPYError.malformedHeader("shape entry '\(part)' is not a non-negative integer")
            }
            shape.append(extent)
        }
        return (descr, fortran, shape)
    }
}
