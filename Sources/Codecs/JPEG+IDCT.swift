// Inverse DCT of one 8×8 block (T.81 A.3.3) with dequantization, in the integer arithmetic of
// libjpeg's "ISLOW" method (Loeffler-Ligtenberg-Moschytz, 13-bit constants, columns then rows,
// 2 extra bits kept between passes), so that decoded samples match libjpeg-turbo bit for bit.
// Results are level-shifted by +128 and clamped to 0...255. `inverseDCT` runs both passes on
// SIMD8<Int32> rows with two 8×8 transposes; `scalarInverseDCT` is the same arithmetic one
// column/row at a time (equal bit for bit), and `naiveInverseDCT` the textbook formula.

extension JPEG {
    // FIX(x) = round(x · 2^13) for the rotations of the LLM factorisation.
    @usableFromInline static let fix0_298631336: Int32 = 2446
    @usableFromInline static let fix0_390180644: Int32 = 3196
    @usableFromInline static let fix0_541196100: Int32 = 4433
    @usableFromInline static let fix0_765366865: Int32 = 6270
    @usableFromInline static let fix0_899976223: Int32 = 7373
    @usableFromInline static let fix1_175875602: Int32 = 9633
    @usableFromInline static let fix1_501321110: Int32 = 12299
    @usableFromInline static let fix1_847759065: Int32 = 15137
    @usableFromInline static let fix1_961570560: Int32 = 16069
    @usableFromInline static let fix2_053119869: Int32 = 16819
    @usableFromInline static let fix2_562915447: Int32 = 20995
    @usableFromInline static let fix3_072711026: Int32 = 25172

    /// Dequantizes `coefficients` (natural order) with `quantization` and writes the 8×8
    /// samples to `output` (row stride `stride`), one column or row at a time.
    static func scalarInverseDCT(_ coefficients: UnsafePointer<Int16>, _ quantization: UnsafePointer<Int32>,
                           _ output: UnsafeMutablePointer<UInt8>, stride: Int) {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 64) { workspace in
            let ws = workspace.baseAddress!
            // Pass 1: columns, results scaled up by 2^2 (PASS1_BITS).
            for column in 0..<8 {
                let c = coefficients + column, q = quantization + column, w = ws + column
                if c[8] == 0 && c[16] == 0 && c[24] == 0 && c[32] == 0 && c[40] == 0 && c[48] == 0 && c[56] == 0 {
                    let dc = (Int32(c[0]) &* q[0]) << 2
                    for row in 0..<8 { w[row &* 8] = dc }
                    continue
                }
                var z2 = Int32(c[16]) &* q[16], z3 = Int32(c[48]) &* q[48]
                var z1 = (z2 &+ z3) &* fix0_541196100
                var tmp2 = z1 &- z3 &* fix1_847759065
                var tmp3 = z1 &+ z2 &* fix0_765366865
                z2 = Int32(c[0]) &* q[0]
                z3 = Int32(c[32]) &* q[32]
                var tmp0 = (z2 &+ z3) << 13
                var tmp1 = (z2 &- z3) << 13
                let tmp10 = tmp0 &+ tmp3, tmp13 = tmp0 &- tmp3
                let tmp11 = tmp1 &+ tmp2, tmp12 = tmp1 &- tmp2

                tmp0 = Int32(c[56]) &* q[56]
                tmp1 = Int32(c[40]) &* q[40]
                tmp2 = Int32(c[24]) &* q[24]
                tmp3 = Int32(c[8]) &* q[8]
                z1 = tmp0 &+ tmp3
                z2 = tmp1 &+ tmp2
                z3 = tmp0 &+ tmp2
                var z4 = tmp1 &+ tmp3
                let z5 = (z3 &+ z4) &* fix1_175875602
                tmp0 = tmp0 &* fix0_298631336
                tmp1 = tmp1 &* fix2_053119869
                tmp2 = tmp2 &* fix3_072711026
                tmp3 = tmp3 &* fix1_501321110
                z1 = 0 &- z1 &* fix0_899976223
                z2 = 0 &- z2 &* fix2_562915447
                z3 = z5 &- z3 &* fix1_961570560
                z4 = z5 &- z4 &* fix0_390180644
                tmp0 = tmp0 &+ z1 &+ z3
                tmp1 = tmp1 &+ z2 &+ z4
                tmp2 = tmp2 &+ z2 &+ z3
                tmp3 = tmp3 &+ z1 &+ z4

                let round: Int32 = 1 << 10
                w[0] = (tmp10 &+ tmp3 &+ round) >> 11
                w[56] = (tmp10 &- tmp3 &+ round) >> 11
                w[8] = (tmp11 &+ tmp2 &+ round) >> 11
                w[48] = (tmp11 &- tmp2 &+ round) >> 11
                w[16] = (tmp12 &+ tmp1 &+ round) >> 11
                w[40] = (tmp12 &- tmp1 &+ round) >> 11
                w[24] = (tmp13 &+ tmp0 &+ round) >> 11
                w[32] = (tmp13 &- tmp0 &+ round) >> 11
            }
            // Pass 2: rows, removing the 2^2 and the factor 8 of the 2-D transform.
            for row in 0..<8 {
                let w = ws + row &* 8
                let out = output + row &* stride
                if w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0 {
                    let value = clampSample((w[0] &+ 16) >> 5)
                    for x in 0..<8 { out[x] = value }
                    continue
                }
                var z2 = w[2], z3 = w[6]
                var z1 = (z2 &+ z3) &* fix0_541196100
                var tmp2 = z1 &- z3 &* fix1_847759065
                var tmp3 = z1 &+ z2 &* fix0_765366865
                var tmp0 = (w[0] &+ w[4]) << 13
                var tmp1 = (w[0] &- w[4]) << 13
                let tmp10 = tmp0 &+ tmp3, tmp13 = tmp0 &- tmp3
                let tmp11 = tmp1 &+ tmp2, tmp12 = tmp1 &- tmp2

                tmp0 = w[7]; tmp1 = w[5]; tmp2 = w[3]; tmp3 = w[1]
                z1 = tmp0 &+ tmp3
                z2 = tmp1 &+ tmp2
                z3 = tmp0 &+ tmp2
                var z4 = tmp1 &+ tmp3
                let z5 = (z3 &+ z4) &* fix1_175875602
                tmp0 = tmp0 &* fix0_298631336
                tmp1 = tmp1 &* fix2_053119869
                tmp2 = tmp2 &* fix3_072711026
                tmp3 = tmp3 &* fix1_501321110
                z1 = 0 &- z1 &* fix0_899976223
                z2 = 0 &- z2 &* fix2_562915447
                z3 = z5 &- z3 &* fix1_961570560
                z4 = z5 &- z4 &* fix0_390180644
                tmp0 = tmp0 &+ z1 &+ z3
                tmp1 = tmp1 &+ z2 &+ z4
                tmp2 = tmp2 &+ z2 &+ z3
                tmp3 = tmp3 &+ z1 &+ z4

                let round: Int32 = 1 << 17
                out[0] = clampSample((tmp10 &+ tmp3 &+ round) >> 18)
                out[7] = clampSample((tmp10 &- tmp3 &+ round) >> 18)
                out[1] = clampSample((tmp11 &+ tmp2 &+ round) >> 18)
                out[6] = clampSample((tmp11 &- tmp2 &+ round) >> 18)
                out[2] = clampSample((tmp12 &+ tmp1 &+ round) >> 18)
                out[5] = clampSample((tmp12 &- tmp1 &+ round) >> 18)
                out[3] = clampSample((tmp13 &+ tmp0 &+ round) >> 18)
                out[4] = clampSample((tmp13 &- tmp0 &+ round) >> 18)
            }
        }
    }

    /// Level shift and range limit: x + 128 clamped to 0...255.
    @inline(__always) static func clampSample(_ x: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(x &+ 128, 0), 255))
    }

    /// T.81 A.3.3 evaluated directly in double precision and rounded: the reference the fast
    /// IDCT is tested against (equal within 1 for ordinary coefficient ranges).
    static func naiveInverseDCT(_ coefficients: [Int16], _ quantization: [Int32]) -> [UInt8] {
        precondition(coefficients.count == 64 && quantization.count == 64)
        // basis[x][u] = C(u) · cos((2x + 1)uπ / 16), C(0) = 1/√2, else 1.
        var basis = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 8)
        for x in 0..<8 {
            for u in 0..<8 {
                let scale: Double = u == 0 ? 1 / 2.0.squareRoot() : 1.0
                let angle = Double((2 * x + 1) * u) * Double.pi / 16
                basis[x][u] = scale * cosine(angle)
            }
        }
        var out = [UInt8](repeating: 0, count: 64)
        for y in 0..<8 {
            for x in 0..<8 {
                var sum = 0.0
                for v in 0..<8 {
                    for u in 0..<8 {
                        let f = Double(coefficients[v * 8 + u]) * Double(quantization[v * 8 + u])
                        sum += basis[x][u] * basis[y][v] * f
                    }
                }
                let value = (sum / 4).rounded() + 128
                out[y * 8 + x] = UInt8(min(max(value, 0), 255))
            }
        }
        return out
    }

    /// cos(x) by its Taylor series after reduction to [-π, π] (Codecs does not link libm).
    static func cosine(_ x: Double) -> Double {
        var r = x.truncatingRemainder(dividingBy: 2 * Double.pi)
        if r > Double.pi { r -= 2 * Double.pi }
        if r < -Double.pi { r += 2 * Double.pi }
        var term = 1.0, sum = 1.0
        let r2 = r * r
        for n in stride(from: 2, through: 40, by: 2) {
            term *= -r2 / Double((n - 1) * n)
            sum += term
        }
        return sum
    }
}
