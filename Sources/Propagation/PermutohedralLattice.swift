// PermutohedralLattice: fast approximate Gaussian filtering of values attached to points with
// d-dimensional features (Adams, Baek & Davis, Eurographics 2010): splat each point's values
// onto the d+1 vertices of its enclosing simplex, blur along the d+1 lattice directions with
// [1/2 1 1/2], slice back with the same barycentric weights. The dense CRF's message passing
// (DESIGN §6 "Relation mining") runs through it; the construction and the filter's arithmetic
// follow Krähenbühl's densecrf so the filtered values agree with pydensecrf's. This file holds
// the lattice structure and its construction; the filter is in PermutohedralLattice+Filter.
import Tensors

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
        var table = LatticeHashTable(keySize: d, expectedCount: max(n / 4, 1))
        var rows = [Int32](repeating: 0, count: n * vertices)
        var weights = [Float](repeating: 0, count: n * vertices)

        // Embed the points in parallel, a chunk at a time (bounded scratch), then register their
        // vertices in point order. A point whose simplex equals its predecessor's (common for
        // neighbouring pixels) reuses the predecessor's vertex ids without hashing.
        let keyCount = vertices * d
        let chunk = 4096
        var chunkKeys = [Int32](repeating: 0, count: chunk * keyCount)
        var chunkWeights = [Float](repeating: 0, count: chunk * vertices)
        let previous = UnsafeMutablePointer<Int32>.allocate(capacity: keyCount)
        let previousIDs = UnsafeMutablePointer<Int32>.allocate(capacity: vertices)
        defer { previous.deallocate(); previousIDs.deallocate() }
        var hasPrevious = false
        features.withUnsafeBufferPointer { features in
        chunkKeys.withUnsafeMutableBufferPointer { chunkKeys in
        chunkWeights.withUnsafeMutableBufferPointer { chunkWeights in
        rows.withUnsafeMutableBufferPointer { rows in
        weights.withUnsafeMutableBufferPointer { weights in
            let allKeys = chunkKeys.baseAddress!, allWeights = chunkWeights.baseAddress!
            for start in Swift.stride(from: 0, to: n, by: chunk) {
                let count = min(chunk, n - start)
                forEachChunk(count: count, costPerItem: 8 * keyCount, maxChunks: 32, threshold: 1 << 16) { range in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: embedding.scratchCount)
                    defer { scratch.deallocate() }
                    for j in range {
                        embedding.embed(features.baseAddress! + (start + j) * d, keys: allKeys + j * keyCount,
                                        weights: allWeights + j * vertices, scratch: scratch)
                    }
                }
                for j in 0 ..< count {
                    let keys = allKeys + j * keyCount
                    var same = hasPrevious
                    if same {
                        for k in 0 ..< keyCount where keys[k] != previous[k] { same = false; break }
                    }
                    if !same {
                        for r in 0 ..< vertices { previousIDs[r] = table.findOrInsert(keys + r * d) }
                        for k in 0 ..< keyCount { previous[k] = keys[k] }
                        hasPrevious = true
                    }
                    let i = start + j
                    for r in 0 ..< vertices {
                        rows[i * vertices + r] = previousIDs[r] + 1
                        weights[i * vertices + r] = allWeights[j * vertices + r]
                    }
                }
            }
            if addingOriginVertices {
                let origin = [Float](repeating: 0, count: d)
                var scratch = [Float](repeating: 0, count: embedding.scratchCount)
                origin.withUnsafeBufferPointer { origin in
                    embedding.embed(origin.baseAddress!, keys: allKeys, weights: allWeights, scratch: &scratch)
                }
                for r in 0 ..< vertices { _ = table.findOrInsert(allKeys + r * d) }
            }
        }}}}}
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
        // Only forward steps are looked up: u = forward(v) means v = backward(u), so each
        // backward entry is written by exactly one vertex (no two threads share an entry).
        var neighbours = [Int32](repeating: 0, count: 2 * vertices * m)
        let lookup = table
        neighbours.withUnsafeMutableBufferPointer { neighbours in
            let out = neighbours.baseAddress!
            lookup.keys.withUnsafeBufferPointer { allKeys in
                forEachChunk(count: m, costPerItem: 2 * vertices * d, maxChunks: 32, threshold: 1 << 16) { range in
                    let forward = UnsafeMutablePointer<Int32>.allocate(capacity: d)
                    defer { forward.deallocate() }
                    for v in range {
                        let key = allKeys.baseAddress! + v * d
                        for j in 0 ... d {
                            for k in 0 ..< d { forward[k] = key[k] &- 1 }
                            if j < d { forward[j] = key[j] &+ Int32(d) }
                            let u = Int(lookup.find(forward))
                            if u >= 0 {
                                out[2 * (j * m + v)] = Int32(u + 1)
                                out[2 * (j * m + u) + 1] = Int32(v + 1)
                            }
                        }
                    }
                }
            }
        }
        blurNeighbours = neighbours
    }

    /// Bytes held by the lattice's index arrays (filtering C channels needs about 8·C·(M+1)
    /// more while it runs, at most `filterBufferBudget`).
    public var byteCount: Int {
        4 * (pointRows.count + pointWeights.count + splatStarts.count + splatPoints.count
            + splatWeights.count + blurNeighbours.count)
    }
}
