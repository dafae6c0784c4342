// matmul: the product of two 2-D tensors, [m, k] × [k, n] → [m, n], on the blocked GEMM.
// The tensor-level entry point for linear layers and tests; gemm gives full control
// (transposes, leading dimensions, alpha/beta, fused bias and activation).

/// a [m, k] × b [k, n] → [m, n].
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.rank == 2 && b.rank == 2, "matmul: needs 2-D tensors, got \(a.shape) and \(b.shape)")
    precondition(a.shape[1] == b.shape[0], "matmul: inner sizes differ, \(a.shape) × \(b.shape)")
    let m = a.shape[0], k = a.shape[1], n = b.shape[1]
    var c = [Float](repeating: 0, count: m * n)
    if m > 0 && n > 0 {
        gemm(m: m, n: n, k: k, a: a.scalars, lda: max(1, k), b: b.scalars, ldb: max(1, n), c: &c, ldc: n)
    }
    return Tensor(shape: [m, n], scalars: c)
}
