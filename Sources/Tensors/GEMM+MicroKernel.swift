// The GEMM micro-kernel: one 6×16 tile of C from a packed 6-row panel of A and a packed
// 16-column panel of B, with the twelve SIMD8 accumulators held in registers (12 of the 16 AVX
// registers; two B vectors and one broadcast A value use three more), then the fused store:
// C = act(alpha·AB + beta·C + bias[row]) (GEMM.swift describes the blocking around it).
// Native builds use hardware FMA (addingProduct); portable x86-64 builds use c += a * b.

@usableFromInline typealias Lane = SIMD8<Float>

/// LLVM's prefetch intrinsic (address, read 0 / write 1, locality 0-3, data cache 1). A hint
/// with no effect on results; it never faults, whatever the address.
@_silgen_name("llvm.prefetch.p0")
@usableFromInline func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cache: Int32)

/// Asks for the cache line holding `address` to be brought into L1.
@inline(__always) @usableFromInline
func prefetch(_ address: UnsafeRawPointer) { llvmPrefetch(address, 0, 3, 1) }

/// c += a * b, fused where the target has FMA, plain multiply-add in portable x86-64 builds
/// (without hardware FMA, addingProduct would call a slow software fmaf).
@inline(__always) @usableFromInline
func multiplyAdd(_ c: inout Lane, _ a: Lane, _ b: Lane) {
    #if IRN_PORTABLE && arch(x86_64)
    c += a * b
    #else
    c = c.addingProduct(a, b)
    #endif
}

/// What the store of one k-block does with the accumulated products.
@usableFromInline
struct GEMMStore {
    /// Scale of the products.
    var alpha: Float
    /// Scale of the old C; 0 means C is not read (it may hold garbage or NaN).
    var beta: Float
    /// Per-row bias (already offset to the tile's first row), added on the last k-block only.
    var bias: UnsafePointer<Float>?
    /// ReLU after the bias, on the last k-block only.
    var relu: Bool

    /// The epilogue of one lane of eight output values; `old` is read only when beta != 0.
    @inline(__always) @usableFromInline
    func finish(_ acc: Lane, at pointer: UnsafeMutablePointer<Float>, row: Int) {
        var v = acc
        if alpha != 1 { v = v * alpha }
        if beta != 0 {
            let old = UnsafeRawPointer(pointer).loadUnaligned(as: Lane.self)
            v = v + old * beta
        }
        if let bias { v = v + bias[row] }
        if relu { v.replace(with: 0, where: v .< 0) }
        UnsafeMutableRawPointer(pointer).storeBytes(of: v, as: Lane.self)
    }

    /// The same epilogue for one value (edge tiles); the same operations in the same order.
    @inline(__always) @usableFromInline
    func finish(_ acc: Float, at pointer: UnsafeMutablePointer<Float>, row: Int) {
        var v = acc
        if alpha != 1 { v = v * alpha }
        if beta != 0 { v = v + pointer.pointee * beta }
        if let bias { v = v + bias[row] }
        if relu && v < 0 { v = 0 }
        pointer.pointee = v
    }
}

@usableFromInline
enum MicroKernel {
    /// Rows of a tile (and of a packed A panel).
    @usableFromInline static let rows = 6
    /// Columns of a tile (and of a packed B panel).
    @usableFromInline static let columns = 16

    /// C[0..<rowCount, 0..<columnCount] (row stride ldc) = store(A·B) over kc steps, where `a`
    /// holds kc groups of 6 values and `b` kc groups of 16 (32-byte aligned). Rows and columns
    /// past the counts are computed from the zero padding of the panels and not stored.
    @inline(__always) @usableFromInline
    static func run(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                    c: UnsafeMutablePointer<Float>, ldc: Int,
                    rowCount: Int, columnCount: Int, store: GEMMStore) {
        // Bring the tile of C into L1 while the products are summed: it is read at the end, and
        // its rows (ldc apart) have usually left the cache since the previous k-slice.
        var row = UnsafeRawPointer(c)
        let lastColumn = (columnCount &- 1) &* 4
        for _ in 0..<rowCount {
            prefetch(row)
            prefetch(row + lastColumn)
            row += ldc &* 4
        }
        var c00 = Lane(), c01 = Lane(), c10 = Lane(), c11 = Lane(), c20 = Lane(), c21 = Lane()
        var c30 = Lane(), c31 = Lane(), c40 = Lane(), c41 = Lane(), c50 = Lane(), c51 = Lane()
        var pa = a
        var pb = UnsafeRawPointer(b)
        var remaining = kc
        while remaining > 0 {
            let b0 = pb.load(as: Lane.self)
            let b1 = pb.load(fromByteOffset: 32, as: Lane.self)
            var av = Lane(repeating: pa[0])
            multiplyAdd(&c00, av, b0); multiplyAdd(&c01, av, b1)
            av = Lane(repeating: pa[1])
            multiplyAdd(&c10, av, b0); multiplyAdd(&c11, av, b1)
            av = Lane(repeating: pa[2])
            multiplyAdd(&c20, av, b0); multiplyAdd(&c21, av, b1)
            av = Lane(repeating: pa[3])
            multiplyAdd(&c30, av, b0); multiplyAdd(&c31, av, b1)
            av = Lane(repeating: pa[4])
            multiplyAdd(&c40, av, b0); multiplyAdd(&c41, av, b1)
            av = Lane(repeating: pa[5])
            multiplyAdd(&c50, av, b0); multiplyAdd(&c51, av, b1)
            pa += 6
            pb += 64
            remaining &-= 1
        }
        if columnCount == 16 {
            // Full-width tile (all 6 rows, or the last rows of C): vector stores.
            store.finish(c00, at: c, row: 0); store.finish(c01, at: c + 8, row: 0)
            if rowCount < 2 { return }
            var r = c + ldc
            store.finish(c10, at: r, row: 1); store.finish(c11, at: r + 8, row: 1)
            if rowCount < 3 { return }
            r += ldc
            store.finish(c20, at: r, row: 2); store.finish(c21, at: r + 8, row: 2)
            if rowCount < 4 { return }
            r += ldc
            store.finish(c30, at: r, row: 3); store.finish(c31, at: r + 8, row: 3)
            if rowCount < 5 { return }
            r += ldc
            store.finish(c40, at: r, row: 4); store.finish(c41, at: r + 8, row: 4)
            if rowCount < 6 { return }
            r += ldc
            store.finish(c50, at: r, row: 5); store.finish(c51, at: r + 8, row: 5)
            return
        }
        withUnsafeTemporaryAllocation(of: Lane.self, capacity: 12) { tile in
            tile[0] = c00; tile[1] = c01; tile[2] = c10; tile[3] = c11
            tile[4] = c20; tile[5] = c21; tile[6] = c30; tile[7] = c31
            tile[8] = c40; tile[9] = c41; tile[10] = c50; tile[11] = c51
            let values = UnsafeRawPointer(tile.baseAddress!).assumingMemoryBound(to: Float.self)
            for i in 0..<rowCount {
                let row = c + i &* ldc
                for j in 0..<columnCount {
                    store.finish(values[i &* 16 &+ j], at: row + j, row: i)
                }
            }
        }
    }
}
