// GEMM packing: copies a kc-deep slice of op(A) into 6-row panels and of op(B) into 16-column
// panels, in the order the micro-kernel reads them (for each k: 6 A values, then 16 B values),
// zero-padded past the matrix edge. Packed panels are contiguous and 64-byte aligned, so the
// kernel streams them with aligned loads whatever the leading dimensions and transposes.
// B comes from a `GEMMPanelSource`, so conv2d can pack straight from an image (Im2Col.swift).

/// Something that can write the 16-column panels of a slice of op(B) for the GEMM driver.
@usableFromInline
protocol GEMMPanelSource {
    /// Writes rows `rows` (0 ≤ rows < kc, relative to p0) of the slice op(B)[p0 ..< p0+kc,
    /// j0 ..< j0+nc]: panel q (columns j0+16q ..< j0+16q+16) starts at
    /// packed + q·PanelRow.panelStride(kc) and holds row p at +16·p; columns past nc are zero.
    /// Different `rows` write disjoint memory.
    func pack(into packed: UnsafeMutablePointer<Float>, p0: Int, kc: Int, rows: Range<Int>, j0: Int, nc: Int)
}

@usableFromInline
enum PanelRow {
    /// Columns packed per pass: rows are written into this many panels at a time, so the
    /// stores go to a few sequential streams instead of one per panel of the whole slice.
    @usableFromInline static let columnsPerPass = 128

    /// Distance in floats between consecutive B panels: kc rows of 16, plus one cache line so
    /// that a row written across many panels does not land in a single cache set (kc = 256
    /// would put the panels exactly 16 KB apart).
    @inline(__always) @usableFromInline
    static func panelStride(kc: Int) -> Int { 16 &* kc &+ 16 }

    /// Scatters one row of nc values (`line`) into row p of the panels starting at `packed`.
    @inline(__always) @usableFromInline
    static func scatter(_ line: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>,
                        row p: Int, kc: Int, nc: Int) {
        let panelStride = PanelRow.panelStride(kc: kc)
        var target = packed + 16 &* p
        var source = line
        var remaining = nc
        while remaining >= 16 {
            let raw = UnsafeRawPointer(source)
            let out = UnsafeMutableRawPointer(target)
            out.storeBytes(of: raw.loadUnaligned(as: Lane.self), as: Lane.self)
            out.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: Lane.self), toByteOffset: 32, as: Lane.self)
            source += 16
            target += panelStride
            remaining &-= 16
        }
        if remaining > 0 {
            for j in 0..<remaining { target[j] = source[j] }
            for j in remaining..<16 { target[j] = 0 }
        }
    }

    /// count zeros at `target`.
    @inline(__always) @usableFromInline
    static func zero(_ target: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= 8 {
            var i = 0
            while i &+ 8 <= count {
                UnsafeMutableRawPointer(target + i).storeBytes(of: Lane(), as: Lane.self)
                i &+= 8
            }
            // The tail as one vector ending at the last element (overlapping what is done).
            if i < count { UnsafeMutableRawPointer(target + (count &- 8)).storeBytes(of: Lane(), as: Lane.self) }
        } else {
            for i in 0..<count { target[i] = 0 }
        }
    }

    /// count values from `source` (stride 1, 2 or any) to `target` (stride 1).
    @inline(__always) @usableFromInline
    static func copy(_ source: UnsafePointer<Float>, stride step: Int, to target: UnsafeMutablePointer<Float>,
                     _ count: Int) {
        var i = 0
        if step == 1 {
            if count >= 8 {
                while i &+ 8 <= count {
                    let v = UnsafeRawPointer(source + i).loadUnaligned(as: Lane.self)
                    UnsafeMutableRawPointer(target + i).storeBytes(of: v, as: Lane.self)
                    i &+= 8
                }
                // The tail as one vector ending at the last element (overlapping what is done).
                if i < count {
                    let v = UnsafeRawPointer(source + (count &- 8)).loadUnaligned(as: Lane.self)
                    UnsafeMutableRawPointer(target + (count &- 8)).storeBytes(of: v, as: Lane.self)
                }
                return
            }
        } else if step == 2 {
            // Eight outputs from sixteen loaded values; the last load must stay inside the source.
            while i &+ 8 < count {
                let raw = UnsafeRawPointer(source + 2 &* i)
                let pair = SIMD16<Float>(lowHalf: raw.loadUnaligned(as: Lane.self),
                                         highHalf: raw.loadUnaligned(fromByteOffset: 32, as: Lane.self))
                UnsafeMutableRawPointer(target + i).storeBytes(of: pair.evenHalf, as: Lane.self)
                i &+= 8
            }
        }
        while i < count { target[i] = source[i &* step]; i &+= 1 }
    }
}

/// A row-major matrix in memory read as op(B): B[p][j] = base[p·ld + j], or base[j·ld + p]
/// when transposed.
@usableFromInline
struct MatrixPanelSource: GEMMPanelSource {
    let base: UnsafePointer<Float>
    let ld: Int
    let transposed: Bool

    @usableFromInline
    init(base: UnsafePointer<Float>, ld: Int, transposed: Bool) {
        self.base = base; self.ld = ld; self.transposed = transposed
    }

    @usableFromInline
    func pack(into packed: UnsafeMutablePointer<Float>, p0: Int, kc: Int, rows: Range<Int>, j0: Int, nc: Int) {
        let ld = self.ld
        let panelStride = PanelRow.panelStride(kc: kc)
        if !transposed {
            // Each row of the slice is already a contiguous line.
            for start in stride(from: 0, to: nc, by: PanelRow.columnsPerPass) {
                let count = min(PanelRow.columnsPerPass, nc &- start)
                let panels = packed + (start / 16) &* panelStride
                for p in rows {
                    PanelRow.scatter(base + ((p0 &+ p) &* ld &+ j0 &+ start), into: panels, row: p, kc: kc, nc: count)
                }
            }
            return
        }
        // Transposed: column j of op(B) is contiguous; walk it along the rows.
        let panelCount = (nc + 15) / 16
        for q in 0..<panelCount {
            let panel = packed + panelStride &* q
            let width = min(16, nc &- 16 &* q)
            for jj in 0..<width {
                let source = base + ((j0 &+ 16 &* q &+ jj) &* ld &+ p0)
                for p in rows { panel[16 &* p &+ jj] = source[p] }
            }
            if width < 16 {
                for p in rows {
                    for jj in width..<16 { panel[16 &* p &+ jj] = 0 }
                }
            }
        }
    }
}

@usableFromInline
enum GEMMPacking {
    /// Packs rows i0 ..< i0+height (height ≤ 6) and columns p0 ..< p0+kc of op(A) into `panel`
    /// as kc groups of 6 values, zeros in rows height..<6. op(A)[i][p] = a[i·lda + p], or
    /// a[p·lda + i] when transposed.
    @inline(__always) @usableFromInline
    static func packA(into panel: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, lda: Int,
                      transposed: Bool, i0: Int, height: Int, p0: Int, kc: Int) {
        if !transposed {
            for r in 0..<height {
                let source = a + ((i0 &+ r) &* lda &+ p0)
                var target = panel + r
                for p in 0..<kc {
                    target.pointee = source[p]
                    target += 6
                }
            }
        } else {
            var source = a + (p0 &* lda &+ i0)
            var target = panel
            for _ in 0..<kc {
                for r in 0..<height { target[r] = source[r] }
                source += lda
                target += 6
            }
        }
        if height < 6 {
            var target = panel
            for _ in 0..<kc {
                for r in height..<6 { target[r] = 0 }
                target += 6
            }
        }
    }
}
