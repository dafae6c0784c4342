// YCbCr → RGB for JPEG output (JFIF 1.02 / ITU-R BT.601 full range) in libjpeg's integer
// arithmetic (jdcolor.c): constants scaled by 2^16 and rounded (FIX), R and B offsets rounded
// to nearest, G summed unrounded with one ONE_HALF before the shift, results clamped to 0...255.
// The per-pixel formula is exact integer arithmetic, so it equals libjpeg's table lookups;
// `naiveYCbCrToRGB` is the table form, kept as the twin for the tests.

extension JPEG {
    /// FIX(x) with 16 fraction bits, as libjpeg rounds it.
    static func fix16(_ x: Double) -> Int32 { Int32(x * 65536 + 0.5) }

    static let crToR = fix16(1.40200)
    static let cbToB = fix16(1.77200)
    static let crToG = fix16(0.71414)
    static let cbToG = fix16(0.34414)

    /// Converts `count` pixels of Y, Cb, Cr rows to interleaved RGB.
    static func convertYCbCrToRGB(y: UnsafePointer<UInt8>, cb: UnsafePointer<UInt8>, cr: UnsafePointer<UInt8>,
                                  count: Int, _ output: UnsafeMutablePointer<UInt8>) {
        let kR = crToR, kB = cbToB, kGr = crToG, kGb = cbToG
        let half: Int32 = 1 << 15
        for i in 0..<count {
            let luma = Int32(y[i])
            let b = Int32(cb[i]) &- 128, r = Int32(cr[i]) &- 128
            let red = luma &+ ((kR &* r &+ half) >> 16)
            let green = luma &+ ((half &- kGb &* b &- kGr &* r) >> 16)
            let blue = luma &+ ((kB &* b &+ half) >> 16)
            let o = output + i &* 3
            o[0] = UInt8(truncatingIfNeeded: min(max(red, 0), 255))
            o[1] = UInt8(truncatingIfNeeded: min(max(green, 0), 255))
            o[2] = UInt8(truncatingIfNeeded: min(max(blue, 0), 255))
        }
    }

    /// Interleaves three component rows unchanged (RGB-coded JPEG, Adobe transform 0).
    static func interleave(_ c0: UnsafePointer<UInt8>, _ c1: UnsafePointer<UInt8>, _ c2: UnsafePointer<UInt8>,
                           count: Int, _ output: UnsafeMutablePointer<UInt8>) {
        for i in 0..<count {
            output[i &* 3] = c0[i]; output[i &* 3 &+ 1] = c1[i]; output[i &* 3 &+ 2] = c2[i]
        }
    }

    /// libjpeg's table formulation (build_ycc_rgb_table + ycc_rgb_convert) for one pixel.
    static func naiveYCbCrToRGB(_ y: UInt8, _ cb: UInt8, _ cr: UInt8) -> (UInt8, UInt8, UInt8) {
        func table(_ i: Int) -> (crR: Int, cbB: Int, crG: Int, cbG: Int) {
            let x = i - 128
            return ((Int(crToR) * x + 32768) >> 16, (Int(cbToB) * x + 32768) >> 16,
                    -Int(crToG) * x, -Int(cbToG) * x + 32768)
        }
        let luma = Int(y)
        let red = luma + table(Int(cr)).crR
        let green = luma + ((table(Int(cb)).cbG + table(Int(cr)).crG) >> 16)
        let blue = luma + table(Int(cb)).cbB
        func limit(_ v: Int) -> UInt8 { UInt8(min(max(v, 0), 255)) }
        return (limit(red), limit(green), limit(blue))
    }
}
