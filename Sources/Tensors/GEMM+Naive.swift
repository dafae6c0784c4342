// The naive twin of GEMM: the definition C = act(alpha·op(A)·op(B) + beta·C + bias[i]) as
// three plain loops, one Float sum per element in k order. Tests compare the blocked GEMM
// against it; it is never used on a hot path.

/// Reference GEMM with the same contract as `gemm` (beta 0 means C is not read).
public func gemmNaive(transposeA: Bool = false, transposeB: Bool = false,
                      m: Int, n: Int, k: Int, alpha: Float = 1,
                      a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0,
                      c: UnsafeMutablePointer<Float>, ldc: Int,
                      rowBias: UnsafePointer<Float>? = nil,
                      activation: Activation = .identity) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                let aValue = transposeA ? a[p * lda + i] : a[i * lda + p]
                let bValue = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                sum += aValue * bValue
            }
            var value = alpha * sum
            if beta != 0 { value += beta * c[i * ldc + j] }
            if let rowBias { value += rowBias[i] }
            c[i * ldc + j] = activation(value)
        }
    }
}

/// Array form of `gemmNaive`.
public func gemmNaive(transposeA: Bool = false, transposeB: Bool = false,
                      m: Int, n: Int, k: Int, alpha: Float = 1,
                      a: [Float], lda: Int, b: [Float], ldb: Int,
                      beta: Float = 0, c: inout [Float], ldc: Int,
                      rowBias: [Float]? = nil, activation: Activation = .identity) {
    precondition(GEMMShape.fits(count: a.count, rows: transposeA ? k : m, columns: transposeA ? m : k, ld: lda))
    precondition(GEMMShape.fits(count: b.count, rows: transposeB ? n : k, columns: transposeB ? k : n, ld: ldb))
    precondition(GEMMShape.fits(count: c.count, rows: m, columns: n, ld: ldc))
    precondition(rowBias.map { $0.count >= m } ?? true)
    guard m > 0 && n > 0 else { return }
    let bias = rowBias ?? []
    c.withUnsafeMutableBufferPointer { c in
        let cBase = c.baseAddress!
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bias in
                    // A and B can only be empty when k = 0, and then they are never read.
                    gemmNaive(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: a.baseAddress ?? UnsafePointer(cBase), lda: lda,
                              b: b.baseAddress ?? UnsafePointer(cBase), ldb: ldb, beta: beta,
                              c: cBase, ldc: ldc, rowBias: rowBias == nil ? nil : bias.baseAddress,
                              activation: activation)
                }
            }
        }
    }
}
