// GEMMPlan: the blocking and threading of one GEMM C = act(alpha·op(A)·op(B) + beta·C + bias)
// (GEMM.swift has the contract). op(A) is packed once per plan — so conv2d multiplies every
// image of a batch with the same packed weights; a plan made from a PackedMatrix packs no A at
// all. When C has several row blocks, op(B) is packed
// one column block at a time (all KC-deep slices) and shared: pack phase, then compute tasks
// that sweep every slice of their rectangle of C. When it has one (few output channels), each
// task packs its own columns slice by slice just before using them, hot in cache (DESIGN §7).

@usableFromInline
struct GEMMPlan {
    let m: Int, n: Int, k: Int
    let alpha: Float, beta: Float
    let a: UnsafePointer<Float>, lda: Int, transposeA: Bool
    let rowBias: UnsafePointer<Float>?, relu: Bool
    let workspace: GEMMWorkspace
    /// The k-slices: kSlices of kcStep rows (the last may be shorter). They depend on k alone
    /// and fix the summation order of every element (GEMMSlices).
    let slices: GEMMSlices
    var kSlices: Int { slices.count }
    var kcStep: Int { slices.step }
    /// A packed ahead of time (all row panels, every slice), or nil when the plan packs it.
    let prepackedA: UnsafePointer<Float>?
    /// Row panels of op(A) and how many are packed at once (a band; all of them unless A is huge).
    let rowPanels: Int, bandPanels: Int
    /// Columns of op(B) packed at once.
    let columnBlock: Int
    /// One row block only: each task packs its own B columns, one slice at a time.
    let packsPerTask: Bool
    let workers: Int
    /// The band of A the workspace holds, packed (nil before the first multiply).
    private var packedBand: Int?

    @usableFromInline
    init(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
         beta: Float, rowBias: UnsafePointer<Float>?, activation: Activation, workspace: GEMMWorkspace) {
        self.init(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, transposeA: transposeA, prepackedA: nil,
                  beta: beta, rowBias: rowBias, activation: activation, workspace: workspace)
    }

    /// A plan whose A is `packed` (m = packed.rows, k = packed.columns), with its panels at
    /// `panels` (from `packed.withPanels`), which must stay valid while the plan multiplies.
    @usableFromInline
    init(packed: PackedMatrix, panels: UnsafePointer<Float>, n: Int, alpha: Float, beta: Float,
         rowBias: UnsafePointer<Float>?, activation: Activation, workspace: GEMMWorkspace,
         singleThreaded: Bool = false) {
        self.init(m: packed.rows, n: n, k: packed.columns, alpha: alpha, a: panels, lda: max(1, packed.columns),
                  transposeA: false, prepackedA: panels, beta: beta, rowBias: rowBias, activation: activation,
                  workspace: workspace, singleThreaded: singleThreaded)
    }

    private init(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                 prepackedA: UnsafePointer<Float>?, beta: Float, rowBias: UnsafePointer<Float>?,
                 activation: Activation, workspace: GEMMWorkspace, singleThreaded: Bool = false) {
        self.m = m; self.n = n; self.k = k
        self.alpha = alpha; self.beta = beta
        self.a = a; self.lda = lda; self.transposeA = transposeA
        self.rowBias = rowBias; self.relu = activation == .relu
        self.workspace = workspace
        self.prepackedA = prepackedA
        let mr = MicroKernel.rows, nr = MicroKernel.columns
        let slices = GEMMSlices(depth: k)
        self.slices = slices
        rowPanels = (m + mr - 1) / mr
        let blockPanels = GEMMBlocking.mc / mr
        let bandLimit = max(blockPanels, GEMMBlocking.packedALimit / (mr * max(1, k)) / blockPanels * blockPanels)
        // A packed ahead of time is one band: all its row panels.
        bandPanels = prepackedA != nil ? max(1, rowPanels) : max(1, min(rowPanels, bandLimit))
        if prepackedA != nil { packedBand = 0 }
        packsPerTask = rowPanels <= blockPanels
        // Column blocks within the packed-B budget (all slices of a block, or one slice when
        // tasks pack for themselves), of equal width (no narrow last block).
        let packedRows = packsPerTask ? slices.step : k
        let columnLimit = min(max(GEMMBlocking.packedBLimit / max(1, packedRows) / nr * nr, 16 * nr),
                              GEMMBlocking.maximumColumnBlock)
        let columnBlocks = max(1, (n + columnLimit - 1) / columnLimit)
        columnBlock = max(nr, ((n + columnBlocks - 1) / columnBlocks + nr - 1) / nr * nr)
        let (mn, overflow1) = m.multipliedReportingOverflow(by: n)
        let (mnk, overflow2) = mn.multipliedReportingOverflow(by: k)
        workers = singleThreaded || (!overflow1 && !overflow2 && mnk < GEMMBlocking.parallelThreshold)
            ? 1 : Parallelism.workers
        let columnPanels = columnBlock / nr
        workspace.reserve(a: prepackedA != nil ? 0 : slices.count * bandPanels * mr * slices.step,
                          b: (packsPerTask ? 1 : slices.count) * columnPanels * PanelRow.panelStride(kc: slices.step))
    }

    /// Rows of slice s.
    @inline(__always)
    func sliceDepth(_ s: Int) -> Int { slices.depth(s, of: k) }

    /// C = act(alpha·op(A)·op(B) + beta·C + bias) with op(B) from `source` (k × n) and C at `c`
    /// with row stride ldc. May be called again with other B and C: A stays packed.
    @usableFromInline
    mutating func multiply<Source: GEMMPanelSource>(_ source: Source, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            scaleOnly(c: c, ldc: ldc)
            return
        }
        let mr = MicroKernel.rows, nr = MicroKernel.columns
        let packedA = prepackedA ?? UnsafePointer(workspace.packedA), packedB = workspace.packedB
        let aSliceStride = bandPanels * mr * kcStep
        let bSliceStride = (columnBlock / nr) * PanelRow.panelStride(kc: kcStep)
        let bands = (rowPanels + bandPanels - 1) / bandPanels
        let workers = self.workers
        let packingTasks = workers == 1 ? 1 : 4 * workers
        for band in 0..<bands {
            let firstPanel = band * bandPanels
            let panels = min(bandPanels, rowPanels - firstPanel)
            var needsA = packedBand != band
            for jc in stride(from: 0, to: n, by: columnBlock) {
                let nc = min(columnBlock, n - jc)
                let columnPanels = (nc + nr - 1) / nr
                // Phase 1: pack this band of A if needed, and every slice of this column block of
                // B unless the tasks pack their own.
                let packA = needsA, packB = !packsPerTask
                if packA || packB {
                    Parallelism.forEachTask(packingTasks, workers: workers) { task in
                        if packA {
                            for panel in Parallelism.share(of: panels, parts: packingTasks, index: task) {
                                packPanelOfA(firstPanel + panel, index: panel, sliceStride: aSliceStride)
                            }
                        }
                        if packB {
                            let rows = Parallelism.share(of: k, parts: packingTasks, index: task)
                            var s = rows.lowerBound / kcStep
                            while s < kSlices && s * kcStep < rows.upperBound {
                                let p0 = s * kcStep, kc = sliceDepth(s)
                                let local = max(rows.lowerBound, p0) - p0 ..< min(rows.upperBound, p0 + kc) - p0
                                source.pack(into: packedB + s * bSliceStride, p0: p0, kc: kc, rows: local,
                                            j0: jc, nc: nc)
                                s += 1
                            }
                        }
                    }
                }
                needsA = false
                packedBand = band
                // Phase 2: each task sweeps all slices of its own rectangle of C.
                if packsPerTask {
                    let chunkPanels = GEMMBlocking.columnPanelsPerTask
                    let chunks = (columnPanels + chunkPanels - 1) / chunkPanels
                    Parallelism.forEachTask(chunks, workers: workers) { chunk in
                        let first = chunk * chunkPanels
                        let columns = first ..< min(columnPanels, first + chunkPanels)
                        // This task's region of the packed-B buffer, reused by every slice.
                        let region = packedB + first * PanelRow.panelStride(kc: kcStep)
                        for s in 0..<kSlices {
                            let kc = sliceDepth(s)
                            source.pack(into: region, p0: s * kcStep, kc: kc, rows: 0..<kc,
                                        j0: jc + first * nr, nc: min(columns.count * nr, nc - first * nr))
                            computeSlice(s, a: packedA + s * aSliceStride, b: region, firstColumnPanel: first,
                                         rows: 0..<panels, columns: columns, firstRowPanel: firstPanel,
                                         jc: jc, c: c, ldc: ldc)
                        }
                    }
                } else {
                    let grid = TileGrid(rowPanels: panels, columnPanels: columnPanels,
                                        rowBlockPanels: GEMMBlocking.mc / mr, workers: workers)
                    Parallelism.forEachTask(grid.taskCount, workers: workers) { task in
                        let (rows, columns) = grid.rectangle(of: task)
                        for s in 0..<kSlices {
                            computeSlice(s, a: packedA + s * aSliceStride, b: packedB + s * bSliceStride,
                                         firstColumnPanel: 0, rows: rows, columns: columns,
                                         firstRowPanel: firstPanel, jc: jc, c: c, ldc: ldc)
                        }
                    }
                }
            }
        }
    }

    /// Packs row panel `panel` of op(A) (number `index` in its band) for every slice: slice s at
    /// packedA + s·sliceStride, where the band's panels are kc·6 apart.
    @inline(__always)
    private func packPanelOfA(_ panel: Int, index: Int, sliceStride: Int) {
        let mr = MicroKernel.rows
        let i0 = panel * mr
        for s in 0..<kSlices {
            let kc = sliceDepth(s)
            GEMMPacking.packA(into: workspace.packedA + s * sliceStride + index * mr * kc, a: a, lda: lda,
                              transposed: transposeA, i0: i0, height: min(mr, m - i0), p0: s * kcStep, kc: kc)
        }
    }

    /// One k-slice of the tiles (rows × columns, in panels) of C: slice s of A panels at `a`
    /// (kc·6 apart) and of B panels at `b` (panel `firstColumnPanel` first), then the store
    /// (beta on the first slice, bias and activation on the last).
    @inline(__always)
    private func computeSlice(_ s: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, firstColumnPanel: Int,
                              rows: Range<Int>, columns: Range<Int>, firstRowPanel: Int, jc: Int,
                              c: UnsafeMutablePointer<Float>, ldc: Int) {
        let mr = MicroKernel.rows, nr = MicroKernel.columns
        let kc = sliceDepth(s)
        let store = GEMMStore(alpha: alpha, beta: s == 0 ? beta : 1,
                              bias: s == kSlices - 1 ? rowBias : nil, relu: s == kSlices - 1 && relu)
        let panelStride = PanelRow.panelStride(kc: kc)
        for jp in columns {
            let bPanel = b + (jp - firstColumnPanel) * panelStride
            let j = jc + jp * nr
            let width = min(nr, n - j)
            for ip in rows {
                let i = (firstRowPanel + ip) * mr
                var tileStore = store
                tileStore.bias = store.bias.map { $0 + i }
                MicroKernel.run(kc: kc, a: a + ip * mr * kc, b: bPanel, c: c + i * ldc + j, ldc: ldc,
                                rowCount: min(mr, m - i), columnCount: width, store: tileStore)
            }
        }
    }

    /// k = 0: C = act(beta·C + bias), with the same epilogue arithmetic as the tiles.
    private func scaleOnly(c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            let store = GEMMStore(alpha: alpha, beta: beta, bias: rowBias.map { $0 + i }, relu: relu)
            for j in 0..<n { store.finish(Float(0), at: c + i * ldc + j, row: 0) }
        }
    }
}

/// The compute tasks of one column block: row blocks of MC rows (the A block that stays in L2)
/// times chunks of column panels, enough of them to keep every worker busy.
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
