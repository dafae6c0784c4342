// Affinity: inter-pixel affinities from a boundary map (IRNet §5: a_ij = 1 − max of the
// boundary B over the path Π_ij between pixels i and j).
// Sits between the boundary branch of IRNetwork (sigmoid output, stride 4) and RandomWalk.
// Layout: one h×w plane per PathIndex direction; plane d at (y, x) holds the affinity of the pair
// (y, x) → (y + dy, x + dx), and 0 where the destination falls outside the map.
// `croppedToSources()` gives the reference's layout (its edge_to_affinity for a PathIndex of the
// map's own size).

import Tensors

public struct Affinity: Sendable {
    /// The directions and paths the planes follow.
    public let pathIndex: PathIndex
    public let height: Int
    public let width: Int
    /// Whether the pair of direction d starting at (y, x) lies inside the map is
    /// `isInside(direction: d, y: y, x: x)`; `values` is 0 for the others.
    /// Shape [directions, height, width].
    public let values: Tensor

    /// Affinities of every pair of `pathIndex` inside a boundary map of shape [h, w]: one minus
    /// the largest boundary value on the pair's path (both ends included).
    public init(boundary: Tensor, pathIndex: PathIndex) {
        precondition(boundary.rank == 2, "boundary must have shape [h, w], got \(boundary.shape)")
        let height = boundary.shape[0], width = boundary.shape[1]
        self.pathIndex = pathIndex
        self.height = height
        self.width = width
        let planeSize = height * width
        var values = [Float](repeating: 0, count: pathIndex.directions.count * planeSize)
        boundary.scalars.withUnsafeBufferPointer { edge in
            values.withUnsafeMutableBufferPointer { out in
                for (d, direction) in pathIndex.directions.enumerated() {
                    let offsets = pathIndex.paths[d].map { $0.dy * width + $0.dx }
                    // Sources whose destination is inside: the whole path is then inside too,
                    // since it lies in the bounding box of the two ends.
                    let top = max(0, -direction.dy), bottom = min(height, height - direction.dy)
                    let left = max(0, -direction.dx), right = min(width, width - direction.dx)
                    guard top < bottom, left < right else { continue }
                    let rows = top..<bottom, columns = left..<right
                    let plane = d &* planeSize
                    for y in rows {
                        for x in columns {
                            let source = y &* width &+ x
                            var largest = -Float.infinity
                            for offset in offsets { largest = max(largest, edge[source &+ offset]) }
                            out[plane &+ source] = 1 - largest
                        }
                    }
                }
            }
        }
        self.values = Tensor(shape: [pathIndex.directions.count, height, width], scalars: values)
    }

    /// True when both ends of the pair (y, x) → (y, x) + directions[d] are inside the map.
    @inlinable
    public func isInside(direction d: Int, y: Int, x: Int) -> Bool {
        let offset = pathIndex.directions[d]
        let ty = y + offset.dy, tx = x + offset.dx
        return y >= 0 && y < height && x >= 0 && x < width && ty >= 0 && ty < height && tx >= 0 && tx < width
    }

    /// The reference's layout: [directions, croppedHeight · croppedWidth], the affinities of the
    /// source pixels `pathIndex.sourceIndices(height:width:)` in raster order.
    public func croppedToSources() -> Tensor {
        let region = pathIndex.sourceRegion(height: height, width: width)
        let count = region.rows.count * region.columns.count
        var out = [Float]()
        out.reserveCapacity(pathIndex.directions.count * count)
        for d in pathIndex.directions.indices {
            for y in region.rows {
                for x in region.columns { out.append(values.scalars[(d * height + y) * width + x]) }
            }
        }
        return Tensor(shape: [pathIndex.directions.count, count], scalars: out)
    }
}
