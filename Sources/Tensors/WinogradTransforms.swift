// WinogradTransforms: the three one-dimensional transforms of Winograd's minimal filtering
// algorithm F(4, 3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016)
// with interpolation points 0, ±1, ±2, ∞. The 2-D F(4×4, 3×3) applies each twice (rows, then
// columns): Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for a 6×6 input tile d and a 3×3 filter g. Each
// transform acts on eight independent problems at once (one SIMD lane each). Also the two lane
// shuffles that turn 4-strided tiles into lanes and back. Used by Winograd.swift.

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

    /// The 32 floats at p as four lanes vectors of stride 4: result q holds p[4j + q], j = 0…7
    /// (sample q of eight consecutive 4-strided tiles).
    @inline(__always)
    static func strideFourLanes(_ p: UnsafePointer<Float>)
        -> (WinogradVector, WinogradVector, WinogradVector, WinogradVector) {
        let low = SIMD16(lowHalf: p.vector(at: 0), highHalf: p.vector(at: 8))
        let high = SIMD16(lowHalf: p.vector(at: 16), highHalf: p.vector(at: 24))
        let lowEven = low.evenHalf, lowOdd = low.oddHalf
        let highEven = high.evenHalf, highOdd = high.oddHalf
        return (WinogradVector(lowHalf: lowEven.evenHalf, highHalf: highEven.evenHalf),
                WinogradVector(lowHalf: lowOdd.evenHalf, highHalf: highOdd.evenHalf),
                WinogradVector(lowHalf: lowEven.oddHalf, highHalf: highEven.oddHalf),
                WinogradVector(lowHalf: lowOdd.oddHalf, highHalf: highOdd.oddHalf))
    }

    /// The inverse of `strideFourLanes`: writes p[4j + q] = yq[j] for j = 0…7, q = 0…3.
    @inline(__always)
    static func storeStrideFour(_ y0: WinogradVector, _ y1: WinogradVector, _ y2: WinogradVector,
                                _ y3: WinogradVector, to p: UnsafeMutablePointer<Float>) {
        let even01 = SIMD16(lowHalf: y0, highHalf: y1), even23 = SIMD16(lowHalf: y2, highHalf: y3)
        // Pairs (y0[j], y1[j]) and (y2[j], y3[j]) side by side, then the pairs side by side.
        let pairs01 = SIMD16(even01[0], even01[8], even01[1], even01[9], even01[2], even01[10], even01[3], even01[11],
                             even01[4], even01[12], even01[5], even01[13], even01[6], even01[14], even01[7], even01[15])
        let pairs23 = SIMD16(even23[0], even23[8], even23[1], even23[9], even23[2], even23[10], even23[3], even23[11],
                             even23[4], even23[12], even23[5], even23[13], even23[6], even23[14], even23[7], even23[15])
        for half in 0 ..< 4 {
            let k = 4 &* half
            let v = WinogradVector(pairs01[k], pairs01[k &+ 1], pairs23[k], pairs23[k &+ 1],
                                   pairs01[k &+ 2], pairs01[k &+ 3], pairs23[k &+ 2], pairs23[k &+ 3])
            p.setVector(v, at: 8 &* half)
        }
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
