// GEMM packing: copies a kc-deep slice of op(A) into 6-row panels and of op(B) into 16-column
// panels, in the order the micro-kernel reads them (for each k: 6 A values, then 16 B values),
// zero-padded past the matrix edge. Packed panels are contiguous and 64-byte aligned, so the
// kernel streams them with aligned loads whatever the leading dimensions and transposes.
// B panels come from a `GEMMPanelSource`, so conv2d can pack straight from an image (Im2Col).

/// Something that can write 16-column panels of op(B) for the GEMM driver.
@usableFromInline
protocol GEMMPanelSource {
    /// Writes op(B)[p0 ..< p0+kc, j0 ..< j0+width] (width ≤ 16) into `panel` as kc rows of 16
    /// floats, zeros in columns width..<16.
    func pack(into panel: UnsafeMutablePointer<Float>, p0: Int, kc: Int, j0: Int, width: Int)
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
    func pack(into panel: UnsafeMutablePointer<Float>, p0: Int, kc: Int, j0: Int, width: Int) {
        let ld = self.ld
        if !transposed {
            var source = base + (p0 &* ld &+ j0)
            var target = panel
            if width == 16 {
                for _ in 0..<kc {
                    let raw = UnsafeRawPointer(source)
                    let out = UnsafeMutableRawPointer(target)
                    out.storeBytes(of: raw.loadUnaligned(as: Lane.self), as: Lane.self)
                    out.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: Lane.self),
                                   toByteOffset: 32, as: Lane.self)
                    source += ld
                    target += 16
                }
            } else {
                for _ in 0..<kc {
                    for j in 0..<width { target[j] = source[j] }
                    for j in width..<16 { target[j] = 0 }
                    source += ld
                    target += 16
                }
            }
        } else {
            for j in 0..<width {
                let source = base + ((j0 &+ j) &* ld &+ p0)
                var target = panel + j
                for p in 0..<kc {
                    target.pointee = source[p]
                    target += 16
                }
            }
            if width < 16 {
                var target = panel
                for _ in 0..<kc {
                    for j in width..<16 { target[j] = 0 }
                    target += 16
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
