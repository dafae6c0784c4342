// The normalisation step of dense CRF mean-field inference: Q_i(l) = exp(-E_i(l)) / Σ_l' exp(-E_i(l'))
// per pixel (Krähenbühl & Koltun, NeurIPS 2011, Algorithm 1, "normalize"), computed as densecrf
// does (subtract the pixel's maximum, exponentiate, divide by the sum). Pixels hold their labels
// in `stride` lanes; lanes past the label count carry -∞ and come out as exact zeros. The
// exponential is a SIMD8 Cephes-style polynomial (about 1 ulp), no libm call per label.

extension DenseCRF {
    /// e^x lane by lane for x ≤ 88 (inputs below -87.3 give 0; -∞ gives 0).
    @inline(__always)
    static func exponential(_ value: SIMD8<Float>) -> SIMD8<Float> {
        let x = value.clamped(lowerBound: SIMD8(repeating: -87.3), upperBound: SIMD8(repeating: 88.3))
        // x = n·ln2 + r with |r| ≤ ln2/2; ln2 split in two parts so n·ln2 is exact enough.
        let n = (x * 1.442_695_04 + 0.5).rounded(.down)
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        let r2 = r * r
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * r2 + r + 1
        // 2^n through the exponent bits (n stays in -126...128 after the clamp).
        let bits = (SIMD8<Int32>(n) &+ 127) &<< 23
        let scale = unsafeBitCast(bits, to: SIMD8<Float>.self)
        return (y * scale).replacing(with: 0, where: value .< -87.3)
    }

    /// Overwrites `energies` (N pixels × `stride` lanes of negative energies) with the
    /// per-pixel softmax over the first `labels` lanes; the other lanes become 0.
    static func normalise(_ energies: UnsafeMutablePointer<Float>, pixels: Int, stride: Int, labels: Int) {
        precondition(stride % 8 == 0 && labels >= 1 && labels <= stride)
        let blocks = stride / 8
        let lane = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        forEachLatticeChunk(count: pixels, costPerItem: 4 * stride) { range in
            for i in range {
                let row = energies + i &* stride
                var highest = -Float.infinity
                for b in 0 ..< blocks {
                    let v = UnsafeRawPointer(row + 8 &* b).loadUnaligned(as: SIMD8<Float>.self)
                    let masked = v.replacing(with: -.infinity, where: lane &+ Int32(8 &* b) .>= Int32(labels))
                    highest = max(highest, masked.max())
                }
                var total: Float = 0
                for b in 0 ..< blocks {
                    let v = UnsafeRawPointer(row + 8 &* b).loadUnaligned(as: SIMD8<Float>.self)
                    var e = exponential(v - highest)
                    e.replace(with: 0, where: lane &+ Int32(8 &* b) .>= Int32(labels))
                    total += e.sum()
                    UnsafeMutableRawPointer(row + 8 &* b).storeBytes(of: e, as: SIMD8<Float>.self)
                }
                for b in 0 ..< blocks {
                    let e = UnsafeRawPointer(row + 8 &* b).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(row + 8 &* b).storeBytes(of: e / total, as: SIMD8<Float>.self)
                }
            }
        }
    }
}
