// GEMM: C = act(alpha·op(A)·op(B) + beta·C + bias[row]) on Float32 row-major matrices with
// leading dimensions and optional transposes: the one matrix product every conv and linear
// layer runs on (DESIGN §7). Goto/BLIS blocking: op(A) is packed into 6-row panels and op(B),
// one column block at a time, into 16-column panels, both cut into KC-deep slices; 6×16
// register tiles (GEMM+MicroKernel) then sweep MC-row blocks (GEMM+Plan). Tasks own disjoint
// rectangles of C and the slices depend on k only, so every element sums in the same order for
// any thread count (bit-identical results).

/// Cache blocking of the GEMM (elements). KC bounds the k-slice of a panel (a 16-column B
/// panel slice stays in L1), MC the rows of A swept against one B panel (A block in L2);
/// packed B (all slices of a column block) is kept near `packedBLimit` floats (L3), packed A
/// below `packedALimit` (rows beyond it are done in bands).
@usableFromInline
enum GEMMBlocking {
    @usableFromInline static let kc = 256
    @usableFromInline static let mc = 144
    @usableFromInline static let packedBLimit = 3 << 20
    @usableFromInline static let packedALimit = 1 << 22
    @usableFromInline static let maximumColumnBlock = 8192
    /// Column panels per task when tasks pack their own B (one row block): 128 columns, whose
    /// packed slice (at most 128 KB) stays in L2 between packing and use.
    @usableFromInline static let columnPanelsPerTask = 8
    /// Below this many multiply-adds one worker does everything (thread start-up would dominate).
    @usableFromInline static let parallelThreshold = 1 << 21
}

/// C = act(alpha·op(A)·op(B) + beta·C + rowBias[i]) for an m×n matrix C with row stride ldc.
/// op(A) is m×k: A[i·lda + p], or A[p·lda + i] when `transposeA`. op(B) is k×n: B[p·ldb + j],
/// or B[j·ldb + p] when `transposeB`. When beta is 0, C is only written (NaN in C is ignored).
/// `rowBias` (m values) and `activation` are applied once, after the whole sum.
public func gemm(transposeA: Bool = false, transposeB: Bool = false,
                 m: Int, n: Int, k: Int, alpha: Float = 1,
                 a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int,
                 beta: Float = 0,
                 c: UnsafeMutablePointer<Float>, ldc: Int,
                 rowBias: UnsafePointer<Float>? = nil,
                 activation: Activation = .identity) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m \(m) n \(n) k \(k)")
    precondition(lda >= max(1, transposeA ? m : k), "gemm: lda \(lda) too small")
    precondition(ldb >= max(1, transposeB ? k : n), "gemm: ldb \(ldb) too small")
    precondition(ldc >= max(1, n), "gemm: ldc \(ldc) too small")
    let source = MatrixPanelSource(base: b, ld: ldb, transposed: transposeB)
    gemmDriver(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, transposeA: transposeA,
               b: source, beta: beta, c: c, ldc: ldc, rowBias: rowBias, activation: activation)
}

/// Array form of `gemm`: checks that every operand holds the elements its shape needs.
public func gemm(transposeA: Bool = false, transposeB: Bool = false,
                 m: Int, n: Int, k: Int, alpha: Float = 1,
                 a: [Float], lda: Int, b: [Float], ldb: Int,
                 beta: Float = 0, c: inout [Float], ldc: Int,
                 rowBias: [Float]? = nil, activation: Activation = .identity) {
    precondition(GEMMShape.fits(count: a.count, rows: transposeA ? k : m, columns: transposeA ? m : k, ld: lda),
                 "gemm: A has \(a.count) elements, too few for its shape")
    precondition(GEMMShape.fits(count: b.count, rows: transposeB ? n : k, columns: transposeB ? k : n, ld: ldb),
                 "gemm: B has \(b.count) elements, too few for its shape")
    precondition(GEMMShape.fits(count: c.count, rows: m, columns: n, ld: ldc),
                 "gemm: C has \(c.count) elements, too few for its shape")
    precondition(rowBias.map { $0.count >= m } ?? true, "gemm: rowBias needs \(m) values")
    guard m > 0 && n > 0 else { return }
    let bias = rowBias ?? []
    c.withUnsafeMutableBufferPointer { c in
        let cBase = c.baseAddress!
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bias in
                    // A and B can only be empty when k = 0, and then they are never read.
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                         a: a.baseAddress ?? UnsafePointer(cBase), lda: lda,
                         b: b.baseAddress ?? UnsafePointer(cBase), ldb: ldb, beta: beta,
                         c: cBase, ldc: ldc, rowBias: rowBias == nil ? nil : bias.baseAddress,
                         activation: activation)
                }
            }
        }
    }
}

@usableFromInline
enum GEMMShape {
    /// Whether `count` elements hold a rows×columns matrix with row stride ld.
    @usableFromInline
    static func fits(count: Int, rows: Int, columns: Int, ld: Int) -> Bool {
        rows == 0 || columns == 0 || count >= (rows - 1) * ld + columns
    }
}

/// The blocked, threaded product for any source of B panels (a matrix, or an image read as
/// its im2col matrix). Sizes are checked by the callers.
@usableFromInline
func gemmDriver<Source: GEMMPanelSource>(
    m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
    b source: Source, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    rowBias: UnsafePointer<Float>?, activation: Activation,
    workspace: GEMMWorkspace? = nil
) {
    GEMMWorkspace.using(workspace) { workspace in
        var plan = GEMMPlan(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, transposeA: transposeA,
                            beta: beta, rowBias: rowBias, activation: activation, workspace: workspace)
        plan.multiply(source, c: c, ldc: ldc)
    }
}
