// GroupNormBackward: the gradients of group normalisation (Tensors/GroupNorm.swift; the IRNet
// heads' GroupNorm(4/8/16), DESIGN §6) with respect to its input, γ and β.
// Forward, per sample n and group g of M elements: x̂ = (x − μ)·r with r = 1/√(σ² + ε) (biased
// variance), y = γ_c·x̂ + β_c. With ĝ = γ_c·dy (the gradient of x̂):
//   dβ_c = Σ dy,   dγ_c = Σ dy·x̂   (sums over samples and pixels),
//   dx = r·(ĝ − mean_g(ĝ) − x̂·mean_g(ĝ·x̂)).
// `groupNormBackward` gathers Σdy and Σdy·x per (sample, channel) in eight-lane blocks, then
// writes dx = a_c·dy + b·(x − μ) + e per group, threads over (sample, group); the twin is Double.

import Tensors

/// Gradients of a group normalisation.
public struct GroupNormGradients: Sendable {
    /// dL/dx, the input's shape.
    public var input: Tensor
    /// dL/dγ, [C].
    public var weight: Tensor
    /// dL/dβ, [C].
    public var bias: Tensor
}

/// Gradients of `groupNorm(input, groups:, weight:, bias:, epsilon:)` given the gradient of its
/// output. `weight` nil means γ = 1 (β does not enter the gradients).
public func groupNormBackward(outputGradient dy: Tensor, input x: Tensor, groups: Int,
                              weight: Tensor? = nil, epsilon: Float = 1e-5) -> GroupNormGradients {
    let (batch, channels, spatial) = checkGroupNormBackward(dy, x, groups, weight)
    let perGroup = channels / groups
    let gamma = weight?.scalars ?? [Float](repeating: 1, count: channels)
    // Per (sample, channel): Σ dy and Σ dy·x̂, for the parameter gradients.
    var sumsDy = [Double](repeating: 0, count: batch * channels)
    var sumsDyXhat = [Double](repeating: 0, count: batch * channels)
    var dx = [Float](repeating: 0, count: x.count)
    if x.count > 0 {
        x.scalars.withUnsafeBufferPointer { x in
            dy.scalars.withUnsafeBufferPointer { dy in
                dx.withUnsafeMutableBufferPointer { dx in
                    sumsDy.withUnsafeMutableBufferPointer { sumsDy in
                        sumsDyXhat.withUnsafeMutableBufferPointer { sumsDyXhat in
                            let items = batch * groups
                            let workers = x.count < 1 << 16 ? 1 : Parallelism.workers
                            Parallelism.forEachTask(items, workers: workers) { item in
                                groupBackward(item: item, x: x.baseAddress!, dy: dy.baseAddress!, dx: dx.baseAddress!,
                                              gamma: gamma, groups: groups, perGroup: perGroup, spatial: spatial,
                                              epsilon: epsilon, sumsDy: sumsDy.baseAddress!,
                                              sumsDyXhat: sumsDyXhat.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }
    var dGamma = [Float](repeating: 0, count: channels), dBeta = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
        var a = 0.0, b = 0.0
        for n in 0..<batch {
            a += sumsDyXhat[n * channels + c]
            b += sumsDy[n * channels + c]
        }
        dGamma[c] = Float(a)
        dBeta[c] = Float(b)
    }
    return GroupNormGradients(input: Tensor(shape: x.shape, scalars: dx),
                              weight: Tensor(shape: [channels], scalars: dGamma),
                              bias: Tensor(shape: [channels], scalars: dBeta))
}

/// One (sample, group): moments in Double, per-channel Σdy and Σdy·x, then dx in one pass.
@inline(__always)
private func groupBackward(item: Int, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                           dx: UnsafeMutablePointer<Float>, gamma: [Float], groups: Int, perGroup: Int,
                           spatial: Int, epsilon: Float, sumsDy: UnsafeMutablePointer<Double>,
                           sumsDyXhat: UnsafeMutablePointer<Double>) {
    let base = item &* perGroup &* spatial
    let count = perGroup &* spatial
    let n = item / groups, firstChannel = (item % groups) &* perGroup
    let channels = groups &* perGroup
    // Mean and biased variance, two passes in Double.
    var total = 0.0
    for i in 0..<count { total += Double(x[base &+ i]) }
    let mean = total / Double(count)
    var squares = 0.0
    for i in 0..<count {
        let d = Double(x[base &+ i]) - mean
        squares += d * d
    }
    let r = 1 / (squares / Double(count) + Double(epsilon)).squareRoot()
    let meanFloat = Float(mean)
    // Per channel: A = Σ dy, B = Σ dy·(x − μ).
    var sumG = 0.0, sumGXhat = 0.0
    for k in 0..<perGroup {
        let offset = base &+ k &* spatial
        var a = 0.0, b = 0.0
        var start = 0
        while start < spatial {
            let end = min(start &+ 1024, spatial)
            var laneA = SIMD8<Float>(), laneB = SIMD8<Float>()
            let centre = SIMD8<Float>(repeating: meanFloat)
            var i = start
            while i &+ 8 <= end {
                let g = UnsafeRawPointer(dy + (offset &+ i)).loadUnaligned(as: SIMD8<Float>.self)
                let v = UnsafeRawPointer(x + (offset &+ i)).loadUnaligned(as: SIMD8<Float>.self)
                laneA += g
                laneB += g * (v - centre)
                i &+= 8
            }
            var tailA: Float = 0, tailB: Float = 0
            while i < end {
                tailA += dy[offset &+ i]
                tailB += dy[offset &+ i] * (x[offset &+ i] - meanFloat)
                i &+= 1
            }
            a += Double(laneA.sum() + tailA)
            b += Double(laneB.sum() + tailB)
            start = end
        }
        // x − μ was taken against the rounded mean: correct B by Σdy·(μ_float − μ).
        b += a * (Double(meanFloat) - mean)
        let c = firstChannel &+ k
        sumsDy[n &* channels &+ c] = a
        sumsDyXhat[n &* channels &+ c] = b * r
        sumG += Double(gamma[c]) * a
        sumGXhat += Double(gamma[c]) * b * r
    }
    // dx = r·γ_c·dy − r·mean(ĝ) − x̂·r·mean(ĝ·x̂) = a_c·dy + slope·(x − μ) + e.
    let meanG = sumG / Double(count), meanGXhat = sumGXhat / Double(count)
    let slope = Float(-r * r * meanGXhat)
    let e = Float(-r * meanG - r * r * meanGXhat * (Double(meanFloat) - mean))
    let slopeVector = SIMD8<Float>(repeating: slope), eVector = SIMD8<Float>(repeating: e)
    let centre = SIMD8<Float>(repeating: meanFloat)
    for k in 0..<perGroup {
        let offset = base &+ k &* spatial
        let scale = Float(r * Double(gamma[firstChannel &+ k]))
        let scaleVector = SIMD8<Float>(repeating: scale)
        var i = 0
        while i &+ 8 <= spatial {
            let g = UnsafeRawPointer(dy + (offset &+ i)).loadUnaligned(as: SIMD8<Float>.self)
            let v = UnsafeRawPointer(x + (offset &+ i)).loadUnaligned(as: SIMD8<Float>.self)
            let result = scaleVector * g + slopeVector * (v - centre) + eVector
            UnsafeMutableRawPointer(dx + (offset &+ i)).storeBytes(of: result, as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < spatial {
            dx[offset &+ i] = scale * dy[offset &+ i] + slope * (x[offset &+ i] - meanFloat) + e
            i &+= 1
        }
    }
}

/// Naive twin of `groupNormBackward`: the formulas above, element by element, in Double.
public func groupNormBackwardNaive(outputGradient dy: Tensor, input x: Tensor, groups: Int,
                                   weight: Tensor? = nil, epsilon: Float = 1e-5) -> GroupNormGradients {
    let (batch, channels, spatial) = checkGroupNormBackward(dy, x, groups, weight)
    let perGroup = channels / groups, count = perGroup * spatial
    var dx = [Double](repeating: 0, count: x.count)
    var dGamma = [Double](repeating: 0, count: channels), dBeta = [Double](repeating: 0, count: channels)
    for n in 0..<batch {
        for g in 0..<groups {
            let first = (n * channels + g * perGroup) * spatial
            let values = (0..<count).map { Double(x.scalars[first + $0]) }
            let mean = values.reduce(0, +) / Double(count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)
            let r = 1 / (variance + Double(epsilon)).squareRoot()
            var xhat = [Double](), gHat = [Double]()
            for i in 0..<count {
                let c = g * perGroup + i / spatial
                let up = Double(dy.scalars[first + i])
                xhat.append((values[i] - mean) * r)
                gHat.append(up * Double(weight?.scalars[c] ?? 1))
                dBeta[c] += up
                dGamma[c] += up * xhat[i]
            }
            let meanG = gHat.reduce(0, +) / Double(count)
            let meanGXhat = zip(gHat, xhat).map { $0 * $1 }.reduce(0, +) / Double(count)
            for i in 0..<count {
                dx[first + i] = r * (gHat[i] - meanG - xhat[i] * meanGXhat)
            }
        }
    }
    return GroupNormGradients(input: Tensor(shape: x.shape, scalars: dx.map { Float($0) }),
                              weight: Tensor(shape: [channels], scalars: dGamma.map { Float($0) }),
                              bias: Tensor(shape: [channels], scalars: dBeta.map { Float($0) }))
}

private func checkGroupNormBackward(_ dy: Tensor, _ x: Tensor, _ groups: Int, _ weight: Tensor?)
    -> (batch: Int, channels: Int, spatial: Int) {
    precondition(x.rank >= 2, "groupNormBackward: input \(x.shape) needs at least [N, C]")
    precondition(dy.shape == x.shape, "groupNormBackward: output gradient \(dy.shape) and input \(x.shape) differ")
    let channels = x.shape[1]
    precondition(groups > 0 && channels % groups == 0,
                 "groupNormBackward: \(channels) channels cannot be split into \(groups) groups")
    precondition(weight.map { $0.count == channels } ?? true,
                 "groupNormBackward: weight \(weight?.shape ?? []) does not have \(channels) elements")
    precondition(x.shape.dropFirst(2).reduce(1, *) > 0 || x.count == 0,
                 "groupNormBackward: empty planes")
    return (x.shape[0], channels, x.shape.dropFirst(2).reduce(1, *))
}
