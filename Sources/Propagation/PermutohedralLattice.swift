// PermutohedralLattice: fast approximate Gaussian filtering of values attached to points with
// d-dimensional features (Adams, Baek & Davis, Eurographics 2010): splat each point's values
// onto the d+1 vertices of its enclosing simplex, blur along the d+1 lattice directions with
// [1/2 1 1/2], slice back with the same barycentric weights. The dense CRF's message passing
// (DESIGN §6 "Relation mining") runs through it; the construction and the filter's arithmetic
// follow Krähenbühl's densecrf so the filtered values agree with pydensecrf's. This file holds
// the lattice structure and its construction; the filter is in PermutohedralLattice+Filter.

public struct PermutohedralLattice: Sendable {
    /// Feature dimension d.
    public let dimension: Int
    /// Number of points N.
    public let pointCount: Int
    /// Number of lattice vertices M.
    public let vertexCount: Int
    /// Per point, the value-buffer rows of its d+1 vertices (vertex id + 1; row 0 is all zeros).
    let pointRows: [Int32]
    /// Per point, the barycentric weights of its d+1 vertices (same order as `pointRows`).
    let pointWeights: [Float]
    /// Splat lists: vertex v gathers entries `splatStarts[v] ..< splatStarts[v+1]`, in point order.
    let splatStarts: [Int32]
    /// Point index of each splat entry.
    let splatPoints: [Int32]
    /// Barycentric weight of each splat entry.
    let splatWeights: [Float]
    /// Blur neighbours: for direction j and vertex v, the rows of the vertices one step forward
    /// and one step back along it at `2*(j*M + v)` and `2*(j*M + v) + 1` (0 when absent).
    let blurNeighbours: [Int32]

    /// Builds the lattice for `features`, point-major (`features[i*d + k]` is feature k of
    /// point i). With `addingOriginVertices` the vertices of the simplex around the zero feature
    /// vector are created too: densecrf's vectorised construction embeds points in groups of four
    /// and pads the last group with zero vectors, so it has those vertices whenever N % 4 != 0;
    /// their presence changes how far the blur carries values near the origin.
    public init(features: [Float], dimension d: Int, addingOriginVertices: Bool = false) {
        precondition(d >= 1 && d <= 16, "lattice dimension \(d) is outside 1...16")
        precondition(features.count % d == 0, "\(features.count) features are no multiple of dimension \(d)")
        precondition(features.allSatisfy { $0.isFinite && abs($0) < 1e6 },
                     "lattice features must be finite and below 1e6 in magnitude")
        let n = features.count / d
        precondition(n < Int(Int32.max) / (d + 1), "too many lattice points")
        dimension = d
        pointCount = n
        let vertices = d + 1
        let embedding = LatticeEmbedding(dimension: d)
        var table = LatticeHashTable(keySize: d, expectedCount: max(n, 1))
        var rows = [Int32](repeating: 0, count: n * vertices)
        var weights = [Float](repeating: 0, count: n * vertices)

        // Embed every point and collect its vertices.
        var keys = [Int32](repeating: 0, count: vertices * d)
        var scratch = [Float](repeating: 0, count: embedding.scratchCount)
        var pointWeights = [Float](repeating: 0, count: vertices)
        features.withUnsafeBufferPointer { features in
            keys.withUnsafeMutableBufferPointer { keys in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    pointWeights.withUnsafeMutableBufferPointer { pointWeights in
                        for i in 0 ..< n {
                            embedding.embed(features.baseAddress! + i * d, keys: keys.baseAddress!,
                                            weights: pointWeights.baseAddress!, scratch: scratch.baseAddress!)
                            for r in 0 ..< vertices {
                                let id = table.findOrInsert(keys.baseAddress! + r * d)
                                rows[i * vertices + r] = id + 1
                                weights[i * vertices + r] = pointWeights[r]
                            }
                        }
                        if addingOriginVertices {
                            let origin = [Float](repeating: 0, count: d)
                            origin.withUnsafeBufferPointer { origin in
                                embedding.embed(origin.baseAddress!, keys: keys.baseAddress!,
                                                weights: pointWeights.baseAddress!, scratch: scratch.baseAddress!)
                            }
                            for r in 0 ..< vertices { _ = table.findOrInsert(keys.baseAddress! + r * d) }
                        }
                    }
                }
            }
        }
        let m = table.count
        vertexCount = m
        pointRows = rows
        self.pointWeights = weights

        // Splat lists: for each vertex the (point, weight) pairs that land on it, in point order,
        // so that splatting gathers in exactly the order a scatter over points would add.
        var starts = [Int32](repeating: 0, count: m + 1)
        for row in rows { starts[Int(row)] += 1 }
        for v in 0 ..< m { starts[v + 1] += starts[v] }
        var cursor = Array(starts[0 ..< m])
        var points = [Int32](repeating: 0, count: n * vertices)
        var entryWeights = [Float](repeating: 0, count: n * vertices)
        for i in 0 ..< n {
            for r in 0 ..< vertices {
                let v = Int(rows[i * vertices + r]) - 1
                let slot = Int(cursor[v])
                points[slot] = Int32(i)
                entryWeights[slot] = weights[i * vertices + r]
                cursor[v] += 1
            }
        }
        splatStarts = starts
        splatPoints = points
        splatWeights = entryWeights

        // Blur neighbours: one step along lattice direction j adds d+1 to coordinate j and
        // subtracts 1 from all (so the key moves by +d at j and -1 elsewhere); the other
        // neighbour is the opposite step. Direction d changes only the implicit last coordinate.
        var neighbours = [Int32](repeating: 0, count: 2 * vertices * m)
        let lookup = table
        neighbours.withUnsafeMutableBufferPointer { neighbours in
            let out = neighbours.baseAddress!
            lookup.keys.withUnsafeBufferPointer { allKeys in
                forEachLatticeChunk(count: m, costPerItem: 4 * vertices * d) { range in
                    var forward = [Int32](repeating: 0, count: d)
                    var backward = [Int32](repeating: 0, count: d)
                    forward.withUnsafeMutableBufferPointer { forward in
                        backward.withUnsafeMutableBufferPointer { backward in
                            for v in range {
                                let key = allKeys.baseAddress! + v * d
                                for j in 0 ... d {
                                    for k in 0 ..< d {
                                        forward[k] = key[k] &- 1
                                        backward[k] = key[k] &+ 1
                                    }
                                    if j < d {
                                        forward[j] = key[j] &+ Int32(d)
                                        backward[j] = key[j] &- Int32(d)
                                    }
                                    let slot = 2 * (j * m + v)
                                    out[slot] = lookup.find(forward.baseAddress!) + 1
                                    out[slot + 1] = lookup.find(backward.baseAddress!) + 1
                                }
                            }
                        }
                    }
                }
            }
        }
        blurNeighbours = neighbours
    }

    /// Bytes held by the lattice's index arrays (the filter needs 64·(M+1) more while it runs).
    public var byteCount: Int {
        4 * (pointRows.count + pointWeights.count + splatStarts.count + splatPoints.count
            + splatWeights.count + blurNeighbours.count)
    }
}
