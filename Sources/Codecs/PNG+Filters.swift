// PNG scanline filters (PNG spec, 2nd ed., section 9, filter method 0): None, Sub, Up, Average
// and Paeth, each predicting a byte from its left neighbour a (one pixel back, `stride` bytes),
// the byte above b and the one above-left c. Decoding reverses them in place, row by row; the
// encoder applies them and picks per row the type whose output has the least sum of absolute
// values taken as signed bytes (section 12.8's heuristic). `naiveUnfilter` is the plain twin.

enum PNGFilter {
    /// The Paeth predictor (section 9.4): whichever of a, b, c is nearest to a + b - c,
    /// preferring a, then b, on ties.
    @inline(__always) static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Reverses the filters of `rows` scanlines stored back to back at `data`, each a filter type
    /// byte followed by `rowBytes` bytes, in place. `firstRow` numbers rows for errors.
    static func unfilter(_ data: UnsafeMutablePointer<UInt8>, rows: Int, rowBytes: Int, stride: Int,
                         firstRow: Int) throws {
        let lineBytes = rowBytes &+ 1
        for r in 0..<rows {
            let line = data + r &* lineBytes
            let current = line + 1
            let above: UnsafeMutablePointer<UInt8>? = r > 0 ? current - lineBytes : nil
            switch line[0] {
            case 0:
                break
            case 1:
                var i = stride
                while i < rowBytes { current[i] &+= current[i &- stride]; i &+= 1 }
            case 2:
                if let above {
                    for i in 0..<rowBytes { current[i] &+= above[i] }
                }
            case 3:
                if let above {
                    for i in 0..<min(stride, rowBytes) { current[i] &+= above[i] >> 1 }
                    var i = stride
                    while i < rowBytes {
                        current[i] &+= UInt8(truncatingIfNeeded: (UInt16(current[i &- stride]) &+ UInt16(above[i])) >> 1)
                        i &+= 1
                    }
                } else {
                    var i = stride
                    while i < rowBytes { current[i] &+= current[i &- stride] >> 1; i &+= 1 }
                }
            case 4:
                if let above {
                    for i in 0..<min(stride, rowBytes) { current[i] &+= above[i] }
                    var i = stride
                    while i < rowBytes {
                        let a = Int(current[i &- stride]), b = Int(above[i]), c = Int(above[i &- stride])
                        let pa = abs(b &- c), pb = abs(a &- c), pc = abs(a &+ b &- c &- c)
                        let predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                        current[i] &+= UInt8(truncatingIfNeeded: predictor)
                        i &+= 1
                    }
                } else {
                    // With no row above, b = c = 0 and Paeth picks a: the Sub filter.
                    var i = stride
                    while i < rowBytes { current[i] &+= current[i &- stride]; i &+= 1 }
                }
            default:
                throw PNGError.badFilterType(Int(line[0]), row: firstRow + r)
            }
        }
    }

    /// Plain twin of `unfilter`: the definitions of section 9.2 with out-of-image bytes as 0.
    static func naiveUnfilter(_ data: [UInt8], rows: Int, rowBytes: Int, stride: Int) -> [UInt8]? {
        var out = data
        for r in 0..<rows {
            let start = r * (rowBytes + 1) + 1
            for i in 0..<rowBytes {
                let a = i >= stride ? out[start + i - stride] : 0
                let b = r > 0 ? out[start + i - rowBytes - 1] : 0
                let c = r > 0 && i >= stride ? out[start + i - stride - rowBytes - 1] : 0
                let x = data[start + i]
                switch data[start - 1] {
                case 0: out[start + i] = x
                case 1: out[start + i] = x &+ a
                case 2: out[start + i] = x &+ b
                case 3: out[start + i] = x &+ UInt8((Int(a) + Int(b)) / 2)
                case 4: out[start + i] = x &+ paeth(a, b, c)
                default: return nil
                }
            }
        }
        return out
    }

    /// Writes row `current` filtered with `type` to `output` (rowBytes bytes); `above` is the
    /// previous unfiltered row or nil for the first (then b = c = 0).
    static func filter(type: UInt8, current: UnsafePointer<UInt8>, above: UnsafePointer<UInt8>?, rowBytes: Int,
                       stride: Int, output: UnsafeMutablePointer<UInt8>) {
        let head = min(stride, rowBytes)
        switch (type, above) {
        case (0, _), (2, nil):
            output.update(from: current, count: rowBytes)
        case (2, let b?):
            for i in 0..<rowBytes { output[i] = current[i] &- b[i] }
        case (3, nil):
            for i in 0..<head { output[i] = current[i] }
            var i = stride
            while i < rowBytes { output[i] = current[i] &- (current[i &- stride] >> 1); i &+= 1 }
        case (1, _), (_, nil):  // Paeth without a row above is Sub
            for i in 0..<head { output[i] = current[i] }
            var i = stride
            while i < rowBytes { output[i] = current[i] &- current[i &- stride]; i &+= 1 }
        case (3, let b?):
            for i in 0..<head { output[i] = current[i] &- (b[i] >> 1) }
            var i = stride
            while i < rowBytes {
                output[i] = current[i] &- UInt8(truncatingIfNeeded: (UInt16(current[i &- stride]) &+ UInt16(b[i])) >> 1)
                i &+= 1
            }
        case (_, let b?):
            for i in 0..<head { output[i] = current[i] &- b[i] }
            var i = stride
            while i < rowBytes {
                output[i] = current[i] &- paeth(current[i &- stride], b[i], b[i &- stride])
                i &+= 1
            }
        }
    }

    /// Sum of the filtered bytes read as signed values, in absolute value.
    static func cost(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int {
        var sum = 0
        for i in 0..<count { sum &+= abs(Int(Int8(bitPattern: bytes[i]))) }
        return sum
    }
}
