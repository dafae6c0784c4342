// The ISLOW inverse DCT of JPEG+IDCT.swift vectorised: each pass computes the 1-D transform of
// all 8 columns (then all 8 rows) at once on SIMD8<Int32> vectors, with 8×8 transposes between
// them, in exactly the integer operations of the scalar version (T.81 A.3.3; libjpeg jidctint.c
// constants), so the two agree bit for bit. This is the kernel the decoders call per block.

extension JPEG {
    typealias Row = SIMD8<Int32>

    /// One 1-D ISLOW pass on eight vectors; `shift` and `round` give the descaling.
    @inline(__always)
    static func islowPass(_ d: inout (Row, Row, Row, Row, Row, Row, Row, Row), shift: Int32, round: Int32) {
        let z2 = d.2, z3 = d.6
        let z1 = (z2 &+ z3) &* Row(repeating: fix0_541196100)
        let even2 = z1 &- z3 &* Row(repeating: fix1_847759065)
        let even3 = z1 &+ z2 &* Row(repeating: fix0_765366865)
        let even0 = (d.0 &+ d.4) &<< 13
        let even1 = (d.0 &- d.4) &<< 13
        let tmp10 = even0 &+ even3, tmp13 = even0 &- even3
        let tmp11 = even1 &+ even2, tmp12 = even1 &- even2

        let o0 = d.7, o1 = d.5, o2 = d.3, o3 = d.1
        let s1 = o0 &+ o3, s2 = o1 &+ o2, s3 = o0 &+ o2, s4 = o1 &+ o3
        let z5 = (s3 &+ s4) &* Row(repeating: fix1_175875602)
        let m1 = Row.zero &- s1 &* Row(repeating: fix0_899976223)
        let m2 = Row.zero &- s2 &* Row(repeating: fix2_562915447)
        let m3 = z5 &- s3 &* Row(repeating: fix1_961570560)
        let m4 = z5 &- s4 &* Row(repeating: fix0_390180644)
        let tmp0 = o0 &* Row(repeating: fix0_298631336) &+ m1 &+ m3
        let tmp1 = o1 &* Row(repeating: fix2_053119869) &+ m2 &+ m4
        let tmp2 = o2 &* Row(repeating: fix3_072711026) &+ m2 &+ m3
        let tmp3 = o3 &* Row(repeating: fix1_501321110) &+ m1 &+ m4

        let r = Row(repeating: round)
        d.0 = (tmp10 &+ tmp3 &+ r) &>> shift
        d.7 = (tmp10 &- tmp3 &+ r) &>> shift
        d.1 = (tmp11 &+ tmp2 &+ r) &>> shift
        d.6 = (tmp11 &- tmp2 &+ r) &>> shift
        d.2 = (tmp12 &+ tmp1 &+ r) &>> shift
        d.5 = (tmp12 &- tmp1 &+ r) &>> shift
        d.3 = (tmp13 &+ tmp0 &+ r) &>> shift
        d.4 = (tmp13 &- tmp0 &+ r) &>> shift
    }

    /// Transposes the 8×8 matrix whose rows are the eight vectors: three perfect unshuffles
    /// of the 64 elements (each rotates the 6 index bits right by one).
    @inline(__always)
    static func transpose(_ d: inout (Row, Row, Row, Row, Row, Row, Row, Row)) {
        for _ in 0..<3 {
            let a = SIMD16(lowHalf: d.0, highHalf: d.1), b = SIMD16(lowHalf: d.2, highHalf: d.3)
            let c = SIMD16(lowHalf: d.4, highHalf: d.5), e = SIMD16(lowHalf: d.6, highHalf: d.7)
            d = (a.evenHalf, b.evenHalf, c.evenHalf, e.evenHalf, a.oddHalf, b.oddHalf, c.oddHalf, e.oddHalf)
        }
    }

    /// Dequantizes `coefficients` (natural order) with `quantization` and writes the 8×8
    /// samples to `output` (row stride `stride`).
    @inline(__always)
    static func inverseDCT(_ coefficients: UnsafePointer<Int16>, _ quantization: UnsafePointer<Int32>,
                           _ output: UnsafeMutablePointer<UInt8>, stride: Int) {
        let raw = UnsafeRawPointer(coefficients), q = UnsafeRawPointer(quantization)
        @inline(__always) func row(_ k: Int) -> Row {
            Row(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: k * 16, as: SIMD8<Int16>.self))
                &* q.loadUnaligned(fromByteOffset: k * 32, as: Row.self)
        }
        var d = (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
        islowPass(&d, shift: 11, round: 1 << 10)
        transpose(&d)
        islowPass(&d, shift: 18, round: 1 << 17)
        transpose(&d)
        let low = Row(repeating: 0), high = Row(repeating: 255), center = Row(repeating: 128)
        @inline(__always) func store(_ v: Row, _ k: Int) {
            let clamped = (v &+ center).clamped(lowerBound: low, upperBound: high)
            UnsafeMutableRawPointer(output + k &* stride).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: clamped),
                                                                    as: SIMD8<UInt8>.self)
        }
        store(d.0, 0); store(d.1, 1); store(d.2, 2); store(d.3, 3)
        store(d.4, 4); store(d.5, 5); store(d.6, 6); store(d.7, 7)
    }
}
