// PlanarStencil: one application of the symmetric walk operator S (IRNet §5, a factor of
// T^t in the form of RandomWalk+SymmetricWeights.swift) to channel planes — the hot loop of the
// random walk with few channels (the labels of one image walk 1-4 channels, rarely more).
// Output pixel j is Σ_n s(j, j + n) · x[j + n] over the stencil. SIMD8 runs along a row (8
// pixels), two rows go together (RowPairTaps: most inputs loaded serve both), and up to four
// planes or column blocks per iteration give up to 8 independent sums; the weights of a row
// pair are read once for every channel (channel groups are the inner loop). Each pair weight is
// stored once and read from both of its ends. Inputs are zero-padded planes (PlanarLayout).

/// The stencil in the planar geometry: per tap of a row pair, the input offset and the weight
/// offsets for row A and row B.
struct PlanarStencil: Sendable, StencilVectors {
    /// onlyA taps as (input, weight A), then onlyB taps as (input, weight B), then taps of both
    /// rows as (input, weight A, weight B); input offsets from row A's pixel in a channel plane,
    /// weight offsets from row A's pixel in SymmetricWeights.packed.
    let table: [Int]
    let onlyA: Int, onlyB: Int, both: Int
    /// The buffers' geometry (and channel count).
    var layout: PlanarLayout
    /// Floats from one row of weights to the next.
    let weightRow: Int

    init(taps: RowPairTaps, neighbours: [PixelOffset], directions: [PixelOffset], layout: PlanarLayout) {
        let rowStride = layout.rowStride
        let weightRow = (1 + directions.count) * rowStride
        var plane: [PixelOffset: Int] = [:]
        for (k, d) in directions.enumerated() { plane[d] = k + 1 }
        // The weight of neighbour n seen from a pixel: the centre plane, the pair whose source is
        // the pixel (n a direction), or the pair whose source is the neighbour (−n a direction).
        func weight(_ n: Int, row: Int) -> Int {
            let offset = neighbours[n]
            if offset.dy == 0 && offset.dx == 0 { return row * weightRow }
            if let q = plane[offset] { return row * weightRow + q * rowStride }
            let q = plane[PixelOffset(dy: -offset.dy, dx: -offset.dx)]!
            return (row + offset.dy) * weightRow + q * rowStride + offset.dx
        }
        var table: [Int] = []
        for tap in taps.onlyA { table += [tap.dy * rowStride + tap.dx, weight(tap.a, row: 0)] }
        for tap in taps.onlyB { table += [tap.dy * rowStride + tap.dx, weight(tap.b, row: 1)] }
        for tap in taps.both {
            table += [tap.dy * rowStride + tap.dx, weight(tap.a, row: 0), weight(tap.b, row: 1)]
        }
        self.table = table
        onlyA = taps.onlyA.count
        onlyB = taps.onlyB.count
        both = taps.both.count
        self.layout = layout
        self.weightRow = weightRow
    }

    /// Writes the output of 8 pixels at float offset `i`, given s = Σ s(j, j + n) · x[j + n].
    @inline(__always)
    static func finish(_ s: SIMD8<Float>, _ i: Int, _ x: UnsafePointer<Float>,
                       _ out: UnsafeMutablePointer<Float>, _ acc: UnsafeMutablePointer<Float>,
                       _ mode: StencilOutput) {
        switch mode {
        case .power:
            store(s, out + i)
        case let .first(c0, c1):
            store(s, out + i)
            store(SIMD8(repeating: c0) * load(x + i) + SIMD8(repeating: c1) * s, acc + i)
        case let .recurrence(c):
            let v = (s + s) - load(out + i)
            store(v, out + i)
            if c != 0 { store(load(acc + i) + SIMD8(repeating: c) * v, acc + i) }
        }
    }

    /// One pass over the row pairs `rowPairs` of every channel: reads `x`, writes `out` (and
    /// `acc`, per `mode`). Channels go in groups of at most `group` (1...4) planes.
    func step(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
              _ acc: UnsafeMutablePointer<Float>, rowPairs: Range<Int>, group: Int,
              weights: UnsafePointer<Float>, table: UnsafePointer<Int>, mode: StencilOutput) {
        let layout = self.layout, plane = layout.planeStride
        for pair in rowPairs {
            let start = layout.index(row: 2 &* pair, column: 0)
            let w = weights + ((2 &* pair &+ layout.margin) &* weightRow &+ layout.margin)
            var c = 0
            while c < layout.channels {
                let count = min(group, layout.channels &- c)
                let base = c &* plane
                let x = x + base, out = out + base, acc = acc + base
                switch count {
                case 1: onePlane(x, out, acc, start: start, weights: w, table: table, mode: mode)
                case 2: twoPlanes(x, out, acc, start: start, weights: w, table: table, mode: mode)
                case 3: threePlanes(x, out, acc, start: start, weights: w, table: table, mode: mode)
                default: fourPlanes(x, out, acc, start: start, weights: w, table: table, mode: mode)
                }
                c &+= count
            }
        }
    }

    /// One plane: four column blocks (32 pixels) at a time, then single blocks.
    @inline(never)
    func onePlane(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                  _ acc: UnsafeMutablePointer<Float>, start: Int, weights: UnsafePointer<Float>,
                  table: UnsafePointer<Int>, mode: StencilOutput) {
        let end = layout.paddedWidth
        var column = 0
        while column &+ 32 <= end {
            block(4, x, out, acc, i: start &+ column, weights: weights + column, table: table,
                  input: (8, 16, 24), weight: (8, 16, 24), mode: mode)
            column &+= 32
        }
        while column < end {
            block(1, x, out, acc, i: start &+ column, weights: weights + column, table: table,
                  input: (0, 0, 0), weight: (0, 0, 0), mode: mode)
            column &+= 8
        }
    }

    /// Two planes: two column blocks of each at a time, then single blocks.
    @inline(never)
    func twoPlanes(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                   _ acc: UnsafeMutablePointer<Float>, start: Int, weights: UnsafePointer<Float>,
                   table: UnsafePointer<Int>, mode: StencilOutput) {
        let end = layout.paddedWidth, plane = layout.planeStride
        var column = 0
        while column &+ 16 <= end {
            block(4, x, out, acc, i: start &+ column, weights: weights + column, table: table,
                  input: (plane, 8, plane &+ 8), weight: (0, 8, 8), mode: mode)
            column &+= 16
        }
        while column < end {
            block(2, x, out, acc, i: start &+ column, weights: weights + column, table: table,
                  input: (plane, 0, 0), weight: (0, 0, 0), mode: mode)
            column &+= 8
        }
    }

    @inline(never)
    func threePlanes(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                     _ acc: UnsafeMutablePointer<Float>, start: Int, weights: UnsafePointer<Float>,
                     table: UnsafePointer<Int>, mode: StencilOutput) {
        let plane = layout.planeStride
        var column = 0
        while column < layout.paddedWidth {
            block(3, x, out, acc, i: start &+ column, weights: weights + column, table: table,
                  input: (plane, 2 &* plane, 0), weight: (0, 0, 0), mode: mode)
            column &+= 8
        }
    }

    @inline(never)
    func fourPlanes(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                    _ acc: UnsafeMutablePointer<Float>, start: Int, weights: UnsafePointer<Float>,
                    table: UnsafePointer<Int>, mode: StencilOutput) {
        let plane = layout.planeStride
        var column = 0
        while column < layout.paddedWidth {
            block(4, x, out, acc, i: start &+ column, weights: weights + column, table: table,
                  input: (plane, 2 &* plane, 3 &* plane), weight: (0, 0, 0), mode: mode)
            column &+= 8
        }
    }

    /// `units` (1...4) vectors of 8 pixels in both rows of the pair: unit 0 at input offset `i`
    /// and weights `weights`, unit u > 0 at `input.u` and `weight.u` further (another plane, or
    /// another column block). `units` is a constant at every call, so the unused sums vanish.
    @inline(__always)
    func block(_ units: Int, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
               _ acc: UnsafeMutablePointer<Float>, i: Int, weights w: UnsafePointer<Float>,
               table: UnsafePointer<Int>, input: (Int, Int, Int), weight: (Int, Int, Int),
               mode: StencilOutput) {
        let (x1, x2, x3) = input, (w1, w2, w3) = weight
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
        var t = table
        for _ in 0..<onlyA {
            let u = x + (i &+ t[0]), v = w + t[1]
            t += 2
            Self.accumulate(&a0, Self.load(v), Self.load(u))
            if units > 1 { Self.accumulate(&a1, Self.load(v + w1), Self.load(u + x1)) }
            if units > 2 { Self.accumulate(&a2, Self.load(v + w2), Self.load(u + x2)) }
            if units > 3 { Self.accumulate(&a3, Self.load(v + w3), Self.load(u + x3)) }
        }
        for _ in 0..<onlyB {
            let u = x + (i &+ t[0]), v = w + t[1]
            t += 2
            Self.accumulate(&b0, Self.load(v), Self.load(u))
            if units > 1 { Self.accumulate(&b1, Self.load(v + w1), Self.load(u + x1)) }
            if units > 2 { Self.accumulate(&b2, Self.load(v + w2), Self.load(u + x2)) }
            if units > 3 { Self.accumulate(&b3, Self.load(v + w3), Self.load(u + x3)) }
        }
        for _ in 0..<both {
            let u = x + (i &+ t[0]), va = w + t[1], vb = w + t[2]
            t += 3
            do {
                let p = Self.load(u)
                Self.accumulate(&a0, Self.load(va), p)
                Self.accumulate(&b0, Self.load(vb), p)
            }
            if units > 1 {
                let p = Self.load(u + x1)
                Self.accumulate(&a1, Self.load(va + w1), p)
                Self.accumulate(&b1, Self.load(vb + w1), p)
            }
            if units > 2 {
                let p = Self.load(u + x2)
                Self.accumulate(&a2, Self.load(va + w2), p)
                Self.accumulate(&b2, Self.load(vb + w2), p)
            }
            if units > 3 {
                let p = Self.load(u + x3)
                Self.accumulate(&a3, Self.load(va + w3), p)
                Self.accumulate(&b3, Self.load(vb + w3), p)
            }
        }
        let j = i &+ layout.rowStride
        Self.finish(a0, i, x, out, acc, mode)
        Self.finish(b0, j, x, out, acc, mode)
        if units > 1 {
            Self.finish(a1, i &+ x1, x, out, acc, mode)
            Self.finish(b1, j &+ x1, x, out, acc, mode)
        }
        if units > 2 {
            Self.finish(a2, i &+ x2, x, out, acc, mode)
            Self.finish(b2, j &+ x2, x, out, acc, mode)
        }
        if units > 3 {
            Self.finish(a3, i &+ x3, x, out, acc, mode)
            Self.finish(b3, j &+ x3, x, out, acc, mode)
        }
    }
}
