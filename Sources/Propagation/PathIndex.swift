// PathIndex: which pixel pairs IRNet relates, and the lattice path between the two pixels of a
// pair (IRNet §4.2 / §5: affinity from the boundary map along the line joining two pixels).
// For a radius r the pairs go from a source pixel to every offset (dy, dx) in a half disc of
// radius r; the offsets are ordered the way the reference enumerates them (grouped by path
// length), because affinity tensors and checkpointed training code depend on that order.
// Also gives the reference's flat source / destination / path index arrays for an h×w map.

/// A displacement on the pixel grid: `dy` rows down, `dx` columns right.
public struct PixelOffset: Hashable, Sendable, CustomStringConvertible {
    public var dy: Int
    public var dx: Int

    public init(dy: Int, dx: Int) {
        self.dy = dy
        self.dx = dx
    }

    public var description: String { "(\(dy), \(dx))" }
}

/// The search directions of one radius and the lattice path of each.
public struct PathIndex: Sendable {
    /// Pairs join pixels closer than `radius` (squared distance < radius²).
    public let radius: Int

    /// The largest |dy| or |dx| of any direction: radius − 1.
    public var radiusFloor: Int { radius - 1 }

    /// Destination offsets of the pairs, in the reference's order: the directions are first
    /// enumerated as (0, x) for x in 1..<r, then (y, x) for y in 1..<r and x in −(r−1)...(r−1)
    /// with x² + y² < r²; they are then grouped by path length (shortest paths first), keeping
    /// the enumeration order inside a group.
    public let directions: [PixelOffset]

    /// For each direction, every lattice point of its bounding box (with the source at (0, 0))
    /// whose distance to the segment from (0, 0) to the destination is below 1, ordered by
    /// decreasing |dy| + |dx| (raster order among equals): the destination comes first.
    public let paths: [[PixelOffset]]

    /// Consecutive ranges of `directions` whose paths have equal length (the reference keeps
    /// one index array per such group).
    public let groups: [Range<Int>]

    /// The directions and paths of a radius (≥ 1; radius 1 has no pairs).
    public init(radius: Int) {
        precondition(radius >= 1, "PathIndex radius must be at least 1, got \(radius)")
        self.radius = radius
        var enumerated: [PixelOffset] = []
        for x in stride(from: 1, to: radius, by: 1) {
            enumerated.append(PixelOffset(dy: 0, dx: x))
        }
        for y in stride(from: 1, to: radius, by: 1) {
            for x in (1 - radius)..<radius where x * x + y * y < radius * radius {
                enumerated.append(PixelOffset(dy: y, dx: x))
            }
        }
        // Group by path length without reordering inside a group (a bucket pass is stable).
        let enumeratedPaths = enumerated.map(PathIndex.path(to:))
        let longest = enumeratedPaths.map(\.count).max() ?? 0
        var buckets = [[Int]](repeating: [], count: longest + 1)
        for (i, path) in enumeratedPaths.enumerated() { buckets[path.count].append(i) }
        var directions: [PixelOffset] = []
        var paths: [[PixelOffset]] = []
        var groups: [Range<Int>] = []
        for bucket in buckets where !bucket.isEmpty {
            groups.append(directions.count..<(directions.count + bucket.count))
            for i in bucket {
                directions.append(enumerated[i])
                paths.append(enumeratedPaths[i])
            }
        }
        self.directions = directions
        self.paths = paths
        self.groups = groups
    }

    /// The lattice path from (0, 0) to `destination`: points (y, x) of the bounding box with
    /// (dy·x − dx·y)² / (dy² + dx²) < 1, sorted by decreasing |y| + |x|, stable.
    public static func path(to destination: PixelOffset) -> [PixelOffset] {
        let dy = destination.dy, dx = destination.dx
        let lengthSquared = dy * dy + dx * dx
        precondition(lengthSquared > 0, "a path needs a destination other than (0, 0)")
        var inBox: [PixelOffset] = []
        for y in min(0, dy)...max(0, dy) {
            for x in min(0, dx)...max(0, dx) {
                let cross = dy * x - dx * y
                // Integer form of the reference's cross² / length² < 1 (exact for all radii).
                if cross * cross < lengthSquared { inBox.append(PixelOffset(dy: y, dx: x)) }
            }
        }
        let far = abs(dy) + abs(dx)
        var sorted: [PixelOffset] = []
        sorted.reserveCapacity(inBox.count)
        for manhattan in stride(from: far, through: 0, by: -1) {
            sorted += inBox.filter { abs($0.dy) + abs($0.dx) == manhattan }
        }
        return sorted
    }

    // MARK: - The reference's flat index arrays for an h×w map

    /// The source pixels for which every direction stays inside an h×w map, as the reference
    /// crops them: rows 0..<(h − radiusFloor), columns radiusFloor..<(w − radiusFloor).
    public func sourceRegion(height: Int, width: Int) -> (rows: Range<Int>, columns: Range<Int>) {
        let rows = height - radiusFloor, columns = width - 2 * radiusFloor
        precondition(rows >= 0 && columns >= 0,
                     "a \(height)×\(width) map is too small for radius \(radius)")
        return (0..<rows, radiusFloor..<(radiusFloor + columns))
    }

    /// Row-major indices (y·w + x) of the source pixels, in raster order.
    public func sourceIndices(height: Int, width: Int) -> [Int] {
        let region = sourceRegion(height: height, width: width)
        var indices: [Int] = []
        indices.reserveCapacity(region.rows.count * region.columns.count)
        for y in region.rows {
            for x in region.columns { indices.append(y * width + x) }
        }
        return indices
    }

    /// For each direction, the row-major indices of the destination of every source pixel.
    public func destinationIndices(height: Int, width: Int) -> [[Int]] {
        let sources = sourceIndices(height: height, width: width)
        return directions.map { d in sources.map { $0 + d.dy * width + d.dx } }
    }

    /// For each direction and each point of its path, the row-major index of that point for
    /// every source pixel (the reference's path_indices, one [points][sources] block each).
    public func pathIndices(height: Int, width: Int) -> [[[Int]]] {
        let sources = sourceIndices(height: height, width: width)
        return paths.map { path in
            path.map { p in sources.map { $0 + p.dy * width + p.dx } }
        }
    }
}
