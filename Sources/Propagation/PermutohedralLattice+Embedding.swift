// LatticeEmbedding: places one d-dimensional feature vector in the permutohedral lattice.
// The point is elevated onto the hyperplane x·1 = 0 of R^(d+1) (scaled so the lattice blur has
// unit standard deviation), the nearest remainder-0 vertex is found by rounding, the sort order
// of the residual (its "rank") names the enclosing simplex, and the barycentric weights of its
// d+1 vertices follow. Adams, Baek & Davis (Eurographics 2010) §3-4, with the float arithmetic
// and the tie rules of the vectorised construction in Krähenbühl's densecrf, so that the same
// vertices and weights come out.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct LatticeEmbedding {
    /// Feature dimension d.
    let dimension: Int
    /// Diagonal of the elevation matrix times the blur's inverse standard deviation, per axis.
    let scale: [Float]
    /// The canonical simplex: vertex `r` (remainder r) has coordinate
    /// `canonical[r * (d+1) + k]` at sorted position k.
    let canonical: [Int32]

    init(dimension d: Int) {
        precondition(d >= 1, "lattice features need at least one dimension")
        dimension = d
        // Standard deviation of the blur in lattice units is sqrt(2/3)·(d+1); the float
        // rounding of this constant is part of the reference's arithmetic.
        let inverseStandardDeviation = Float(sqrt(2.0 / 3.0) * Double(d + 1))
        scale = (0 ..< d).map { i in
            Float(1.0 / sqrt(Double((i + 2) * (i + 1))) * Double(inverseStandardDeviation))
        }
        var canonical = [Int32](repeating: 0, count: (d + 1) * (d + 1))
        for r in 0 ... d {
            for k in 0 ... d {
                canonical[r * (d + 1) + k] = k <= d - r ? Int32(r) : Int32(r - (d + 1))
            }
        }
        self.canonical = canonical
    }

    /// Scratch space for `embed`: 4·(d+2) floats.
    var scratchCount: Int { 4 * (dimension + 2) }

    /// Writes the keys (first d coordinates) of the d+1 enclosing vertices, in remainder order,
    /// to `keys[0 ..< (d+1)*d]` and their barycentric weights to `weights[0 ... d]`.
    func embed(_ feature: UnsafePointer<Float>, keys: UnsafeMutablePointer<Int32>,
               weights: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let d = dimension
        let elevated = scratch
        let nearest = scratch + (d + 1)
        let rank = scratch + 2 * (d + 1)
        let barycentric = scratch + 3 * (d + 1)   // d+2 entries
        let down: Float = 1 / Float(d + 1)
        let up = Float(d + 1)

        // Elevate: y = E·f, accumulated from the last axis down (p. 5 of the paper).
        var partialSum: Float = 0
        scale.withUnsafeBufferPointer { scale in
            var j = d
            while j > 0 {
                let cf = feature[j - 1] * scale[j - 1]
                elevated[j] = partialSum - Float(j) * cf
                partialSum += cf
                j -= 1
            }
        }
        elevated[0] = partialSum

        // Nearest remainder-0 point: round each coordinate to a multiple of d+1 (ties to even).
        var coordinateSum: Float = 0
        for i in 0 ... d {
            let v = (down * elevated[i]).rounded(.toNearestOrEven)
            nearest[i] = v * up
            coordinateSum += v
        }

        // Rank of each residual in descending order (ties go to the later coordinate).
        for i in 0 ... d { rank[i] = 0 }
        for i in 0 ..< d {
            let di = elevated[i] - nearest[i]
            for j in i + 1 ... d {
                if di < elevated[j] - nearest[j] { rank[i] += 1 } else { rank[j] += 1 }
            }
        }

        // Bring the rounded point back onto the plane when its coordinates do not sum to zero.
        for i in 0 ... d {
            let r = rank[i] + coordinateSum
            if r < 0 {
                rank[i] = r + up
                nearest[i] += up
            } else if r >= up {
                rank[i] = r - up
                nearest[i] -= up
            } else {
                rank[i] = r
            }
        }

        // Barycentric weights (p. 10 of the paper).
        for i in 0 ... d + 1 { barycentric[i] = 0 }
        for i in 0 ... d {
            let v = (elevated[i] - nearest[i]) * down
            let p = d - Int(rank[i])
            barycentric[p] += v
            barycentric[p + 1] -= v
        }
        barycentric[0] += 1 + barycentric[d + 1]

        // The d+1 vertices of the simplex: the nearest point plus the canonical offsets.
        canonical.withUnsafeBufferPointer { canonical in
            for remainder in 0 ... d {
                let row = remainder * (d + 1)
                for i in 0 ..< d {
                    let coordinate = nearest[i] + Float(canonical[row + Int(rank[i])])
                    keys[remainder * d + i] = Int32(coordinate)
                }
                weights[remainder] = barycentric[remainder]
            }
        }
    }
}
