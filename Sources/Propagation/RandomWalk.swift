// RandomWalk: semantic propagation by a random walk on the affinity graph (IRNet §5:
// T = D⁻¹A^β, vec(M*) = T^t · vec(M ⊙ (1 − B)); the reference's propagate_to_edge).
// Sits after IRNetwork (boundary B) and the CAMs. A holds 1 on the diagonal and the affinity of
// both directions of every pair of PathIndex(r) inside the map; each column of A^β is divided by
// its sum. The reference squares the dense (hw)² matrix exp_times times; here T is a sparse
// stencil over the 2·|directions| + 1 neighbours of each pixel and x·T^(2^exp_times) is a
// truncated Chebyshev expansion (about 100 stencil passes instead of 256), in O(hw) memory, on
// a planar or a channel-interleaved stencil (RandomWalk+Passes.swift). Twins: plain powers
// (walkByPowers, walkNaive) and the dense computation (RandomWalk+Dense.swift).

import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct RandomWalk: Sendable {
    public let height: Int
    public let width: Int
    public let radius: Int
    public let beta: Float
    /// The boundary map [h, w] the walk was built from.
    public let boundary: Tensor
    /// The stencil: every offset n with T[j + n, j] possibly non-zero, in raster order
    /// ((0, 0) and ± every PathIndex direction).
    public let neighbours: [PixelOffset]

    /// The order in which the stencils visit the taps for two rows at once.
    let taps: RowPairTaps
    /// The affinities of every pair: each walk computes the weights of the stencil it takes
    /// from them (T or its symmetric form, RandomWalk+Passes.swift).
    let affinity: Affinity
    /// The planar stencil's tap table (its layout's channel count is unused).
    let planar: PlanarStencil

    /// Precomputes the affinities of a boundary map [h, w] (values in [0, 1], e.g. after
    /// a sigmoid). `radius` ≥ 1 selects the pairs (PathIndex), `beta` > 0 sharpens affinities.
    public init(boundary: Tensor, radius: Int = 5, beta: Float = 10) {
        precondition(boundary.rank == 2 && boundary.shape[0] > 0 && boundary.shape[1] > 0,
                     "boundary must have shape [h, w] with h, w > 0, got \(boundary.shape)")
        precondition(beta > 0, "beta must be positive, got \(beta)")
        let pathIndex = PathIndex(radius: radius)
        self.height = boundary.shape[0]
        self.width = boundary.shape[1]
        self.radius = radius
        self.beta = beta
        self.boundary = boundary
        let neighbours = RandomWalk.stencil(pathIndex)
        self.neighbours = neighbours
        self.taps = RowPairTaps(neighbours: neighbours)
        let affinity = Affinity(boundary: boundary, pathIndex: pathIndex)
        self.affinity = affinity
        let geometry = PlanarLayout(height: height, width: width, margin: max(1, radius - 1), channels: 0)
        self.planar = PlanarStencil(taps: taps, neighbours: neighbours, directions: pathIndex.directions,
                                    layout: geometry)
    }

    /// 2·T packed for the interleaved stencil (RandomWalk+Weights.swift).
    func interleavedWeights() -> [Float] {
        let planes = RandomWalk.transitionPlanes(affinity: affinity, beta: beta, neighbours: neighbours)
        return RandomWalk.pack(planes, taps: taps, height: height, width: width)
    }

    /// The reference's propagate_to_edge: (scores ⊙ (1 − boundary)) · T^(2^expTimes).
    /// `scores` has shape [C, h, w]; the result has the same shape. Scores must be finite.
    public func propagate(_ scores: Tensor, expTimes: Int = 8) -> Tensor {
        precondition(expTimes >= 0 && expTimes <= 30, "expTimes must be in 0...30, got \(expTimes)")
        checkShape(scores)
        return walk(damped(scores), steps: 1 << expTimes)
    }

    /// scores ⊙ (1 − boundary), every channel.
    func damped(_ scores: Tensor) -> Tensor {
        var damped = scores
        let planeSize = height * width
        damped.scalars.withUnsafeMutableBufferPointer { x in
            boundary.scalars.withUnsafeBufferPointer { edge in
                for c in 0..<scores.shape[0] {
                    let plane = c &* planeSize
                    for j in 0..<planeSize { x[plane &+ j] *= 1 - edge[j] }
                }
            }
        }
        return damped
    }

    /// x · T^steps for x of shape [C, h, w] (row vectors of hw pixels, one per channel): a
    /// truncated Chebyshev expansion of T^steps when that takes fewer stencil passes
    /// (`chebyshevDegree`), else `steps` plain applications of T. `kernel` picks the stencil
    /// (by default the faster one for the channel count, `kernel(channels:)`).
    public func walk(_ x: Tensor, steps: Int, kernel: WalkKernel? = nil) -> Tensor {
        precondition(steps >= 0, "steps must be non-negative, got \(steps)")
        checkShape(x)
        let kernel = kernel ?? self.kernel(channels: x.shape[0])
        if let degree = chebyshevDegree(steps: steps) {
            return walkByChebyshev(x, steps: steps, degree: degree, kernel: kernel)
        }
        return walkByPowers(x, steps: steps, kernel: kernel)
    }

    /// x · T^steps by `steps` applications of the stencil, one after the other.
    public func walkByPowers(_ x: Tensor, steps: Int, kernel: WalkKernel? = nil) -> Tensor {
        precondition(steps >= 0, "steps must be non-negative, got \(steps)")
        checkShape(x)
        let passes = passes(x, kernel: kernel ?? self.kernel(channels: x.shape[0]), buffers: 2)
        var current = 0
        for _ in 0..<steps {
            passes.apply(from: current, to: 1 - current, accumulator: 1 - current, mode: .power)
            current = 1 - current
        }
        return passes.tensor(from: current)
    }

    func layout(channels: Int) -> WalkLayout {
        WalkLayout(height: height, width: width, margin: max(1, radius - 1), channels: channels)
    }

    /// One pass of the interleaved stencil with weights `weights` (`interleavedWeights()`) over
    /// the whole map (threads over bands of row pairs).
    func apply(_ buffers: WalkBuffers, weights: [Float], from: Int, to: Int, accumulator: Int,
               mode: StencilOutput) {
        let layout = buffers.layout
        guard layout.groups > 0 else { return }
        let kernel = StencilKernel(taps: taps, layout: layout)
        let pairs = (height + 1) / 2
        let workers = RandomWalk.workerCount(
            rowPairs: pairs, work: layout.groups * 8 * pairs * width * 2 * neighbours.count)
        let x = UnsafePointer(buffers.planes[from]), out = buffers.planes[to]
        let acc = buffers.planes[accumulator]
        weights.withUnsafeBufferPointer { weights in
            kernel.offsets.withUnsafeBufferPointer { offsets in
                let weights = weights.baseAddress!
                Parallelism.forEachTask(workers, workers: workers) { worker in
                    kernel.step(x, out, acc, rowPairs: Parallelism.share(of: pairs, parts: workers, index: worker),
                                layout: layout, weights: weights, offsets: offsets, mode: mode)
                }
            }
        }
    }

    private func checkShape(_ x: Tensor) {
        precondition(x.rank == 3 && x.shape[1] == height && x.shape[2] == width,
                     "scores must have shape [C, \(height), \(width)], got \(x.shape)")
    }

    /// (0, 0) and ± every direction of `pathIndex`, in raster order (by dy, then dx).
    static func stencil(_ pathIndex: PathIndex) -> [PixelOffset] {
        let all = [PixelOffset(dy: 0, dx: 0)] + pathIndex.directions
            + pathIndex.directions.map { PixelOffset(dy: -$0.dy, dx: -$0.dx) }
        return all.sorted { ($0.dy, $0.dx) < ($1.dy, $1.dx) }
    }

    /// Worker threads for a walk: `Parallelism.workers` (the --threads setting), at most one per
    /// row pair, and one when a step is too small to pay for the hand-off.
    static func workerCount(rowPairs: Int, work: Int) -> Int {
        guard work >= 1 << 16 else { return 1 }
        return max(1, min(Parallelism.workers, rowPairs))
    }
}
