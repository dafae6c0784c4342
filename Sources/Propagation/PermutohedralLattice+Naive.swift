// The plain-loop twin of the permutohedral filter: the same embedding, but vertices kept in a
// Dictionary, splatting by scattering over points, blurring and slicing channel by channel with
// scalar loops and no threads. Tests run it beside the fast filter (flat hash table, gathered
// splat, SIMD blocks, threads) on seeded random features; both must agree to float rounding.
// Adams, Baek & Davis (Eurographics 2010) §4, as PermutohedralLattice+Filter.

extension PermutohedralLattice {
    /// Filters `values` (point-major, `channels` per point) with plain loops; see `filter`.
    public static func naiveFilter(features: [Float], dimension d: Int, values: [Float], channels: Int,
                                   addingOriginVertices: Bool = false) -> [Float] {
        let n = features.count / d
        precondition(features.count == n * d && values.count == n * channels)
        let embedding = LatticeEmbedding(dimension: d)
        var ids: [[Int32]: Int] = [:]
        var keyList: [[Int32]] = []
        var pointVertices: [[Int]] = []
        var pointWeights: [[Float]] = []
        var keys = [Int32](repeating: 0, count: (d + 1) * d)
        var weights = [Float](repeating: 0, count: d + 1)
        var scratch = [Float](repeating: 0, count: embedding.scratchCount)

        func embed(_ feature: [Float]) -> (vertices: [Int], weights: [Float]) {
            feature.withUnsafeBufferPointer { f in
                embedding.embed(f.baseAddress!, keys: &keys, weights: &weights, scratch: &scratch)
            }
            var vertices: [Int] = []
            for r in 0 ... d {
                let key = Array(keys[r * d ..< (r + 1) * d])
                if let id = ids[key] {
                    vertices.append(id)
                } else {
                    ids[key] = keyList.count
                    vertices.append(keyList.count)
                    keyList.append(key)
                }
            }
            return (vertices, weights)
        }
        for i in 0 ..< n {
            let (vertices, w) = embed(Array(features[i * d ..< (i + 1) * d]))
            pointVertices.append(vertices)
            pointWeights.append(w)
        }
        if addingOriginVertices { _ = embed([Float](repeating: 0, count: d)) }
        let m = keyList.count
        let alpha = 1 / (1 + Float(sign: .plus, exponent: -d, significand: 1))

        var result = [Float](repeating: 0, count: n * channels)
        for c in 0 ..< channels {
            var lattice = [Float](repeating: 0, count: m)
            for i in 0 ..< n {
                for r in 0 ... d {
                    lattice[pointVertices[i][r]] += pointWeights[i][r] * values[i * channels + c]
                }
            }
            for j in 0 ... d {
                var blurred = [Float](repeating: 0, count: m)
                for v in 0 ..< m {
                    var forward = keyList[v].map { $0 - 1 }
                    var backward = keyList[v].map { $0 + 1 }
                    if j < d {
                        forward[j] = keyList[v][j] + Int32(d)
                        backward[j] = keyList[v][j] - Int32(d)
                    }
                    let a = ids[forward].map { lattice[$0] } ?? 0
                    let b = ids[backward].map { lattice[$0] } ?? 0
                    blurred[v] = lattice[v] + 0.5 * (a + b)
                }
                lattice = blurred
            }
            for i in 0 ..< n {
                var sum: Float = 0
                for r in 0 ... d {
                    let w = pointWeights[i][r], value = lattice[pointVertices[i][r]]
                    sum += channels <= 2 ? (w * value) * alpha : (w * alpha) * value
                }
                result[i * channels + c] = sum
            }
        }
        return result
    }
}
