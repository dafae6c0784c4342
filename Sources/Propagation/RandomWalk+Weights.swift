// RandomWalk+Weights: the transition matrix T = A^β normalised per column (IRNet §5, T = D⁻¹A^β),
// packed in the order the interleaved stencil reads it (computed when a walk takes that stencil),
// and the powers a^β shared with the symmetric form (RandomWalk+SymmetricWeights.swift).
// T[j + n, j] = A(j, j + n)^β / Σ_k A(j, j + k)^β over the stencil offsets n, with A(j, j) = 1
// and A = 0 across the map border. The sum is taken in Double: the reference's float32 column sum
// of its dense matrix is within ~4e-7 of the exact sum, a plain Float sum is off by up to ~2e-6,
// and that bias would compound over the 256 steps.
// Packing: rows go in pairs (A = 2p, B = 2p + 1); per pair and column, the taps of row A only,
// of row B only, then of both rows (A's and B's weight side by side), see RowPairTaps.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RandomWalk {
    /// T[j + n, j] as one h×w plane per stencil offset n: [neighbours][h][w].
    static func transitionPlanes(affinity: Affinity, beta: Float, neighbours: [PixelOffset]) -> [Float] {
        let height = affinity.height, width = affinity.width, planeSize = height * width
        var directionIndex: [PixelOffset: Int] = [:]
        for (d, offset) in affinity.pathIndex.directions.enumerated() { directionIndex[offset] = d }
        // A^β of every pair, once per pair (pairs leaving the map hold 0, and 0^β = 0).
        let powered = RandomWalk.powers(affinity.values.scalars, beta)
        // The plane of each stencil offset n: A(j, j + n) is the pair (j, j + n) when n is a
        // direction, the pair (j + n, j) stored at j + n when −n is one, and 1 at n = 0.
        var planes = [Float](repeating: 0, count: neighbours.count * planeSize)
        for (n, offset) in neighbours.enumerated() {
            let plane = n * planeSize
            if offset.dy == 0 && offset.dx == 0 {
                for j in 0..<planeSize { planes[plane + j] = 1 }
            } else if let d = directionIndex[offset] {
                for j in 0..<planeSize { planes[plane + j] = powered[d * planeSize + j] }
            } else {
                let d = directionIndex[PixelOffset(dy: -offset.dy, dx: -offset.dx)]!
                let top = max(0, -offset.dy), bottom = min(height, height - offset.dy)
                let left = max(0, -offset.dx), right = min(width, width - offset.dx)
                guard top < bottom, left < right else { continue }
                let shift = offset.dy * width + offset.dx
                for y in top..<bottom {
                    for x in left..<right {
                        let j = y * width + x
                        planes[plane + j] = powered[d * planeSize + j + shift]
                    }
                }
            }
        }
        // Column sums, then T = A^β / sum (in Double, rounded to Float once).
        var inverse = [Double](repeating: 0, count: planeSize)
        planes.withUnsafeMutableBufferPointer { planes in
            inverse.withUnsafeMutableBufferPointer { inverse in
                for n in neighbours.indices {
                    let plane = n &* planeSize
                    for j in 0..<planeSize { inverse[j] += Double(planes[plane &+ j]) }
                }
                for j in 0..<planeSize { inverse[j] = 1 / inverse[j] }
                for n in neighbours.indices {
                    let plane = n &* planeSize
                    for j in 0..<planeSize { planes[plane &+ j] = Float(Double(planes[plane &+ j]) * inverse[j]) }
                }
            }
        }
        return planes
    }

    /// a^β: for a whole β up to 64 by repeated squaring in Double (relative error < 1e-15),
    /// rounded once to Float — within one unit in the last place of powf, at a fraction of its
    /// cost; other β by powf.
    @inline(__always)
    static func power(_ a: Float, _ beta: Float) -> Float {
        guard let exponent = wholeExponent(beta) else { return powf(a, beta) }
        return power(a, exponent: exponent)
    }

    /// β as a whole exponent 1...64, or nil.
    static func wholeExponent(_ beta: Float) -> Int? {
        beta == beta.rounded() && beta >= 1 && beta <= 64 ? Int(beta) : nil
    }

    /// a^exponent by repeated squaring in Double, rounded once to Float.
    @inline(__always)
    static func power(_ a: Float, exponent: Int) -> Float {
        var exponent = exponent, base = Double(a), result = 1.0
        while exponent > 0 {
            if exponent & 1 == 1 { result *= base }
            base *= base
            exponent >>= 1
        }
        return Float(result)
    }

    /// a^β of every element, as `power(_:_:)` gives it (whole β: 8 elements at a time).
    static func powers(_ values: [Float], _ beta: Float) -> [Float] {
        guard let exponent = wholeExponent(beta) else { return values.map { powf($0, beta) } }
        var result = [Float](repeating: 0, count: values.count)
        let count = values.count
        values.withUnsafeBufferPointer { values in
            result.withUnsafeMutableBufferPointer { result in
                var i = 0
                while i &+ 8 <= count {
                    let a = UnsafeRawPointer(values.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                    var base = SIMD8<Double>(a), power = SIMD8<Double>(repeating: 1)
                    var bits = exponent
                    while bits > 0 {
                        if bits & 1 == 1 { power *= base }
                        base *= base
                        bits >>= 1
                    }
                    UnsafeMutableRawPointer(result.baseAddress! + i).storeBytes(of: SIMD8<Float>(power), as: SIMD8<Float>.self)
                    i &+= 8
                }
                while i < count {
                    result[i] = power(values[i], exponent: exponent)
                    i &+= 1
                }
            }
        }
        return result
    }

    /// 2·T packed as [row pair][column][tap], taps in the order onlyA, onlyB, both (two
    /// weights each: row A's, row B's); the missing second row of an odd height gets weight 0.
    /// The factor 2 is the one of the Chebyshev recurrence; power steps halve the sum (exactly).
    static func pack(_ planes: [Float], taps: RowPairTaps, height: Int, width: Int) -> [Float] {
        let perColumn = taps.vectorsPerBlock
        let pairs = (height + 1) / 2, planeSize = height * width
        var packed = [Float](repeating: 0, count: pairs * width * perColumn)
        var order: [(neighbour: Int, row: Int)] = []
        for tap in taps.onlyA { order.append((tap.a, 0)) }
        for tap in taps.onlyB { order.append((tap.b, 1)) }
        for tap in taps.both { order += [(tap.a, 0), (tap.b, 1)] }
        packed.withUnsafeMutableBufferPointer { packed in
            planes.withUnsafeBufferPointer { planes in
                for pair in 0..<pairs {
                    for column in 0..<width {
                        let base = (pair &* width &+ column) &* perColumn
                        for (k, entry) in order.enumerated() {
                            let y = 2 &* pair &+ entry.row
                            guard y < height else { continue }
                            packed[base &+ k] = 2 * planes[entry.neighbour &* planeSize &+ y &* width &+ column]
                        }
                    }
                }
            }
        }
        return packed
    }
}
