// AffinityPairs: which pixel pairs IRNet's training loss relates on an h×w stride-4 map, and
// the lattice path of each (IRNet §4.2; reference `misc/indexing.py` PathIndex, DESIGN §6
// "Affinity paths", radius 10 in training). Directions are (0, x) for x = 1..r−1, then (y, x)
// for y = 1..r−1, |x| ≤ r−1, x² + y² < r², regrouped by path length (shortest first, stable).
// A path is every lattice point of the direction's bounding box within distance 1 of the
// segment, ordered by decreasing |y| + |x| (stable), so the destination comes first. Sources
// are the pixels whose every destination stays inside: rows 0..<h−(r−1), columns r−1..<w−(r−1).

/// An offset on the pixel grid: `dy` rows down, `dx` columns right.
public struct PairOffset: Hashable, Sendable {
    public var dy: Int
    public var dx: Int

    public init(dy: Int, dx: Int) {
        self.dy = dy
        self.dx = dx
    }
}

/// The pairs of one radius on one map size.
public struct AffinityPairs: Sendable {
    /// Pairs join pixels with squared distance below radius².
    public let radius: Int
    /// Map size.
    public let height: Int, width: Int
    /// Destination offset of each direction, in the reference's order.
    public let directions: [PairOffset]
    /// The path of each direction (source at (0, 0), destination first).
    public let paths: [[PairOffset]]

    /// radius − 1: the margin kept free left, right and below the sources.
    public var radiusFloor: Int { radius - 1 }
    /// Rows of the source region (its top row is 0).
    public var sourceRows: Int { height - radiusFloor }
    /// Columns of the source region (its left column is radiusFloor).
    public var sourceColumns: Int { width - 2 * radiusFloor }
    /// Sources per direction, in raster order of the source region.
    public var sourceCount: Int { sourceRows * sourceColumns }

    /// The pairs of `radius` (≥ 2) on a `height` × `width` map, which must leave at least one
    /// source: height ≥ radius and width ≥ 2·radius − 1.
    public init(radius: Int, height: Int, width: Int) {
        precondition(radius >= 2, "AffinityPairs: radius \(radius) has no pairs")
        precondition(height - (radius - 1) >= 1 && width - 2 * (radius - 1) >= 1,
                     "AffinityPairs: a \(height)×\(width) map has no source pixel for radius \(radius)")
        self.radius = radius
        self.height = height
        self.width = width
        var enumerated: [PairOffset] = []
        for x in 1..<radius { enumerated.append(PairOffset(dy: 0, dx: x)) }
        for y in 1..<radius {
            for x in (1 - radius)..<radius where x * x + y * y < radius * radius {
                enumerated.append(PairOffset(dy: y, dx: x))
            }
        }
        let enumeratedPaths = enumerated.map(AffinityPairs.path(to:))
        var order = Array(enumerated.indices)
        order.sort { (enumeratedPaths[$0].count, $0) < (enumeratedPaths[$1].count, $1) }
        directions = order.map { enumerated[$0] }
        paths = order.map { enumeratedPaths[$0] }
    }

    /// Lattice points (y, x) of the box spanned by (0, 0) and `d` with (d.dy·x − d.dx·y)² <
    /// d.dy² + d.dx² (squared distance to the line below 1), by decreasing |y| + |x|, ties in
    /// raster order.
    static func path(to d: PairOffset) -> [PairOffset] {
        let lengthSquared = d.dy * d.dy + d.dx * d.dx
        var points: [PairOffset] = []
        for y in min(0, d.dy)...max(0, d.dy) {
            for x in min(0, d.dx)...max(0, d.dx) {
                let cross = d.dy * x - d.dx * y
                if cross * cross < lengthSquared { points.append(PairOffset(dy: y, dx: x)) }
            }
        }
        let order = points.indices.sorted {
            (-(abs(points[$0].dy) + abs(points[$0].dx)), $0) < (-(abs(points[$1].dy) + abs(points[$1].dx)), $1)
        }
        return order.map { points[$0] }
    }

    /// Row-major map index of source number `s` (raster order of the source region).
    @inlinable
    public func sourceIndex(_ s: Int) -> Int {
        let row = s / sourceColumns, column = s - row * sourceColumns
        return row * width + column + radiusFloor
    }
}
