// RandomWalk+Stencil: one application of the sparse transition operator, the hot loop of the
// random walk with more than 16 channels (IRNet §5, a factor of T^t; RandomWalk+Passes.swift).
// Pixel j of the output is Σ_n T[j + n, j] · x[j + n] over the stencil, for every channel.
// Channels are interleaved: each group of 8 channels is one plane of SIMD8 per pixel, so one
// broadcast weight feeds up to three vector multiply-adds. Two rows are computed together
// (RowPairTaps: most inputs loaded serve both), and two columns, for 12 independent sums. Inputs
// live in zero-padded planes (WalkLayout): off-map neighbours have weight 0, no bounds tests.
// Weights stored are 2·T; an output mode says what is written (power or Chebyshev step).

/// What a stencil pass writes for each pixel, given s = Σ 2·T[j + n, j] · x[j + n].
enum StencilOutput {
    /// out = s / 2 = (x·T)_j.
    case power
    /// out = s / 2, acc = c0 · x + c1 · out: the first two Chebyshev terms.
    case first(c0: Float, c1: Float)
    /// out = s − out (out held the term before x: T_{k+1} = 2·T·T_k − T_{k−1}), acc += c · out.
    case recurrence(c: Float)
}

struct StencilKernel: Sendable, StencilVectors {
    /// Input offsets (in floats, from the output pixel of row A) of the taps: onlyA, onlyB, both.
    let offsets: [Int]
    let both: Int, onlyA: Int, onlyB: Int
    /// Floats from a pixel to the pixel below it.
    let rowFloats: Int
    /// Weights per row pair and column: one per single-row tap, two per shared tap.
    let weightsPerColumn: Int

    init(taps: RowPairTaps, layout: WalkLayout) {
        let rowFloats = layout.rowStride &* 8
        offsets = (taps.onlyA + taps.onlyB + taps.both).map { $0.dy * rowFloats + $0.dx * 8 }
        both = taps.both.count
        onlyA = taps.onlyA.count
        onlyB = taps.onlyB.count
        self.rowFloats = rowFloats
        weightsPerColumn = taps.vectorsPerBlock
    }

    /// Writes the output of one pixel of one channel group (float offset `i` in its plane).
    @inline(__always)
    static func finish(_ s: SIMD8<Float>, _ i: Int, _ x: UnsafePointer<Float>,
                       _ out: UnsafeMutablePointer<Float>, _ acc: UnsafeMutablePointer<Float>,
                       _ mode: StencilOutput) {
        switch mode {
        case .power:
            store(s * 0.5, out + i)
        case let .first(c0, c1):
            let v = s * 0.5
            store(v, out + i)
            store(SIMD8(repeating: c0) * load(x + i) + SIMD8(repeating: c1) * v, acc + i)
        case let .recurrence(c):
            let v = s - load(out + i)
            store(v, out + i)
            if c != 0 { store(load(acc + i) + SIMD8(repeating: c) * v, acc + i) }
        }
    }

    /// One pass over the row pairs `rowPairs` of every channel group: reads `x`, writes `out`
    /// (and `acc`, per `mode`). `weights` is the packed 2·T of RandomWalk+Weights.swift.
    func step(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
              _ acc: UnsafeMutablePointer<Float>, rowPairs: Range<Int>, layout: WalkLayout,
              weights: UnsafePointer<Float>, offsets: UnsafeBufferPointer<Int>, mode: StencilOutput) {
        let plane = layout.planeStride, width = layout.width
        let offset = offsets.baseAddress!
        let pairWeights = width &* weightsPerColumn
        for pair in rowPairs {
            let start = layout.index(row: 2 &* pair, column: 0)
            let w = weights + pair &* pairWeights
            var g = 0
            while g &+ 3 <= layout.groups {
                let base = g &* plane
                threeGroups(x + base, out + base, acc + base, plane: plane, start: start, width: width,
                            weights: w, offsets: offset, mode: mode)
                g &+= 3
            }
            while g < layout.groups {
                let base = g &* plane
                oneGroup(x + base, out + base, acc + base, start: start, width: width,
                         weights: w, offsets: offset, mode: mode)
                g &+= 1
            }
        }
    }

    /// Three channel groups (24 channels), two columns of the row pair at a time: 12 sums, enough
    /// independent multiply-add chains to hide their latency. An odd last column goes alone.
    @inline(__always)
    func threeGroups(_ x0: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                     _ acc: UnsafeMutablePointer<Float>, plane: Int, start: Int, width: Int,
                     weights: UnsafePointer<Float>, offsets: UnsafePointer<Int>, mode: StencilOutput) {
        let x1 = x0 + plane, x2 = x1 + plane
        let onlyA = self.onlyA, singles = onlyA &+ onlyB, all = singles &+ both
        let next = weightsPerColumn
        var column = 0
        while column &+ 2 <= width {
            let i = start &+ column &* 8
            var w = weights + column &* next
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>()
            var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>()
            var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
            var d0 = SIMD8<Float>(), d1 = SIMD8<Float>(), d2 = SIMD8<Float>()
            for t in 0..<onlyA {
                let k = i &+ offsets[t], l = k &+ 8
                let wa = SIMD8<Float>(repeating: w[0]), wc = SIMD8<Float>(repeating: w[next])
                w += 1
                Self.accumulate(&a0, wa, Self.load(x0 + k))
                Self.accumulate(&a1, wa, Self.load(x1 + k))
                Self.accumulate(&a2, wa, Self.load(x2 + k))
                Self.accumulate(&c0, wc, Self.load(x0 + l))
                Self.accumulate(&c1, wc, Self.load(x1 + l))
                Self.accumulate(&c2, wc, Self.load(x2 + l))
            }
            for t in onlyA..<singles {
                let k = i &+ offsets[t], l = k &+ 8
                let wb = SIMD8<Float>(repeating: w[0]), wd = SIMD8<Float>(repeating: w[next])
                w += 1
                Self.accumulate(&b0, wb, Self.load(x0 + k))
                Self.accumulate(&b1, wb, Self.load(x1 + k))
                Self.accumulate(&b2, wb, Self.load(x2 + k))
                Self.accumulate(&d0, wd, Self.load(x0 + l))
                Self.accumulate(&d1, wd, Self.load(x1 + l))
                Self.accumulate(&d2, wd, Self.load(x2 + l))
            }
            for t in singles..<all {
                let k = i &+ offsets[t], l = k &+ 8
                do {
                    let wa = SIMD8<Float>(repeating: w[0]), wb = SIMD8<Float>(repeating: w[1])
                    let u0 = Self.load(x0 + k)
                    Self.accumulate(&a0, wa, u0)
                    Self.accumulate(&b0, wb, u0)
                    let u1 = Self.load(x1 + k)
                    Self.accumulate(&a1, wa, u1)
                    Self.accumulate(&b1, wb, u1)
                    let u2 = Self.load(x2 + k)
                    Self.accumulate(&a2, wa, u2)
                    Self.accumulate(&b2, wb, u2)
                }
                do {
                    let wc = SIMD8<Float>(repeating: w[next]), wd = SIMD8<Float>(repeating: w[next &+ 1])
                    let v0 = Self.load(x0 + l)
                    Self.accumulate(&c0, wc, v0)
                    Self.accumulate(&d0, wd, v0)
                    let v1 = Self.load(x1 + l)
                    Self.accumulate(&c1, wc, v1)
                    Self.accumulate(&d1, wd, v1)
                    let v2 = Self.load(x2 + l)
                    Self.accumulate(&c2, wc, v2)
                    Self.accumulate(&d2, wd, v2)
                }
                w += 2
            }
            let j = i &+ rowFloats
            Self.finish(a0, i, x0, out, acc, mode)
            Self.finish(b0, j, x0, out, acc, mode)
            Self.finish(c0, i &+ 8, x0, out, acc, mode)
            Self.finish(d0, j &+ 8, x0, out, acc, mode)
            Self.finish(a1, i &+ plane, x0, out, acc, mode)
            Self.finish(b1, j &+ plane, x0, out, acc, mode)
            Self.finish(c1, i &+ (plane &+ 8), x0, out, acc, mode)
            Self.finish(d1, j &+ (plane &+ 8), x0, out, acc, mode)
            let plane2 = 2 &* plane
            Self.finish(a2, i &+ plane2, x0, out, acc, mode)
            Self.finish(b2, j &+ plane2, x0, out, acc, mode)
            Self.finish(c2, i &+ (plane2 &+ 8), x0, out, acc, mode)
            Self.finish(d2, j &+ (plane2 &+ 8), x0, out, acc, mode)
            column &+= 2
        }
        if column < width {
            lastColumn(x0, out, acc, plane: plane, i: start &+ column &* 8,
                       weights: weights + column &* next, offsets: offsets, mode: mode)
        }
    }

    /// Three channel groups, one column: 6 sums.
    @inline(never)
    func lastColumn(_ x0: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                    _ acc: UnsafeMutablePointer<Float>, plane: Int, i: Int,
                    weights: UnsafePointer<Float>, offsets: UnsafePointer<Int>, mode: StencilOutput) {
        let x1 = x0 + plane, x2 = x1 + plane
        let onlyA = self.onlyA, singles = onlyA &+ onlyB, all = singles &+ both
        var w = weights
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>()
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>()
        for t in 0..<onlyA {
            let k = i &+ offsets[t]
            let wa = SIMD8<Float>(repeating: w[0])
            w += 1
            Self.accumulate(&a0, wa, Self.load(x0 + k))
            Self.accumulate(&a1, wa, Self.load(x1 + k))
            Self.accumulate(&a2, wa, Self.load(x2 + k))
        }
        for t in onlyA..<singles {
            let k = i &+ offsets[t]
            let wb = SIMD8<Float>(repeating: w[0])
            w += 1
            Self.accumulate(&b0, wb, Self.load(x0 + k))
            Self.accumulate(&b1, wb, Self.load(x1 + k))
            Self.accumulate(&b2, wb, Self.load(x2 + k))
        }
        for t in singles..<all {
            let k = i &+ offsets[t]
            let wa = SIMD8<Float>(repeating: w[0]), wb = SIMD8<Float>(repeating: w[1])
            w += 2
            let u0 = Self.load(x0 + k), u1 = Self.load(x1 + k), u2 = Self.load(x2 + k)
            Self.accumulate(&a0, wa, u0)
            Self.accumulate(&b0, wb, u0)
            Self.accumulate(&a1, wa, u1)
            Self.accumulate(&b1, wb, u1)
            Self.accumulate(&a2, wa, u2)
            Self.accumulate(&b2, wb, u2)
        }
        let j = i &+ rowFloats
        Self.finish(a0, i, x0, out, acc, mode)
        Self.finish(b0, j, x0, out, acc, mode)
        Self.finish(a1, i &+ plane, x0, out, acc, mode)
        Self.finish(b1, j &+ plane, x0, out, acc, mode)
        Self.finish(a2, i &+ 2 &* plane, x0, out, acc, mode)
        Self.finish(b2, j &+ 2 &* plane, x0, out, acc, mode)
    }

    /// One channel group, two columns of the row pair at a time (the second may be the padding
    /// column right of the map, whose weights are 0): 4 sums.
    @inline(__always)
    func oneGroup(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                  _ acc: UnsafeMutablePointer<Float>, start: Int, width: Int,
                  weights: UnsafePointer<Float>, offsets: UnsafePointer<Int>, mode: StencilOutput) {
        let onlyA = self.onlyA, singles = onlyA &+ onlyB, all = singles &+ both
        let next = weightsPerColumn
        var column = 0
        while column < width {
            let i = start &+ column &* 8
            let paired = column &+ 1 < width
            var w = weights + column &* next
            // The second column's weights, or the first column's again when there is none
            // (its sums are then discarded).
            let step = paired ? next : 0
            var a = SIMD8<Float>(), b = SIMD8<Float>(), c = SIMD8<Float>(), d = SIMD8<Float>()
            for t in 0..<onlyA {
                let k = i &+ offsets[t]
                Self.accumulate(&a, SIMD8(repeating: w[0]), Self.load(x + k))
                Self.accumulate(&c, SIMD8(repeating: w[step]), Self.load(x + (k &+ 8)))
                w += 1
            }
            for t in onlyA..<singles {
                let k = i &+ offsets[t]
                Self.accumulate(&b, SIMD8(repeating: w[0]), Self.load(x + k))
                Self.accumulate(&d, SIMD8(repeating: w[step]), Self.load(x + (k &+ 8)))
                w += 1
            }
            for t in singles..<all {
                let k = i &+ offsets[t]
                let u = Self.load(x + k), v = Self.load(x + (k &+ 8))
                Self.accumulate(&a, SIMD8(repeating: w[0]), u)
                Self.accumulate(&b, SIMD8(repeating: w[1]), u)
                Self.accumulate(&c, SIMD8(repeating: w[step]), v)
                Self.accumulate(&d, SIMD8(repeating: w[step &+ 1]), v)
                w += 2
            }
            let j = i &+ rowFloats
            Self.finish(a, i, x, out, acc, mode)
            Self.finish(b, j, x, out, acc, mode)
            if paired {
                Self.finish(c, i &+ 8, x, out, acc, mode)
                Self.finish(d, j &+ 8, x, out, acc, mode)
            }
            column &+= 2
        }
    }
}
