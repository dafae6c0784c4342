// CentroidRefinement: the instance centroid of every pixel, found by following the predicted
// displacement field (IRNet §5, "centroid refinement"; reference `find_centroids_with_refinement`,
// DESIGN §6 "Instances"). Each pixel starts at its own coordinates and moves, `steps` times, by
// the field interpolated bilinearly at its current point (corners from floor and ceil), then is
// clipped to the map; the final point is rounded half to even. The arithmetic is NumPy's: points
// are float32, the interpolation is float64 (float32 minus int32 promotes), each move is added
// in float64 and stored as float32. Fast path: small batches of pixels through all steps (their
// paths are independent), threads over batches; naive twin: the whole map steps together.
import Tensors

/// Rounded centroids of every pixel of an `height` × `width` map.
public struct Centroids: Equatable, Sendable {
    public let height: Int
    public let width: Int
    /// Row-major centroid row of each pixel, in 0 ..< height.
    public var rows: [Int32]
    /// Row-major centroid column of each pixel, in 0 ..< width.
    public var columns: [Int32]

    public init(height: Int, width: Int, rows: [Int32], columns: [Int32]) {
        precondition(rows.count == height * width && columns.count == height * width,
                     "Centroids: \(rows.count) rows and \(columns.count) columns for \(height)×\(width)")
        self.height = height
        self.width = width
        self.rows = rows
        self.columns = columns
    }

    /// Row-major index of the pixel where pixel `pixel`'s centroid lands.
    @inlinable public func landingIndex(of pixel: Int) -> Int {
        Int(rows[pixel]) * width + Int(columns[pixel])
    }
}

/// Centroids of every pixel: `centroidPositions(following:steps:)` rounded half to even, as
/// the reference's `np.round(...).astype(np.int32)`. `displacement` is [2, h, w] (row shift,
/// then column shift) with finite values; `steps` is 300 in the reference.
public func findCentroids(displacement: Tensor, steps: Int = 300) -> Centroids {
    let positions = centroidPositions(following: displacement, steps: steps)
    let height = displacement.shape[1], width = displacement.shape[2]
    let count = height * width
    let rounded = positions.scalars.map { Int32($0.rounded(.toNearestOrEven)) }
    return Centroids(height: height, width: width, rows: Array(rounded[0 ..< count]),
                     columns: Array(rounded[count ..< 2 * count]))
}

/// The unrounded float32 points [2, h, w] (rows, then columns) reached by every pixel after
/// `steps` moves along `displacement` ([2, h, w], finite). Fast path.
public func centroidPositions(following displacement: Tensor, steps: Int = 300) -> Tensor {
    let (height, width) = checkDisplacement(displacement, steps, "centroidPositions")
    let count = height * width
    guard count > 0 else { return Tensor(shape: [2, height, width]) }
    // The two planes interleaved and widened to Double (exactly), so one load fetches both
    // components of a corner ready for the float64 products.
    var field = [SIMD2<Double>](repeating: .zero, count: count)
    for p in 0 ..< count { field[p] = SIMD2(Double(displacement.scalars[p]), Double(displacement.scalars[count + p])) }
    var positions = [Float](repeating: 0, count: 2 * count)

    field.withUnsafeBufferPointer { fieldBuffer in
        positions.withUnsafeMutableBufferPointer { output in
            let source = fieldBuffer.baseAddress!, target = output.baseAddress!
            // Chunks of at least 256 pixels, concurrent from 2^16 pixel-steps on.
            forEachChunk(count: count, costPerItem: max(steps, 1), maxChunks: min((count + 255) / 256, 16),
                         threshold: 1 << 16) { range in
                var first = range.lowerBound
                while first < range.upperBound {
                    let lanes = min(batchSize, range.upperBound - first)
                    followBatch(source, height: height, width: width, first: first, lanes: lanes, steps: steps,
                                ys: target + first, xs: target + count + first)
                    first += lanes
                }
            }
        }
    }
    return Tensor(shape: [2, height, width], scalars: positions)
}

/// Naive twin of `centroidPositions(following:steps:)`: every step moves all points at once,
/// each component sampled with `sampleBilinear`, then clipped, like the reference's loop.
public func centroidPositionsNaive(following displacement: Tensor, steps: Int = 300) -> Tensor {
    let (height, width) = checkDisplacement(displacement, steps, "centroidPositionsNaive")
    let count = height * width
    var ys = (0 ..< count).map { Float($0 / max(width, 1)) }
    var xs = (0 ..< count).map { Float($0 % max(width, 1)) }
    let lastRow = Float(height - 1), lastColumn = Float(width - 1)
    for _ in 0 ..< steps {
        for p in 0 ..< count {
            let moveY = sampleBilinear(displacement, plane: 0, y: ys[p], x: xs[p])
            let moveX = sampleBilinear(displacement, plane: 1, y: ys[p], x: xs[p])
            ys[p] = clipLikeNumPy(Float(Double(ys[p]) + moveY), upper: lastRow)
            xs[p] = clipLikeNumPy(Float(Double(xs[p]) + moveX), upper: lastColumn)
        }
    }
    return Tensor(shape: [2, height, width], scalars: ys + xs)
}

private func checkDisplacement(_ displacement: Tensor, _ steps: Int, _ caller: String) -> (Int, Int) {
    precondition(displacement.rank == 3 && displacement.shape[0] == 2,
                 "\(caller): displacement must be [2, h, w], got \(displacement.shape)")
    precondition(steps >= 0, "\(caller): negative step count \(steps)")
    precondition(displacement.scalars.allSatisfy { $0.isFinite },
                 "\(caller): displacement has a non-finite value")
    return (displacement.shape[1], displacement.shape[2])
}

/// NumPy's clip of a float to [0, upper]: max first (`x > 0 ? x : 0`), then min.
@inline(__always)
private func clipLikeNumPy(_ value: Float, upper: Float) -> Float {
    let raised = value > 0 ? value : 0
    return raised < upper ? raised : upper
}

/// Pixels followed together by `followBatch`: enough independent paths to hide the latency
/// of one step (a chain of loads, conversions and multiplies) behind the others.
private let batchSize = 16

/// Paths of the `lanes` pixels from row-major index `first`, step by step together, written to
/// `ys` / `xs`. Stops early once a step leaves every point unchanged: from a fixed point every
/// later step changes nothing, so the result is the same.
@inline(__always)
private func followBatch(_ field: UnsafePointer<SIMD2<Double>>, height: Int, width: Int, first: Int,
                         lanes: Int, steps: Int, ys: UnsafeMutablePointer<Float>, xs: UnsafeMutablePointer<Float>) {
    let lastRow = Float(height - 1), lastColumn = Float(width - 1)
    for lane in 0 ..< lanes {
        ys[lane] = Float((first &+ lane) / width)
        xs[lane] = Float((first &+ lane) % width)
    }
    for _ in 0 ..< steps {
        var moved = false
        for lane in 0 ..< lanes {
            let y = ys[lane], x = xs[lane]
            let floorY = y.rounded(.down), floorX = x.rounded(.down)
            // ceil(v) = floor(v) + 1 unless v is whole; points are finite and inside the map.
            let down = Int(floorY) &* width, up = down &+ (y > floorY ? width : 0)
            let left = Int(floorX), right = left &+ (x > floorX ? 1 : 0)
            let fy = Double(y) - Double(floorY), fx = Double(x) - Double(floorX)
            let gy = 1 - fy, gx = 1 - fx
            // The reference's four products, each (value · weight) · weight, summed left to
            // right; both components at once (lanes are independent, so each is exact).
            let move = field[up &+ right] * fy * fx + field[down &+ right] * gy * fx
                + field[up &+ left] * fy * gx + field[down &+ left] * gy * gx
            let moveY = move.x, moveX = move.y
            let nextY = clipLikeNumPy(Float(Double(y) + moveY), upper: lastRow)
            let nextX = clipLikeNumPy(Float(Double(x) + moveX), upper: lastColumn)
            moved = moved || nextY != y || nextX != x
            ys[lane] = nextY
            xs[lane] = nextX
        }
        if !moved { break }
    }
}
