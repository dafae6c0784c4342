// GroupNorm: group normalisation (Wu & He, ECCV 2018) of an [N, C, *] tensor, as in the IRNet
// boundary and displacement heads (GroupNorm(4) / (8) / (16), DESIGN §6). For each sample and
// each of G channel groups: y = (x − mean) / sqrt(var + eps) · weight[c] + bias[c], with the
// biased variance (divide by the group's element count) like `torch.nn.GroupNorm`.
// `groupNorm` is the fast kernel (SIMD two-pass moments, threads over groups);
// `groupNormNaive` is its plain-loop twin in Double precision.

/// Group normalisation of `x` ([N, C, ...], any trailing spatial dims) over `groups` groups of
/// C / groups consecutive channels, then the per-channel affine map `weight`, `bias` (each [C];
/// nil means 1 and 0). Equals `torch.nn.functional.group_norm(x, groups, weight, bias, eps)`.
public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                      epsilon: Float = 1e-5) -> Tensor {
    let (batch, channels, spatial) = checkGroupNormArguments(x, groups, weight, bias)
    let perGroup = channels / groups
    let groupSize = perGroup * spatial
    guard x.count > 0 else { return Tensor(shape: x.shape) }
    let gamma = weight?.scalars ?? [Float](repeating: 1, count: channels)
    let beta = bias?.scalars ?? [Float](repeating: 0, count: channels)

    return Tensor(shape: x.shape, uninitializedBy: { output in
        x.scalars.withUnsafeBufferPointer { input in
            gamma.withUnsafeBufferPointer { gamma in
                beta.withUnsafeBufferPointer { beta in
                    let src = input.baseAddress!, dst = output.baseAddress!
                    forEachChunk(count: batch * groups, costPerItem: groupSize * 4) { range in
                        for item in range {
                            let base = item &* groupSize
                            let (mean, meanLow, variance) = groupMoments(src + base, count: groupSize)
                            let rstd = 1 / (variance + epsilon).squareRoot()
                            let firstChannel = (item % groups) &* perGroup
                            for k in 0 ..< perGroup {
                                let c = firstChannel &+ k
                                let offset = base &+ k &* spatial
                                normalize(src + offset, dst + offset, count: spatial, mean: mean,
                                          meanLow: meanLow, scale: rstd * gamma[c], shift: beta[c])
                            }
                        }
                    }
                }
            }
        }
    })
}

/// Plain-loop twin of `groupNorm`: moments and normalisation in Double, one element at a time.
public func groupNormNaive(_ x: Tensor, groups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                           epsilon: Float = 1e-5) -> Tensor {
    let (batch, channels, spatial) = checkGroupNormArguments(x, groups, weight, bias)
    let perGroup = channels / groups
    var result = Tensor(shape: x.shape)
    for n in 0 ..< batch {
        for g in 0 ..< groups {
            let first = (n * channels + g * perGroup) * spatial
            let count = perGroup * spatial
            var sum = 0.0
            for i in 0 ..< count { sum += Double(x.scalars[first + i]) }
            let mean = sum / Double(count)
            var squares = 0.0
            for i in 0 ..< count {
                let d = Double(x.scalars[first + i]) - mean
                squares += d * d
            }
            let variance = squares / Double(count)
            let rstd = 1 / (variance + Double(epsilon)).squareRoot()
            for k in 0 ..< perGroup {
                let c = g * perGroup + k
                let w = Double(weight?.scalars[c] ?? 1), b = Double(bias?.scalars[c] ?? 0)
                for s in 0 ..< spatial {
                    let i = first + k * spatial + s
                    result.scalars[i] = Float((Double(x.scalars[i]) - mean) * rstd * w + b)
                }
            }
        }
    }
    return result
}

private func checkGroupNormArguments(_ x: Tensor, _ groups: Int, _ weight: Tensor?,
                                     _ bias: Tensor?) -> (batch: Int, channels: Int, spatial: Int) {
    precondition(x.rank >= 2, "groupNorm: input of shape \(x.shape) needs at least [N, C]")
    let channels = x.shape[1]
    precondition(groups > 0 && channels % groups == 0,
                 "groupNorm: \(channels) channels cannot be split into \(groups) groups")
    precondition(weight.map { $0.count == channels } ?? true,
                 "groupNorm: weight of shape \(weight?.shape ?? []) does not have \(channels) elements")
    precondition(bias.map { $0.count == channels } ?? true,
                 "groupNorm: bias of shape \(bias?.shape ?? []) does not have \(channels) elements")
    return (x.shape[0], channels, x.shape.dropFirst(2).reduce(1, *))
}

/// Mean and biased variance of `count` floats in two passes. The first sums the elements for a
/// rough mean m0; the second sums d = x − m0 and d² (d is exact or nearly so, since x is close
/// to m0 wherever it matters), giving mean = m0 + Σd/n and variance = Σd²/n − (Σd/n)² without
/// cancellation. Sums run in eight-lane Float accumulators over blocks of `momentBlock`
/// elements, block sums in Double. The mean comes back as a Float pair mean + meanLow (its
/// Double value split in two) so callers can centre as (x − mean) − meanLow, again exactly.
@inline(__always)
private func groupMoments(_ p: UnsafePointer<Float>, count: Int)
    -> (mean: Float, meanLow: Float, variance: Float) {
    var total = 0.0
    var blockStart = 0
    while blockStart < count {
        let blockEnd = min(blockStart &+ momentBlock, count)
        var acc0 = FloatVector(), acc1 = FloatVector()
        var i = blockStart
        while i &+ 2 &* vectorWidth <= blockEnd {
            acc0 += p.vector(at: i)
            acc1 += p.vector(at: i &+ vectorWidth)
            i &+= 2 &* vectorWidth
        }
        var tail: Float = 0
        while i < blockEnd { tail += p[i]; i &+= 1 }
        total += Double((acc0 + acc1).sum() + tail)
        blockStart = blockEnd
    }
    let rough = Float(total / Double(count))

    let center = FloatVector(repeating: rough)
    var shiftTotal = 0.0, squareTotal = 0.0
    blockStart = 0
    while blockStart < count {
        let blockEnd = min(blockStart &+ momentBlock, count)
        var sum0 = FloatVector(), sum1 = FloatVector()
        var square0 = FloatVector(), square1 = FloatVector()
        var i = blockStart
        while i &+ 2 &* vectorWidth <= blockEnd {
            let d0 = p.vector(at: i) - center
            let d1 = p.vector(at: i &+ vectorWidth) - center
            sum0 += d0; sum1 += d1
            square0 += d0 * d0; square1 += d1 * d1
            i &+= 2 &* vectorWidth
        }
        var sumTail: Float = 0, squareTail: Float = 0
        while i < blockEnd {
            let d = p[i] - rough
            sumTail += d; squareTail += d * d
            i &+= 1
        }
        shiftTotal += Double((sum0 + sum1).sum() + sumTail)
        squareTotal += Double((square0 + square1).sum() + squareTail)
        blockStart = blockEnd
    }
    let shift = shiftTotal / Double(count)
    let variance = max(squareTotal / Double(count) - shift * shift, 0)
    let exactMean = Double(rough) + shift
    let mean = Float(exactMean)
    return (mean, Float(exactMean - Double(mean)), Float(variance))
}

/// Elements per Float partial sum in `groupMoments` (a multiple of 16).
private let momentBlock = 2048

/// dst[i] = ((src[i] − mean) − meanLow) · scale + shift for `count` elements. Centring first
/// keeps groups with a large mean and a tiny spread accurate (PyTorch folds the mean into the
/// shift instead, which costs a rounding of mean · scale; the goldens absorb the difference).
@inline(__always)
private func normalize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                       mean: Float, meanLow: Float, scale: Float, shift: Float) {
    let m = FloatVector(repeating: mean), low = FloatVector(repeating: meanLow)
    let s = FloatVector(repeating: scale), t = FloatVector(repeating: shift)
    var i = 0
    while i &+ vectorWidth <= count {
        dst.setVector(((src.vector(at: i) - m) - low) * s + t, at: i)
        i &+= vectorWidth
    }
    while i < count { dst[i] = ((src[i] - mean) - meanLow) * scale + shift; i &+= 1 }
}
