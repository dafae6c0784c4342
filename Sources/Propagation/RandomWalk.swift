// RandomWalk: semantic propagation by a random walk on the affinity graph (IRNet §5:
// T = D⁻¹A^β, vec(M*) = T^t · vec(M ⊙ (1 − B)); the reference's propagate_to_edge).
// Sits after IRNetwork (boundary B) and the CAMs: `propagate` turns CAM scores into walked scores.
// A holds 1 on the diagonal and the affinity of both directions of every pair of PathIndex(r)
// inside the map; each column of A^β is divided by its sum. The reference squares the dense
// (hw)² matrix exp_times times; here the sparse T, a stencil over the 2·|directions| + 1
// neighbours of each pixel, is applied 2^exp_times times: the same product up to float rounding,
// in O(hw) memory. The plain dense computation is kept beside it in RandomWalk+Dense.swift.

import Dispatch
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

    /// The order in which the step kernel visits the stencil for two rows at once.
    let taps: RowPairTaps
    /// Columns per stored row: the width rounded up to a multiple of 16.
    let paddedWidth: Int
    /// T[j + n, j] for every pixel j and neighbour n, packed in the kernel's reading order
    /// (RandomWalk+Weights.swift); 0 for neighbours outside the map and padding columns/rows.
    let weights: [Float]

    /// Precomputes the transition weights of a boundary map [h, w] (values in [0, 1], e.g. after
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
        self.paddedWidth = (width + 15) / 16 * 16
        let planes = RandomWalk.transitionPlanes(
            affinity: Affinity(boundary: boundary, pathIndex: pathIndex), beta: beta, neighbours: neighbours)
        self.weights = RandomWalk.pack(planes, taps: taps, height: height, width: width,
                                       paddedWidth: paddedWidth)
    }

    /// The reference's propagate_to_edge: (scores ⊙ (1 − boundary)) · T^(2^expTimes).
    /// `scores` has shape [C, h, w]; the result has the same shape. Scores must be finite.
    public func propagate(_ scores: Tensor, expTimes: Int = 8) -> Tensor {
        precondition(expTimes >= 0 && expTimes <= 30, "expTimes must be in 0...30, got \(expTimes)")
        checkShape(scores)
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
        return walk(damped, steps: 1 << expTimes)
    }

    /// x · T^steps for x of shape [C, h, w] (row vectors of hw pixels, one per channel): each
    /// step replaces every pixel by the T-weighted sum of its stencil neighbours.
    public func walk(_ x: Tensor, steps: Int) -> Tensor {
        precondition(steps >= 0, "steps must be non-negative, got \(steps)")
        checkShape(x)
        let channels = x.shape[0]
        let layout = WalkLayout(height: height, margin: radius - 1, paddedWidth: paddedWidth,
                                channels: channels)
        let current = UnsafeMutablePointer<Float>.allocate(capacity: layout.count)
        let next = UnsafeMutablePointer<Float>.allocate(capacity: layout.count)
        current.initialize(repeating: 0, count: layout.count)
        next.initialize(repeating: 0, count: layout.count)
        defer {
            current.deallocate()
            next.deallocate()
        }
        x.scalars.withUnsafeBufferPointer { source in
            for c in 0..<channels {
                for y in 0..<height {
                    let from = (c &* height &+ y) &* width
                    let to = layout.index(channel: c, row: y, column: 0)
                    for i in 0..<width { current[to &+ i] = source[from &+ i] }
                }
            }
        }
        let kernel = StepKernel(taps: taps, rowStride: layout.rowStride)
        let pairs = (height + 1) / 2
        let workers = RandomWalk.workerCount(
            rowPairs: pairs, work: channels * pairs * paddedWidth * 2 * neighbours.count)
        var input = current, output = next
        weights.withUnsafeBufferPointer { weights in
            kernel.offsets.withUnsafeBufferPointer { offsets in
                let weights = weights.baseAddress!
                for _ in 0..<steps {
                    let from = UnsafePointer(input), to = output
                    if workers == 1 {
                        kernel.step(from, to, rowPairs: 0..<pairs, layout: layout, weights: weights,
                                    offsets: offsets)
                    } else {
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in
                            let share = (pairs * worker / workers)..<(pairs * (worker + 1) / workers)
                            kernel.step(from, to, rowPairs: share, layout: layout, weights: weights,
                                        offsets: offsets)
                        }
                    }
                    swap(&input, &output)
                }
            }
        }
        var result = [Float](repeating: 0, count: channels * height * width)
        for c in 0..<channels {
            for y in 0..<height {
                let from = layout.index(channel: c, row: y, column: 0)
                let to = (c * height + y) * width
                for i in 0..<width { result[to + i] = input[from + i] }
            }
        }
        return Tensor(shape: [channels, height, width], scalars: result)
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

/// Where each pixel of a channel lives in the walk's zero-padded working buffers: `margin`
/// (radius − 1) zero rows and columns around the map, one more zero row below it (written with
/// zeros when the height is odd, as the second row of the last row pair), and the width padded
/// to a multiple of 16.
struct WalkLayout {
    let margin: Int
    /// Floats per stored row.
    let rowStride: Int
    /// Floats per channel.
    let planeStride: Int
    let count: Int

    init(height: Int, margin: Int, paddedWidth: Int, channels: Int) {
        self.margin = margin
        rowStride = paddedWidth + 2 * margin
        planeStride = (height + 2 * margin + 1) * rowStride
        count = channels * planeStride
    }

    @inline(__always)
    func index(channel: Int, row: Int, column: Int) -> Int {
        channel &* planeStride &+ (row &+ margin) &* rowStride &+ margin &+ column
    }
}
