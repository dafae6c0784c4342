// RandomWalk+Dense: the random walk computed the way the reference's propagate_to_edge does it
// (IRNet §5: T = D⁻¹A^β, M* = T^t · (M ⊙ (1 − B))), with a dense (hw)×(hw) transition matrix
// squared exp_times times.
// The naive twin of the sparse walk: plain loops, obviously right, O((hw)²) memory and
// O((hw)³) time per squaring, so only for tiny maps (tests, documentation).

import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RandomWalk {
    /// Largest map (in pixels) the dense computation accepts: its matrix has pixels² floats.
    public static let denseLimit = 4096

    /// The dense transition matrix T [hw, hw]: A = identity + the affinity of both directions
    /// of every pair inside the map, A^β elementwise, each column divided by its sum.
    public static func denseTransitionMatrix(boundary: Tensor, radius: Int = 5, beta: Float = 10) -> Tensor {
        precondition(boundary.rank == 2, "boundary must have shape [h, w], got \(boundary.shape)")
        let height = boundary.shape[0], width = boundary.shape[1], n = height * width
        precondition(n <= denseLimit, "dense random walk is for maps of at most \(denseLimit) pixels")
        let affinity = Affinity(boundary: boundary, pathIndex: PathIndex(radius: radius))
        var a = [Float](repeating: 0, count: n * n)
        for i in 0..<n { a[i * n + i] = 1 }
        for (d, offset) in affinity.pathIndex.directions.enumerated() {
            for y in 0..<height {
                for x in 0..<width where affinity.isInside(direction: d, y: y, x: x) {
                    let i = y * width + x, j = (y + offset.dy) * width + x + offset.dx
                    let value = affinity.values[d, y, x]
                    a[i * n + j] = value
                    a[j * n + i] = value
                }
            }
        }
        for k in a.indices { a[k] = powf(a[k], beta) }
        // Column sums in Double: the reference's float32 reduction is within ~4e-7 of exact.
        for j in 0..<n {
            var sum: Double = 0
            for i in 0..<n { sum += Double(a[i * n + j]) }
            for i in 0..<n { a[i * n + j] = Float(Double(a[i * n + j]) / sum) }
        }
        return Tensor(shape: [n, n], scalars: a)
    }

    /// (scores ⊙ (1 − boundary)) · T^(2^expTimes) with T squared expTimes times, as the reference
    /// computes it. `scores` is [C, h, w]; so is the result.
    public static func propagateDense(_ scores: Tensor, boundary: Tensor, radius: Int = 5,
                                      beta: Float = 10, expTimes: Int = 8) -> Tensor {
        precondition(scores.rank == 3 && Array(scores.shape[1...]) == boundary.shape,
                     "scores [C, h, w] must match boundary \(boundary.shape), got \(scores.shape)")
        var t = denseTransitionMatrix(boundary: boundary, radius: radius, beta: beta)
        for _ in 0..<expTimes { t = denseProduct(t, t) }
        var x = scores
        let planeSize = boundary.count
        for k in x.scalars.indices { x.scalars[k] *= 1 - boundary.scalars[k % planeSize] }
        return denseProduct(x.reshaped([scores.shape[0], planeSize]), t).reshaped(scores.shape)
    }

    /// Plain matrix product [m, k] · [k, n], each entry summed in Double and rounded once.
    static func denseProduct(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.shape[0], inner = a.shape[1], n = b.shape[1]
        precondition(b.shape[0] == inner)
        var c = [Float](repeating: 0, count: m * n)
        var row = [Double](repeating: 0, count: n)
        a.scalars.withUnsafeBufferPointer { a in
            b.scalars.withUnsafeBufferPointer { b in
                for i in 0..<m {
                    for j in 0..<n { row[j] = 0 }
                    for k in 0..<inner {
                        let aik = Double(a[i * inner + k])
                        for j in 0..<n { row[j] += aik * Double(b[k * n + j]) }
                    }
                    for j in 0..<n { c[i * n + j] = Float(row[j]) }
                }
            }
        }
        return Tensor(shape: [m, n], scalars: c)
    }
}
