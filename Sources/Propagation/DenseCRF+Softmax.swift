// The normalisation step of dense CRF mean-field inference: Q_i(l) = exp(-E_i(l)) / Σ_l' exp(-E_i(l'))
// per pixel (Krähenbühl & Koltun, NeurIPS 2011, Algorithm 1, "normalize"), computed as densecrf
// does (subtract the pixel's maximum, exponentiate, divide by the sum). Pixels hold their labels
// in `stride` lanes; lanes past the label count carry -∞ and come out as exact zeros. The
// exponential is a SIMD8 Cephes-style polynomial (about 1 ulp), no libm call per label.
import Tensors

extension DenseCRF {
    /// e^x lane by lane for x ≤ 88 (inputs below -87.3 give 0; -∞ gives 0).
    @inline(__always)
    static func exponential(_ value: SIMD8<Float>) -> SIMD8<Float> {
        let low = SIMD8<Float>(repeating: -87.3), high = SIMD8<Float>(repeating: 88.3)
        let x = value.replacing(with: low, where: value .< low).replacing(with: high, where: value .> high)
        // x = n·ln2 + r with |r| ≤ ln2/2; n = round(x·log2 e) through the 1.5·2^23 trick (its
        // integer sits in the low mantissa bits); ln2 in two parts so n·ln2 is exact enough.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
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
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
        return (y * scale).replacing(with: 0, where: value .< low)
    }

    /// Overwrites `energies` (N pixels × `stride` lanes of negative energies) with the
    /// per-pixel softmax over the first `labels` lanes; the other lanes become 0.
    static func normalise(_ energies: UnsafeMutablePointer<Float>, pixels: Int, stride: Int, labels: Int) {
        precondition(stride % 8 == 0 && labels >= 1 && labels <= stride)
        let blocks = stride / 8
        // Per block: 0 on label lanes and -∞ on padding lanes (added before the maximum), and
        // 1 / 0 (multiplied after the exponential).
        var offsets = [SIMD8<Float>](repeating: .zero, count: blocks)
        var keep = [SIMD8<Float>](repeating: .zero, count: blocks)
        for l in 0 ..< stride {
            offsets[l / 8][l % 8] = l < labels ? 0 : -.infinity
            keep[l / 8][l % 8] = l < labels ? 1 : 0
        }
        offsets.withUnsafeBufferPointer { offsets in
        keep.withUnsafeBufferPointer { keep in
        forEachChunk(count: pixels, costPerItem: 4 * stride, maxChunks: 32, threshold: 1 << 16) { range in
            for i in range {
                let row = energies + i &* stride
                var highest = SIMD8<Float>(repeating: -.infinity)
                for b in 0 ..< blocks {
                    let v = row.loadLanes(at: 8 &* b) + offsets[b]
                    highest = highest.replacing(with: v, where: v .> highest)
                }
                var top = highest[0]
                for j in 1 ..< 8 where highest[j] > top { top = highest[j] }
                var sums = SIMD8<Float>()
                for b in 0 ..< blocks {
                    let e = exponential(row.loadLanes(at: 8 &* b) - top) * keep[b]
                    sums += e
                    row.storeLanes(e, at: 8 &* b)
                }
                var total: Float = 0
                for j in 0 ..< 8 { total += sums[j] }
                for b in 0 ..< blocks {
                    row.storeLanes(row.loadLanes(at: 8 &* b) / total, at: 8 &* b)
                }
            }
        }
        }}
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always) fileprivate func loadLanes(at i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(self + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) fileprivate func storeLanes(_ value: SIMD8<Float>, at i: Int) {
        UnsafeMutableRawPointer(self + i).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
