// PNM header parsing (Netpbm pbm(5)/pgm(5)/ppm(5)): magic "P1"..."P6", whitespace, width,
// whitespace, height, and for P2/P3/P5/P6 whitespace and maxval; then exactly one whitespace
// character before the raster. Whitespace is blank, TAB, CR, LF, VT or FF; a comment runs
// from "#" to the next CR or LF and may stand wherever whitespace may (including as the
// separator before the raster, whose end-of-line then ends the header).

/// What the header says and where the raster begins.
struct PNMHeader: Equatable {
    var kind: PNMImage.Kind
    /// True for the ASCII variants P1, P2, P3.
    var plain: Bool
    var width: Int
    var height: Int
    var maxval: Int
    /// Offset of the first raster byte.
    var rasterOffset: Int

    var channels: Int { kind == .pixmap ? 3 : 1 }
}

extension PNM {
    @inline(__always) static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || (0x09...0x0D).contains(c)
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }

    /// Reads and checks the header; throws before anything is allocated.
    static func parseHeader(_ bytes: [UInt8], limits: PNMLimits) throws -> PNMHeader {
        guard bytes.count >= 2 else { throw PNMError.badMagic(found: bytes) }
        guard bytes[0] == UInt8(ascii: "P") else { throw PNMError.badMagic(found: Array(bytes[0..<2])) }
        let kind: PNMImage.Kind, plain: Bool
        switch bytes[1] {
        case UInt8(ascii: "1"): (kind, plain) = (.bitmap, true)
        case UInt8(ascii: "2"): (kind, plain) = (.graymap, true)
        case UInt8(ascii: "3"): (kind, plain) = (.pixmap, true)
        case UInt8(ascii: "4"): (kind, plain) = (.bitmap, false)
        case UInt8(ascii: "5"): (kind, plain) = (.graymap, false)
        case UInt8(ascii: "6"): (kind, plain) = (.pixmap, false)
        case UInt8(ascii: "7"): throw PNMError.unsupportedFormat("P7 (PAM)")
        case UInt8(ascii: "F"), UInt8(ascii: "f"): throw PNMError.unsupportedFormat("PF/Pf (PFM float map)")
        default: throw PNMError.badMagic(found: Array(bytes[0..<2]))
        }
        var position = 2
        guard position < bytes.count else { throw PNMError.truncatedHeader(field: "width", offset: position) }
        guard isWhitespace(bytes[position]) || bytes[position] == UInt8(ascii: "#") else {
            throw PNMError.missingWhitespace(field: "magic number", offset: position)
        }
        let width = try readNumber(bytes, &position, field: "width")
        let height = try readNumber(bytes, &position, field: "height")
        var maxval = 1, maxvalOffset = position
        if kind != .bitmap {
            skipWhitespaceAndComments(bytes, &position)
            maxvalOffset = position
            maxval = try readNumber(bytes, &position, field: "maxval")
        }
        let lastField = kind == .bitmap ? "height" : "maxval"
        if kind != .bitmap && !(1...65535).contains(maxval) {
            throw PNMError.badMaxval(maxval, offset: maxvalOffset)
        }
        guard width > 0 && height > 0 else { throw PNMError.zeroDimension(width: width, height: height) }
        guard width <= limits.maxDimension, height <= limits.maxDimension,
              width * height <= limits.maxPixels else {
            throw PNMError.tooLarge(width: width, height: height,
                                    limit: max(width, height) > limits.maxDimension ? limits.maxDimension : limits.maxPixels)
        }
        // Exactly one whitespace character (or a comment through its end of line) ends the header.
        guard position < bytes.count else {
            throw PNMError.truncatedHeader(field: "whitespace after \(lastField)", offset: position)
        }
        if bytes[position] == UInt8(ascii: "#") {
            while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
            guard position < bytes.count else {
                throw PNMError.truncatedHeader(field: "end of comment after \(lastField)", offset: position)
            }
        }
        position += 1
        return PNMHeader(kind: kind, plain: plain, width: width, height: height, maxval: maxval,
                         rasterOffset: position)
    }

    /// Skips whitespace and comments, then reads an unsigned decimal number that must be
    /// followed by whitespace or a comment (left unconsumed). `position` ends after the digits.
    static func readNumber(_ bytes: [UInt8], _ position: inout Int, field: String) throws -> Int {
        skipWhitespaceAndComments(bytes, &position)
        guard position < bytes.count else { throw PNMError.truncatedHeader(field: field, offset: position) }
        let start = position
        guard isDigit(bytes[position]) else { throw PNMError.badNumber(field: field, offset: position) }
        var value = 0
        while position < bytes.count && isDigit(bytes[position]) {
            value = value * 10 + Int(bytes[position] &- 0x30)
            guard value <= Int(Int32.max) else { throw PNMError.numberTooLarge(field: field, offset: start) }
            position += 1
        }
        if position < bytes.count && !isWhitespace(bytes[position]) && bytes[position] != UInt8(ascii: "#") {
            throw PNMError.missingWhitespace(field: field, offset: position)
        }
        return value
    }

    /// Advances past whitespace and "#" comments (a comment ends at CR or LF).
    static func skipWhitespaceAndComments(_ bytes: [UInt8], _ position: inout Int) {
        while position < bytes.count {
            let c = bytes[position]
            if isWhitespace(c) {
                position += 1
            } else if c == UInt8(ascii: "#") {
                while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }
}
