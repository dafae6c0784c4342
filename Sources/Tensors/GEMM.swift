// GEMM: C = act(alpha·op(A)·op(B) + beta·C + bias[row]) on Float32 row-major matrices with
// leading dimensions and optional transposes: the one matrix product every conv and linear
// layer runs on (DESIGN §7). Goto/BLIS blocking: for each NC-wide column block and KC-deep
// slice, op(B) is packed into 16-column panels and op(A) into 6-row panels, then 6×16 register
// tiles (GEMM+MicroKernel) sweep MC-row blocks. Tasks own disjoint rectangles of C and KC depends
// on k only, so every element sums in the same order for any thread count (bit-identical).

/// Cache blocking of the GEMM (elements). KC bounds the k-slice held per panel, MC the rows of
/// A swept against one B panel (A block in L2), NC the columns of B packed at once (L3).
@usableFromInline
enum GEMMBlocking {
    @usableFromInline static let kc = 256
    @usableFromInline static let mc = 144
    @usableFromInline static let nc = 3072
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
    if m == 0 || n == 0 { return }
    let relu = activation == .relu
    if k == 0 {
        let store = GEMMStore(alpha: alpha, beta: beta, bias: nil, relu: relu)
        for i in 0..<m {
            for j in 0..<n {
                var rowStore = store
                rowStore.bias = rowBias.map { $0 + i }
                rowStore.finish(Float(0), at: c + i * ldc + j, row: 0)
            }
        }
        return
    }
    let mr = MicroKernel.rows, nr = MicroKernel.columns
    // The k-slices depend on k alone: they fix the summation order of every element.
    let kBlocks = (k + GEMMBlocking.kc - 1) / GEMMBlocking.kc
    let kcStep = (k + kBlocks - 1) / kBlocks
    let ncStep = min(n, GEMMBlocking.nc)
    let rowPanels = (m + mr - 1) / mr
    let mcPanels = GEMMBlocking.mc / mr
    let multiplyAdds = m.multipliedReportingOverflow(by: n).partialValue
        .multipliedReportingOverflow(by: k).partialValue
    let workers = multiplyAdds < GEMMBlocking.parallelThreshold ? 1 : Parallelism.workers

    let bPanelsMax = (ncStep + nr - 1) / nr
    let workspace = workspace ?? GEMMWorkspace()
    workspace.reserve(a: rowPanels * mr * kcStep, b: bPanelsMax * PanelRow.panelStride(kc: kcStep))
    let packedA = workspace.packedA, packedB = workspace.packedB

    for jc in stride(from: 0, to: n, by: ncStep) {
        let nc = min(ncStep, n - jc)
        let columnPanels = (nc + nr - 1) / nr
        let grid = TileGrid(rowPanels: rowPanels, columnPanels: columnPanels, rowBlockPanels: mcPanels,
                            workers: workers)
        for block in 0..<kBlocks {
            let pc = block * kcStep
            let kc = min(kcStep, k - pc)
            // Phase 1: pack this slice of A (all rows) and of B (this column block).
            let packingTasks = workers == 1 ? 1 : 4 * workers
            Parallelism.forEachTask(packingTasks, workers: workers) { task in
                for panel in Parallelism.share(of: rowPanels, parts: packingTasks, index: task) {
                    GEMMPacking.packA(into: packedA + panel * mr * kc, a: a, lda: lda,
                                      transposed: transposeA, i0: panel * mr,
                                      height: min(mr, m - panel * mr), p0: pc, kc: kc)
                }
                source.pack(into: packedB, p0: pc, kc: kc,
                            rows: Parallelism.share(of: kc, parts: packingTasks, index: task), j0: jc, nc: nc)
            }
            // Phase 2: tiles of C, one (row block, column chunk) rectangle per task.
            let isFirst = block == 0, isLast = block == kBlocks - 1
            let store = GEMMStore(alpha: alpha, beta: isFirst ? beta : 1,
                                  bias: isLast ? rowBias : nil, relu: isLast && relu)
            Parallelism.forEachTask(grid.taskCount, workers: workers) { task in
                let (rows, columns) = grid.rectangle(of: task)
                for jp in columns {
                    let bPanel = packedB + jp * PanelRow.panelStride(kc: kc)
                    let j = jc + jp * nr
                    let width = min(nr, n - j)
                    for ip in rows {
                        let i = ip * mr
                        var tileStore = store
                        tileStore.bias = store.bias.map { $0 + i }
                        MicroKernel.run(kc: kc, a: packedA + ip * mr * kc, b: bPanel,
                                        c: c + i * ldc + j, ldc: ldc,
                                        rowCount: min(mr, m - i), columnCount: width,
                                        store: tileStore)
                    }
                }
            }
        }
    }
}

/// The tasks of one k-slice: row blocks of MC rows (the A block that stays in L2) times chunks
/// of column panels, enough of them to keep every worker busy.
@usableFromInline
struct TileGrid {
    let rowPanels: Int, columnPanels: Int
    let rowBlockPanels: Int, rowBlocks: Int
    let columnChunks: Int

    init(rowPanels: Int, columnPanels: Int, rowBlockPanels: Int, workers: Int) {
        self.rowPanels = rowPanels
        self.columnPanels = columnPanels
        self.rowBlockPanels = rowBlockPanels
        rowBlocks = (rowPanels + rowBlockPanels - 1) / rowBlockPanels
        if workers <= 1 {
            columnChunks = 1
        } else {
            // About eight tasks per worker, but no chunk narrower than four panels (64 columns).
            let wanted = (8 * workers + rowBlocks - 1) / rowBlocks
            columnChunks = max(1, min(wanted, columnPanels / 4))
        }
    }

    var taskCount: Int { rowBlocks * columnChunks }

    /// Row panels and column panels of one task.
    func rectangle(of task: Int) -> (rows: Range<Int>, columns: Range<Int>) {
        let rowBlock = task / columnChunks, chunk = task % columnChunks
        let rowStart = rowBlock * rowBlockPanels
        return (rowStart..<min(rowPanels, rowStart + rowBlockPanels),
                Parallelism.share(of: columnPanels, parts: columnChunks, index: chunk))
    }
}
