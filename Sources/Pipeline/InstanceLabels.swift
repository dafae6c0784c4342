// InstanceLabels: instance masks of one image from its stride-4 CAMs, boundary map and
// displacement field (IRNet §5, "instance segmentation"; reference step make_ins_seg_labels,
// DESIGN §3 and §6 "Instances"). Order: centroids (300 refinement steps) → clusters (weak
// displacement < 2.5) → instance CAMs [K, M, h4, w4], class-major → random walk of all K·M maps
// → bilinear ×4, crop, ÷ global max → background 0.25 → argmax shapes → 4-connected fragments,
// scored by the walked maximum, those under 1% of the image scored 0.
import Tensors
import Propagation
import Instances

/// Instances of an `imageHeight` × `imageWidth` image from `cam` [K, h4, w4] of the classes
/// `keys`, `boundary` [h4, w4] and `displacement` [2, h4, w4] (finite; rows then columns).
public func instanceLabels(cam: Tensor, keys: [Int], boundary: Tensor, displacement: Tensor,
                           imageHeight: Int, imageWidth: Int,
                           beta: Float = 10, expTimes: Int = 8, radius: Int = 5,
                           backgroundThreshold: Float = 0.25, refinementSteps: Int = 300,
                           clusterThreshold: Float = 2.5,
                           minimumFragmentFraction: Double = 0.01) -> DetectedInstances {
    precondition(cam.rank == 3 && cam.shape[0] == keys.count,
                 "instanceLabels: cam \(cam.shape) does not hold one map per key (\(keys.count))")
    let size = Array(cam.shape.dropFirst())
    precondition(boundary.shape == size, "instanceLabels: boundary \(boundary.shape) does not match cam \(cam.shape)")
    precondition(displacement.shape == [2] + size,
                 "instanceLabels: displacement \(displacement.shape) does not match cam \(cam.shape)")
    guard !keys.isEmpty else {
        return DetectedInstances(height: imageHeight, width: imageWidth, scores: [], classes: [], masks: [])
    }
    let centroids = findCentroids(displacement: displacement, steps: refinementSteps)
    let instances = clusterCentroids(centroids, displacement: displacement, threshold: clusterThreshold)
    let instanceCAMs = separateScores(cam, by: instances)
        .reshaped([keys.count * instances.count, size[0], size[1]])
    let walk = RandomWalk(boundary: boundary, radius: radius, beta: beta)
    let walked = upsampleWalked(walk.propagate(instanceCAMs, expTimes: expTimes),
                                imageHeight: imageHeight, imageWidth: imageWidth)
    return detectInstances(walked: walked, keys: keys, backgroundScore: backgroundThreshold,
                           minimumFragmentFraction: minimumFragmentFraction)
}
