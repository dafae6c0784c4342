// CentroidClustering: instance map from centroids (IRNet §5, "centroid clustering"; reference
// `cluster_centroids` with `compress_range` and `to_one_hot`, DESIGN §6 "Instances"). Pixels
// whose displacement is shorter than the threshold (2.5; float32 sqrt(dx² + dy²)) form
// 4-connected clusters, labelled in raster order; each pixel takes the label of the pixel its
// centroid lands on (0 if that pixel is in no cluster). The labels that occur are then
// renumbered 0, 1, ... in increasing order, so pixels landing outside every cluster, if any,
// are instance 0, and clusters nobody lands in get no instance.
import Tensors

/// An instance index per pixel (the reference's one-hot instance masks, stored compactly).
public struct InstanceMap: Equatable, Sendable {
    public let height: Int
    public let width: Int
    /// Row-major instance index of each pixel, in 0 ..< count.
    public var indices: [Int32]
    /// Number of instances (channels of the reference's one-hot map).
    public let count: Int

    public init(height: Int, width: Int, indices: [Int32], count: Int) {
        precondition(indices.count == height * width,
                     "InstanceMap: \(indices.count) indices for \(height)×\(width)")
        precondition(indices.allSatisfy { $0 >= 0 && Int($0) < count },
                     "InstanceMap: an index lies outside 0 ..< \(count)")
        self.height = height
        self.width = width
        self.indices = indices
        self.count = count
    }

    /// Row-major mask of instance `instance`.
    public func mask(of instance: Int) -> [Bool] {
        precondition(instance >= 0 && instance < count, "InstanceMap: no instance \(instance) of \(count)")
        let wanted = Int32(instance)
        return indices.map { $0 == wanted }
    }

    /// The reference's one-hot view, [count, height, width] row-major.
    public func oneHot() -> [Bool] {
        var result = [Bool](repeating: false, count: count * height * width)
        let plane = height * width
        for (p, index) in indices.enumerated() { result[Int(index) * plane + p] = true }
        return result
    }
}

/// Pixels whose displacement ([2, h, w]) is shorter than `threshold`, computed in float32 as
/// NumPy does: sqrt(dx·dx + dy·dy) < threshold.
public func weakDisplacementMask(_ displacement: Tensor, threshold: Float = 2.5) -> [Bool] {
    precondition(displacement.rank == 3 && displacement.shape[0] == 2,
                 "weakDisplacementMask: displacement must be [2, h, w], got \(displacement.shape)")
    let count = displacement.shape[1] * displacement.shape[2]
    return displacement.scalars.withUnsafeBufferPointer { d in
        (0 ..< count).map { p in
            let dy = d[p], dx = d[count &+ p]
            return (dx * dx + dy * dy).squareRoot() < threshold
        }
    }
}

/// Groups pixels into instances by where their centroids land (see the file header).
/// `displacement` is the field the centroids were found from, [2, h, w].
public func clusterCentroids(_ centroids: Centroids, displacement: Tensor,
                             threshold: Float = 2.5) -> InstanceMap {
    let height = centroids.height, width = centroids.width
    precondition(displacement.shape == [2, height, width],
                 "clusterCentroids: displacement \(displacement.shape) does not match \(height)×\(width) centroids")
    let weak = weakDisplacementMask(displacement, threshold: threshold)
    let clusters = labelComponents(of: weak, height: height, width: width, connectivity: .four)
    let count = height * width
    // Cluster label of each pixel's landing point (0: landed outside every cluster).
    var landed = [Int32](repeating: 0, count: count)
    var occurs = [Bool](repeating: false, count: clusters.count + 1)
    for p in 0 ..< count {
        let label = clusters.labels[centroids.landingIndex(of: p)]
        landed[p] = label
        occurs[Int(label)] = true
    }
    // compress_range: each occurring label becomes its rank among the occurring labels.
    var rank = [Int32](repeating: 0, count: clusters.count + 1)
    var next: Int32 = 0
    for label in occurs.indices where occurs[label] {
        rank[label] = next
        next += 1
    }
    let indices = landed.map { rank[Int($0)] }
    return InstanceMap(height: height, width: width, indices: indices, count: Int(next))
}
