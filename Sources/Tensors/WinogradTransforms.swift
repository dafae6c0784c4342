// WinogradTransforms: the three one-dimensional transforms of Winograd's minimal filtering
// algorithm F(4, 3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016)
// with interpolation points 0, ±1, ±2, ∞. The 2-D F(4×4, 3×3) applies each twice (rows, then
// columns): Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for a 6×6 input tile d and a 3×3 filter g. Each
// transform acts on eight independent problems at once (one SIMD lane each). Also the shuffles
// that turn 4-strided tiles into lanes (even/odd splits) and back. Used by Winograd.swift.

/// Eight lanes: eight tiles (or channels) transformed together.
@usableFromInline typealias WinogradVector = SIMD8<Float>

enum WinogradTransform {
    /// Output tile side (m), input tile side (m + r − 1) and the number of transformed
    /// positions ξ (36 products per tile instead of 144 multiply-adds).
    static let outputSide = 4, inputSide = 6, positions = 36

    /// Bᵀ·d: the input transform of six consecutive samples d0…d5, rows of
    ///     Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1].
    @inline(__always)
    static func input(_ d0: WinogradVector, _ d1: WinogradVector, _ d2: WinogradVector,
                      _ d3: WinogradVector, _ d4: WinogradVector, _ d5: WinogradVector)
        -> (WinogradVector, WinogradVector, WinogradVector, WinogradVector, WinogradVector, WinogradVector) {
        let four: WinogradVector = WinogradVector(repeating: 4), five = WinogradVector(repeating: 5)
        let two = WinogradVector(repeating: 2)
        let v0 = four * d0 - five * d2 + d4
        let v1 = (d3 + d4) - four * (d1 + d2)
        let v2 = four * (d1 - d2) + (d4 - d3)
        let v3 = two * (d3 - d1) + (d4 - d2)
        let v4 = two * (d1 - d3) + (d4 - d2)
        let v5 = four * d1 - five * d3 + d5
        return (v0, v1, v2, v3, v4, v5)
    }

    /// Aᵀ·m: the output transform of six transformed products, rows of
    ///     Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].
    @inline(__always)
    static func output(_ m0: WinogradVector, _ m1: WinogradVector, _ m2: WinogradVector,
                       _ m3: WinogradVector, _ m4: WinogradVector, _ m5: WinogradVector)
        -> (WinogradVector, WinogradVector, WinogradVector, WinogradVector) {
        let a = m1 + m2, b = m1 - m2, c = m3 + m4, d = m3 - m4
        let y0 = m0 + a + c
        let y1 = b + WinogradVector(repeating: 2) * d
        let y2 = a + WinogradVector(repeating: 4) * c
        let y3 = b + WinogradVector(repeating: 8) * d + m5
        return (y0, y1, y2, y3)
    }

    /// G·g: the filter transform of three taps, rows of
    ///     G = [1/4 0 0; −1/6 −1/6 −1/6; −1/6 1/6 −1/6; 1/24 1/12 1/6; 1/24 −1/12 1/6; 0 0 1],
    /// in Double so the filter carries no rounding beyond its final conversion to Float.
    @inline(__always)
    static func filter(_ g0: SIMD8<Double>, _ g1: SIMD8<Double>, _ g2: SIMD8<Double>)
        -> (SIMD8<Double>, SIMD8<Double>, SIMD8<Double>, SIMD8<Double>, SIMD8<Double>, SIMD8<Double>) {
        let outer = g0 + g2
        let u0 = g0 / 4
        let u1 = -(outer + g1) / 6
        let u2 = -(outer - g1) / 6
        let even = g0 / 24 + g2 / 6, odd = g1 / 12
        return (u0, u1, u2, even + odd, even - odd, g2)
    }

    /// (Even, odd) elements of the 16 values a then b: the de-interleave the tile gathers are made of.
    @inline(__always)
    static func split(_ a: WinogradVector, _ b: WinogradVector) -> (WinogradVector, WinogradVector) {
        let both = SIMD16<Float>(lowHalf: a, highHalf: b)
        return (both.evenHalf, both.oddHalf)
    }

    /// The inverse of `split`: a[0], b[0], a[1], b[1], … as (first eight, last eight).
    @inline(__always)
    static func interleave(_ a: WinogradVector, _ b: WinogradVector) -> (WinogradVector, WinogradVector) {
        (WinogradVector(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]),
         WinogradVector(a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7]))
    }

    /// Samples 0…3 of the eight 4-strided tiles whose first samples are p[0], p[4], …, p[28]:
    /// result q holds sample q of tile t in lane t (two rounds of even/odd splits).
    @inline(never)
    static func quadLanes(_ p: UnsafePointer<Float>)
        -> (WinogradVector, WinogradVector, WinogradVector, WinogradVector) {
        let (even01, odd01) = split(p.vector(at: 0), p.vector(at: 8))
        let (even23, odd23) = split(p.vector(at: 16), p.vector(at: 24))
        let (s0, s2) = split(even01, even23)
        let (s1, s3) = split(odd01, odd23)
        return (s0, s1, s2, s3)
    }

    /// The inverse of `quadLanes`: from sample q of tile t in lane t of s_q, the 32 values of the
    /// eight tiles in row order (tiles 2k and 2k+1 in result k).
    @inline(never)
    static func quadRows(_ s0: WinogradVector, _ s1: WinogradVector, _ s2: WinogradVector, _ s3: WinogradVector)
        -> (WinogradVector, WinogradVector, WinogradVector, WinogradVector) {
        let (even01, even23) = interleave(s0, s2)
        let (odd01, odd23) = interleave(s1, s3)
        let (r0, r1) = interleave(even01, odd01)
        let (r2, r3) = interleave(even23, odd23)
        return (r0, r1, r2, r3)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Stores the first `count` lanes of v at elements 0 ..< count (all eight at once when count is 8).
    @inline(__always)
    func setLanes(_ v: WinogradVector, count: Int) {
        if count >= 8 {
            setVector(v, at: 0)
        } else {
            for lane in 0 ..< count { self[lane] = v[lane] }
        }
    }
}
