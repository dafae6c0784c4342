// PackedMatrix: the A operand of a GEMM packed once, ahead of time, into the micro-kernel's
// 6-row panels for every k-slice (the layout of GEMM+Packing.swift), for weights that multiply
// many inputs: a plan given one skips packing A on every call (DESIGN §7). The slices depend on
// k alone, so a product with the packed matrix sums every element in the same order as one
// with the plain matrix: the results are bit-identical.

/// How the GEMM cuts its depth k into slices: `count` slices of `step` rows, the last one
/// possibly shorter. Every element of C sums slice by slice in this order.
@usableFromInline
struct GEMMSlices: Sendable {
    let count: Int, step: Int

    init(depth k: Int) {
        count = max(1, (k + GEMMBlocking.kc - 1) / GEMMBlocking.kc)
        step = max(1, (k + count - 1) / count)
    }

    /// Rows of slice s of a depth-k product.
    @inline(__always)
    func depth(_ s: Int, of k: Int) -> Int { min(step, k - s * step) }
}

/// op(A) (rows × columns) packed for the GEMM: slice s of row panel r (6 rows, zero-padded) at
/// s·sliceStride + r·6·depth(s).
public struct PackedMatrix: Sendable {
    /// Rows (m) and columns (k) of op(A).
    public let rows: Int, columns: Int
    let slices: GEMMSlices
    let panels: [Float]

    /// Packs op(A): A[i·ld + p], or A[p·ld + i] when `transposed`.
    public init(_ a: UnsafePointer<Float>, rows: Int, columns: Int, ld: Int, transposed: Bool = false) {
        precondition(rows >= 0 && columns >= 0, "PackedMatrix: negative size \(rows)×\(columns)")
        precondition(ld >= max(1, transposed ? rows : columns), "PackedMatrix: ld \(ld) too small")
        self.rows = rows
        self.columns = columns
        let slices = GEMMSlices(depth: columns)
        self.slices = slices
        let mr = MicroKernel.rows
        let rowPanels = (rows + mr - 1) / mr
        let sliceStride = rowPanels * mr * slices.step
        let count = slices.count * sliceStride
        panels = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            forEachChunk(count: rowPanels, costPerItem: mr * max(1, columns)) { panelRange in
                for panel in panelRange {
                    let i0 = panel * mr
                    for s in 0 ..< slices.count where columns > 0 {
                        let kc = slices.depth(s, of: columns)
                        GEMMPacking.packA(into: base + s * sliceStride + panel * mr * kc, a: a, lda: ld,
                                          transposed: transposed, i0: i0, height: min(mr, rows - i0),
                                          p0: s * slices.step, kc: kc)
                    }
                }
            }
            // k = 0 leaves nothing to pack; the buffer is then empty or unused.
            if columns == 0 { base.initialize(repeating: 0, count: count) }
            initialized = count
        }
    }

    /// Packs a weight tensor [Cout, …] as the Cout × (product of the other sizes) matrix.
    public init(weight: Tensor) {
        precondition(weight.rank >= 1, "PackedMatrix: the weight needs at least one axis")
        let rows = weight.shape[0]
        let columns = rows == 0 ? weight.shape.dropFirst().reduce(1, *) : weight.count / rows
        if weight.count == 0 {
            let none: [Float] = [0]
            self = none.withUnsafeBufferPointer {
                PackedMatrix($0.baseAddress!, rows: rows, columns: columns, ld: max(1, columns))
            }
            return
        }
        self = weight.scalars.withUnsafeBufferPointer {
            PackedMatrix($0.baseAddress!, rows: rows, columns: columns, ld: max(1, columns))
        }
    }

    /// The matrix back in row-major order (rows × columns), read out of the panels.
    func unpacked() -> [Float] {
        let mr = MicroKernel.rows, sliceStride = self.sliceStride
        var matrix = [Float](repeating: 0, count: rows * columns)
        for i in 0 ..< rows {
            for p in 0 ..< columns {
                let s = p / slices.step, kc = slices.depth(s, of: columns)
                matrix[i * columns + p] = panels[s * sliceStride + (i / mr) * mr * kc + (p - s * slices.step) * mr + i % mr]
            }
        }
        return matrix
    }

    /// Distance between the slices of the panels.
    var sliceStride: Int { (rows + MicroKernel.rows - 1) / MicroKernel.rows * MicroKernel.rows * slices.step }
}

extension PackedMatrix {
    /// Runs `body` with the address of the packed panels.
    func withPanels<Result>(_ body: (UnsafePointer<Float>) -> Result) -> Result {
        panels.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// C = act(alpha·A·op(B) + beta·C + rowBias[i]) with A packed ahead of time (m = a.rows,
/// k = a.columns): the contract of `gemm` (GEMM.swift) without packing A again.
public func gemm(_ a: PackedMatrix, transposeB: Bool = false, n: Int, alpha: Float = 1,
                 b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                 c: UnsafeMutablePointer<Float>, ldc: Int,
                 rowBias: UnsafePointer<Float>? = nil, activation: Activation = .identity,
                 workspace: GEMMWorkspace? = nil) {
    precondition(n >= 0, "gemm: negative size n \(n)")
    precondition(ldb >= max(1, transposeB ? a.columns : n), "gemm: ldb \(ldb) too small")
    precondition(ldc >= max(1, n), "gemm: ldc \(ldc) too small")
    GEMMWorkspace.using(workspace) { workspace in
        a.withPanels { panels in
            var plan = GEMMPlan(packed: a, panels: panels, n: n, alpha: alpha, beta: beta, rowBias: rowBias,
                                activation: activation, workspace: workspace)
            plan.multiply(MatrixPanelSource(base: b, ld: ldb, transposed: transposeB), c: c, ldc: ldc)
        }
    }
}
