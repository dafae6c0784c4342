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

    /// Transposes the 8×8 matrix whose rows are the eight vectors, in the three shuffle
    /// stages of an AVX2 transpose: interleave 32-bit pairs, then 64-bit pairs, then halves.
    @inline(__always)
    static func transpose(_ d: inout (Row, Row, Row, Row, Row, Row, Row, Row)) {
        @inline(__always) func lo32(_ a: Row, _ b: Row) -> Row { Row(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5]) }
        @inline(__always) func hi32(_ a: Row, _ b: Row) -> Row { Row(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7]) }
        @inline(__always) func lo64(_ a: Row, _ b: Row) -> Row { Row(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5]) }
        @inline(__always) func hi64(_ a: Row, _ b: Row) -> Row { Row(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7]) }
        @inline(__always) func lo128(_ a: Row, _ b: Row) -> Row { Row(lowHalf: a.lowHalf, highHalf: b.lowHalf) }
        @inline(__always) func hi128(_ a: Row, _ b: Row) -> Row { Row(lowHalf: a.highHalf, highHalf: b.highHalf) }
        let t0 = lo32(d.0, d.1), t1 = hi32(d.0, d.1), t2 = lo32(d.2, d.3), t3 = hi32(d.2, d.3)
        let t4 = lo32(d.4, d.5), t5 = hi32(d.4, d.5), t6 = lo32(d.6, d.7), t7 = hi32(d.6, d.7)
        let u0 = lo64(t0, t2), u1 = hi64(t0, t2), u2 = lo64(t1, t3), u3 = hi64(t1, t3)
        let u4 = lo64(t4, t6), u5 = hi64(t4, t6), u6 = lo64(t5, t7), u7 = hi64(t5, t7)
        d = (lo128(u0, u4), lo128(u1, u5), lo128(u2, u6), lo128(u3, u7),
             hi128(u0, u4), hi128(u1, u5), hi128(u2, u6), hi128(u3, u7))
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
