// RandomWalk+Step: one application x ← x·T of the sparse transition matrix, the hot loop of the
// random walk (IRNet §5, one factor of T^t, applied 2^exp_times times by RandomWalk.walk).
// Output pixel j = Σ_n T[j + n, j] · x[j + n] over the stencil. Two rows are computed together so
// each input vector loaded serves both (RowPairTaps), channels are grouped by 4, 2 or 1 so each
// weight vector loaded serves several, and SIMD runs over 8 or 16 consecutive columns. Inputs
// live in zero-padded planes (WalkLayout): off-map neighbours read 0 with weight 0, no bounds
// tests. Every output is summed in the same tap order whatever the grouping or thread split.

struct StepKernel: Sendable {
    /// Input offsets of the taps relative to the output pixel of row A: onlyA, onlyB, both.
    let offsets: [Int]
    let both: Int, onlyA: Int, onlyB: Int
    let rowStride: Int

    init(taps: RowPairTaps, rowStride: Int) {
        offsets = (taps.onlyA + taps.onlyB + taps.both).map { $0.dy * rowStride + $0.dx }
        both = taps.both.count
        onlyA = taps.onlyA.count
        onlyB = taps.onlyB.count
        self.rowStride = rowStride
    }

    var vectorsPerBlock: Int { 2 * both + onlyA + onlyB }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// sum += a · b: fused in native builds (one rounding, one instruction with FMA hardware),
    /// a separate multiply and add in portable builds, where a fused one would be emulated.
    @inline(__always)
    static func accumulate(_ sum: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
        #if IRN_PORTABLE
        sum += a * b
        #else
        sum.addProduct(a, b)
        #endif
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Writes rows 2p and 2p + 1 of every channel of `output` = `input`·T for p in `rowPairs`.
    func step(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
              rowPairs: Range<Int>, layout: WalkLayout, weights: UnsafePointer<Float>,
              offsets: UnsafeBufferPointer<Int>) {
        let channels = layout.count / layout.planeStride
        let plane = layout.planeStride
        let blocks = (rowStride - 2 * layout.margin) / 8
        let pairWeights = blocks &* vectorsPerBlock &* 8
        let offset = offsets.baseAddress!
        for pair in rowPairs {
            let start = layout.index(channel: 0, row: 2 &* pair, column: 0)
            let w = weights + pair &* pairWeights
            var c = 0
            while c &+ 4 <= channels {
                fourChannels(input + c &* plane, output + c &* plane, plane: plane, start: start,
                             blocks: blocks, weights: w, offsets: offset)
                c &+= 4
            }
            if c &+ 2 <= channels {
                twoChannels(input + c &* plane, output + c &* plane, plane: plane, start: start,
                            blocks: blocks, weights: w, offsets: offset)
                c &+= 2
            }
            if c < channels {
                oneChannel(input + c &* plane, output + c &* plane, start: start, blocks: blocks,
                           weights: w, offsets: offset)
            }
        }
    }

    /// Four channels, one 8-column block at a time: 8 sums (4 channels × 2 rows).
    @inline(__always)
    func fourChannels(_ x0: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, plane: Int,
                      start: Int, blocks: Int, weights: UnsafePointer<Float>,
                      offsets: UnsafePointer<Int>) {
        let x1 = x0 + plane, x2 = x1 + plane, x3 = x2 + plane
        let onlyA = self.onlyA, singles = onlyA &+ onlyB, all = singles &+ both
        var w = weights
        for block in 0..<blocks {
            let column = start &+ block &* 8
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
            for t in 0..<onlyA {
                let i = column &+ offsets[t]
                let wa = Self.load(w)
                w += 8
                Self.accumulate(&a0, wa, Self.load(x0 + i))
                Self.accumulate(&a1, wa, Self.load(x1 + i))
                Self.accumulate(&a2, wa, Self.load(x2 + i))
                Self.accumulate(&a3, wa, Self.load(x3 + i))
            }
            for t in onlyA..<singles {
                let i = column &+ offsets[t]
                let wb = Self.load(w)
                w += 8
                Self.accumulate(&b0, wb, Self.load(x0 + i))
                Self.accumulate(&b1, wb, Self.load(x1 + i))
                Self.accumulate(&b2, wb, Self.load(x2 + i))
                Self.accumulate(&b3, wb, Self.load(x3 + i))
            }
            for t in singles..<all {
                let i = column &+ offsets[t]
                let wa = Self.load(w), wb = Self.load(w + 8)
                w += 16
                let v0 = Self.load(x0 + i), v1 = Self.load(x1 + i)
                let v2 = Self.load(x2 + i), v3 = Self.load(x3 + i)
                Self.accumulate(&a0, wa, v0)
                Self.accumulate(&b0, wb, v0)
                Self.accumulate(&a1, wa, v1)
                Self.accumulate(&b1, wb, v1)
                Self.accumulate(&a2, wa, v2)
                Self.accumulate(&b2, wb, v2)
                Self.accumulate(&a3, wa, v3)
                Self.accumulate(&b3, wb, v3)
            }
            let out = y + column, below = out + rowStride
            Self.store(a0, out)
            Self.store(b0, below)
            Self.store(a1, out + plane)
            Self.store(b1, below + plane)
            Self.store(a2, out + 2 &* plane)
            Self.store(b2, below + 2 &* plane)
            Self.store(a3, out + 3 &* plane)
            Self.store(b3, below + 3 &* plane)
        }
    }

    /// Two channels, two 8-column blocks at a time: 8 sums (2 channels × 2 rows × 2 blocks).
    @inline(__always)
    func twoChannels(_ x0: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, plane: Int,
                     start: Int, blocks: Int, weights: UnsafePointer<Float>,
                     offsets: UnsafePointer<Int>) {
        let x1 = x0 + plane
        let onlyA = self.onlyA, singles = onlyA &+ onlyB, all = singles &+ both
        let next = vectorsPerBlock &* 8
        for block in stride(from: 0, to: blocks, by: 2) {
            let column = start &+ block &* 8
            var w = weights + block &* next
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), b0 = SIMD8<Float>(), b1 = SIMD8<Float>()
            var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), d0 = SIMD8<Float>(), d1 = SIMD8<Float>()
            for t in 0..<onlyA {
                let i = column &+ offsets[t]
                let wa = Self.load(w), wc = Self.load(w + next)
                w += 8
                Self.accumulate(&a0, wa, Self.load(x0 + i))
                Self.accumulate(&c0, wc, Self.load(x0 + (i &+ 8)))
                Self.accumulate(&a1, wa, Self.load(x1 + i))
                Self.accumulate(&c1, wc, Self.load(x1 + (i &+ 8)))
            }
            for t in onlyA..<singles {
                let i = column &+ offsets[t]
                let wb = Self.load(w), wd = Self.load(w + next)
                w += 8
                Self.accumulate(&b0, wb, Self.load(x0 + i))
                Self.accumulate(&d0, wd, Self.load(x0 + (i &+ 8)))
                Self.accumulate(&b1, wb, Self.load(x1 + i))
                Self.accumulate(&d1, wd, Self.load(x1 + (i &+ 8)))
            }
            for t in singles..<all {
                let i = column &+ offsets[t]
                let wa = Self.load(w), wb = Self.load(w + 8)
                let wc = Self.load(w + next), wd = Self.load(w + (next &+ 8))
                w += 16
                let u0 = Self.load(x0 + i), v0 = Self.load(x0 + (i &+ 8))
                let u1 = Self.load(x1 + i), v1 = Self.load(x1 + (i &+ 8))
                Self.accumulate(&a0, wa, u0)
                Self.accumulate(&b0, wb, u0)
                Self.accumulate(&c0, wc, v0)
                Self.accumulate(&d0, wd, v0)
                Self.accumulate(&a1, wa, u1)
                Self.accumulate(&b1, wb, u1)
                Self.accumulate(&c1, wc, v1)
                Self.accumulate(&d1, wd, v1)
            }
            let out = y + column, below = out + rowStride
            Self.store(a0, out)
            Self.store(c0, out + 8)
            Self.store(b0, below)
            Self.store(d0, below + 8)
            Self.store(a1, out + plane)
            Self.store(c1, out + (plane &+ 8))
            Self.store(b1, below + plane)
            Self.store(d1, below + (plane &+ 8))
        }
    }

    /// One channel, two 8-column blocks at a time: 4 sums (2 rows × 2 blocks).
    @inline(__always)
    func oneChannel(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, start: Int,
                    blocks: Int, weights: UnsafePointer<Float>, offsets: UnsafePointer<Int>) {
        let onlyA = self.onlyA, singles = onlyA &+ onlyB, all = singles &+ both
        let next = vectorsPerBlock &* 8
        for block in stride(from: 0, to: blocks, by: 2) {
            let column = start &+ block &* 8
            var w = weights + block &* next
            var a = SIMD8<Float>(), b = SIMD8<Float>(), c = SIMD8<Float>(), d = SIMD8<Float>()
            for t in 0..<onlyA {
                let i = column &+ offsets[t]
                Self.accumulate(&a, Self.load(w), Self.load(x + i))
                Self.accumulate(&c, Self.load(w + next), Self.load(x + (i &+ 8)))
                w += 8
            }
            for t in onlyA..<singles {
                let i = column &+ offsets[t]
                Self.accumulate(&b, Self.load(w), Self.load(x + i))
                Self.accumulate(&d, Self.load(w + next), Self.load(x + (i &+ 8)))
                w += 8
            }
            for t in singles..<all {
                let i = column &+ offsets[t]
                let u = Self.load(x + i), v = Self.load(x + (i &+ 8))
                Self.accumulate(&a, Self.load(w), u)
                Self.accumulate(&b, Self.load(w + 8), u)
                Self.accumulate(&c, Self.load(w + next), v)
                Self.accumulate(&d, Self.load(w + (next &+ 8)), v)
                w += 16
            }
            let out = y + column, below = out + rowStride
            Self.store(a, out)
            Self.store(c, out + 8)
            Self.store(b, below)
            Self.store(d, below + 8)
        }
    }
}
