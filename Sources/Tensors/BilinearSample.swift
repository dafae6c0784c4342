// BilinearSample: the value of one H×W plane at a fractional point (y, x), interpolated from
// the four lattice points around it (floor and ceil of each coordinate). This is the reading
// step of displacement following in instance extraction (reference
// `find_centroids_with_refinement`, DESIGN §6 "bilinear displacement following"). The
// reference's NumPy code promotes the fractions (float32 − int32) to float64, so the sum is
// formed in Double, with the reference's corner order, and returned unrounded.

/// The plane `values` (height × width, row-major) interpolated at (`y`, `x`), which must lie in
/// [0, height − 1] × [0, width − 1]. With fy = y − ⌊y⌋, fx = x − ⌊x⌋ (in Double) it returns
/// v[⌈y⌉,⌈x⌉]·fy·fx + v[⌊y⌋,⌈x⌉]·(1−fy)·fx + v[⌈y⌉,⌊x⌋]·fy·(1−fx) + v[⌊y⌋,⌊x⌋]·(1−fy)·(1−fx),
/// multiplied and summed left to right in Double, like the reference's NumPy expression.
@inlinable
public func sampleBilinear(_ values: UnsafeBufferPointer<Float>, height: Int, width: Int,
                           y: Float, x: Float) -> Double {
    assert(y >= 0 && y <= Float(height - 1) && x >= 0 && x <= Float(width - 1),
           "sampleBilinear: point (\(y), \(x)) outside \(height)×\(width)")
    let floorY = y.rounded(.down), floorX = x.rounded(.down)
    let down = Int(floorY), up = Int(y.rounded(.up))
    let left = Int(floorX), right = Int(x.rounded(.up))
    let fy = Double(y) - Double(floorY), fx = Double(x) - Double(floorX)
    let v = values.baseAddress!
    let upRight = Double(v[up &* width &+ right]) * fy * fx
    let downRight = Double(v[down &* width &+ right]) * (1 - fy) * fx
    let upLeft = Double(v[up &* width &+ left]) * fy * (1 - fx)
    let downLeft = Double(v[down &* width &+ left]) * (1 - fy) * (1 - fx)
    return upRight + downRight + upLeft + downLeft
}

/// Plane `plane` of `tensor` (its last two dims; planes counted over all leading dims)
/// interpolated at (`y`, `x`); see `sampleBilinear(_:height:width:y:x:)`.
public func sampleBilinear(_ tensor: Tensor, plane: Int, y: Float, x: Float) -> Double {
    precondition(tensor.rank >= 2, "sampleBilinear: tensor of shape \(tensor.shape) has no planes")
    let height = tensor.shape[tensor.rank - 2], width = tensor.shape[tensor.rank - 1]
    let planes = tensor.shape.dropLast(2).reduce(1, *)
    precondition(plane >= 0 && plane < planes, "sampleBilinear: plane \(plane) of \(planes)")
    precondition(y >= 0 && y <= Float(height - 1) && x >= 0 && x <= Float(width - 1),
                 "sampleBilinear: point (\(y), \(x)) outside \(height)×\(width)")
    return tensor.scalars.withUnsafeBufferPointer { buffer in
        let start = plane * height * width
        return sampleBilinear(UnsafeBufferPointer(rebasing: buffer[start ..< start + height * width]),
                              height: height, width: width, y: y, x: x)
    }
}
