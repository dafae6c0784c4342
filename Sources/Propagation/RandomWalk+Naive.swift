// RandomWalk+Naive: x·T^steps by plain loops over the sparse stencil (IRNet §5), the naive twin
// of the SIMD stencil (RandomWalk+Stencil.swift) and of the Chebyshev walk
// (RandomWalk+Chebyshev.swift): per step, every pixel j of every channel becomes
// Σ_n T[j + n, j] · x[j + n] over the in-map neighbours n, summed in Double.

import Tensors

extension RandomWalk {
    /// x·T^steps for x [C, h, w], one plain step after the other (slow; for tests).
    public func walkNaive(_ x: Tensor, steps: Int) -> Tensor {
        precondition(steps >= 0, "steps must be non-negative, got \(steps)")
        precondition(x.rank == 3 && x.shape[1] == height && x.shape[2] == width)
        let planes = RandomWalk.transitionPlanes(
            affinity: Affinity(boundary: boundary, pathIndex: PathIndex(radius: radius)), beta: beta,
            neighbours: neighbours)
        let planeSize = height * width
        var current = x.scalars
        var next = current
        for _ in 0..<steps {
            for c in 0..<x.shape[0] {
                for y in 0..<height {
                    for i in 0..<width {
                        var sum = 0.0
                        for (n, offset) in neighbours.enumerated() {
                            let yy = y + offset.dy, xx = i + offset.dx
                            guard yy >= 0, yy < height, xx >= 0, xx < width else { continue }
                            sum += Double(planes[n * planeSize + y * width + i])
                                * Double(current[c * planeSize + yy * width + xx])
                        }
                        next[c * planeSize + y * width + i] = Float(sum)
                    }
                }
            }
            swap(&current, &next)
        }
        return Tensor(shape: x.shape, scalars: current)
    }
}
