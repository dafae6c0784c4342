// WinogradTransforms: the three one-dimensional transforms of Winograd's minimal filtering
// algorithm F(4, 3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016)
// with interpolation points 0, ±1, ±2, ∞. The 2-D F(4×4, 3×3) applies each twice (rows, then
// columns): Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for a 6×6 input tile d and a 3×3 filter g. Each
// transform acts on eight independent problems at once (one SIMD lane each). Also the in-lane
// transposes that turn 4-strided tiles into lanes and back. Used by Winograd.swift.

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

    /// The order of the eight tiles of a block in the lanes of a transform: lane l holds tile
    /// `tileOfLane[l]` (what the in-lane 4×4 transposes below produce without crossing lanes).
    static let tileOfLane = [0, 2, 4, 6, 1, 3, 5, 7]

    /// Transposes the 4×4 blocks in each 128-bit half of (r0, r1, r2, r3): with rk holding
    /// tiles 2k and 2k+1 (four samples each, 32 consecutive floats), result q holds sample q of
    /// the eight tiles in `tileOfLane` order; applied to such results it gives the rows back.
    @inline(__always)
    static func transposeQuads(_ r0: WinogradVector, _ r1: WinogradVector, _ r2: WinogradVector,
                               _ r3: WinogradVector)
        -> (WinogradVector, WinogradVector, WinogradVector, WinogradVector) {
        let t0 = WinogradVector(r0[0], r1[0], r0[1], r1[1], r0[4], r1[4], r0[5], r1[5])
        let t1 = WinogradVector(r0[2], r1[2], r0[3], r1[3], r0[6], r1[6], r0[7], r1[7])
        let t2 = WinogradVector(r2[0], r3[0], r2[1], r3[1], r2[4], r3[4], r2[5], r3[5])
        let t3 = WinogradVector(r2[2], r3[2], r2[3], r3[3], r2[6], r3[6], r2[7], r3[7])
        return (WinogradVector(t0[0], t0[1], t2[0], t2[1], t0[4], t0[5], t2[4], t2[5]),
                WinogradVector(t0[2], t0[3], t2[2], t2[3], t0[6], t0[7], t2[6], t2[7]),
                WinogradVector(t1[0], t1[1], t3[0], t3[1], t1[4], t1[5], t3[4], t3[5]),
                WinogradVector(t1[2], t1[3], t3[2], t3[3], t1[6], t1[7], t3[6], t3[7]))
    }

    /// Samples 0…3 of the eight 4-strided tiles whose first samples are p[0], p[4], …, p[28], lanes
    /// in `tileOfLane` order.
    @inline(__always)
    static func quadLanes(_ p: UnsafePointer<Float>)
        -> (WinogradVector, WinogradVector, WinogradVector, WinogradVector) {
        transposeQuads(p.vector(at: 0), p.vector(at: 8), p.vector(at: 16), p.vector(at: 24))
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
