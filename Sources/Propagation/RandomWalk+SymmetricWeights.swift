// RandomWalk+SymmetricWeights: the transition operator of the random walk (IRNet §5,
// T = D⁻¹A^β) in its symmetric form, for the planar stencil (PlanarStencil.swift).
// With D the column sums of A^β, x·T^n = (x·D^½) · S^n · D^-½ for S = D^-½ A^β D^-½, which is
// symmetric: one weight per pair s(j, j + d) = a^β / √(d_j d_{j+d}), read from both ends, plus
// the centre weight 1 / d_j — 35 weights per pixel at radius 5 instead of the 69 of T. Degrees
// and weights are computed in Double and rounded to Float once (see RandomWalk+Weights.swift).
// Packed as [row][plane][column] over the zero-padded geometry of PlanarLayout: plane 0 the
// centre weights, plane 1 + k the pairs of PathIndex direction k, indexed by the pair's source.

/// S packed for the planar stencil, and the diagonal scalings √d and 1 / √d.
struct SymmetricWeights: Sendable {
    /// [paddedRows][1 + directions][rowStride], zero outside the map and for pairs leaving it.
    let packed: [Float]
    /// √d_j and 1 / √d_j for every pixel j, [h · w].
    let rootDegree: [Float]
    let inverseRootDegree: [Float]

    /// S of an affinity map and β; `geometry` fixes the padding (its channel count is unused).
    init(affinity: Affinity, beta: Float, geometry: PlanarLayout) {
        let height = affinity.height, width = affinity.width, planeSize = height * width
        let directions = affinity.pathIndex.directions
        // A^β of every pair (0 for pairs leaving the map) and the degrees d_j = 1 + Σ A^β(j, ·).
        let raised = RandomWalk.powers(affinity.values.scalars, beta)
        var powered = [Double](repeating: 0, count: directions.count * planeSize)
        var degree = [Double](repeating: 1, count: planeSize)
        raised.withUnsafeBufferPointer { raised in
            powered.withUnsafeMutableBufferPointer { powered in
                degree.withUnsafeMutableBufferPointer { degree in
                    for (k, d) in directions.enumerated() {
                        let plane = k &* planeSize, shift = d.dy &* width &+ d.dx
                        let left = max(0, -d.dx), right = min(width, width - d.dx)
                        guard d.dy < height, left < right else { continue }
                        for y in 0..<(height - d.dy) {
                            let row = y &* width
                            for x in left..<right {
                                let j = row &+ x
                                let a = Double(raised[plane &+ j])
                                powered[plane &+ j] = a
                                degree[j] += a
                                degree[j &+ shift] += a
                            }
                        }
                    }
                }
            }
        }
        var inverseRoot = [Double](repeating: 0, count: planeSize)
        for j in 0..<planeSize { inverseRoot[j] = 1 / degree[j].squareRoot() }
        rootDegree = degree.map { Float($0.squareRoot()) }
        inverseRootDegree = inverseRoot.map { Float($0) }

        let rowStride = geometry.rowStride, margin = geometry.margin
        let planes = 1 + directions.count
        let weightRow = planes &* rowStride
        var packed = [Float](repeating: 0, count: geometry.paddedRows * weightRow)
        packed.withUnsafeMutableBufferPointer { packed in
            for y in 0..<height {
                let row = (y &+ margin) &* weightRow &+ margin
                for x in 0..<width {
                    let j = y &* width &+ x
                    packed[row &+ x] = Float(1 / degree[j])
                }
                for (k, d) in directions.enumerated() {
                    let plane = row &+ (k &+ 1) &* rowStride
                    let source = k &* planeSize &+ y &* width, shift = d.dy &* width &+ d.dx
                    for x in 0..<width {
                        let a = powered[source &+ x]
                        guard a != 0 else { continue }
                        let j = y &* width &+ x
                        packed[plane &+ x] = Float(a * inverseRoot[j] * inverseRoot[j &+ shift])
                    }
                }
            }
        }
        self.packed = packed
    }
}
