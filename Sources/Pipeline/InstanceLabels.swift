// InstanceLabels: instance masks of one image from its stride-4 CAMs, boundary map and
// displacement field (IRNet §5, "instance segmentation"; reference step make_ins_seg_labels,
// DESIGN §3 and §6 "Instances"). Order: centroids (300 refinement steps) → clusters (weak
// displacement < 2.5) → instance CAMs [K, M, h4, w4], class-major → random walk of all K·M maps
// → bilinear ×4, crop, ÷ global max → background 0.25 → argmax shapes → 4-connected fragments,
// scored by the walked maximum, those under 1% of the image scored 0.
import Tensors
import Propagation
import Instances

/// The instance map of a displacement field [2, h4, w4] (finite; rows then columns): centroids
/// after `refinementSteps` moves, clustered by the regions of displacement under `clusterThreshold`.
public func instanceMap(displacement: Tensor, refinementSteps: Int = 300, clusterThreshold: Float = 2.5) -> InstanceMap {
    clusterCentroids(findCentroids(displacement: displacement, steps: refinementSteps), displacement: displacement,
                     threshold: clusterThreshold)
}

/// Instances of an `imageHeight` × `imageWidth` image from `cam` [K, h4, w4] of the classes
/// `keys`, `boundary` [h4, w4] and `displacement` [2, h4, w4] (finite; rows then columns).
public func instanceLabels(cam: Tensor, keys: [Int], boundary: Tensor, displacement: Tensor,
                           imageHeight: Int, imageWidth: Int,
                           beta: Float = 10, expTimes: Int = 8, radius: Int = 5,
                           backgroundThreshold: Float = 0.25, refinementSteps: Int = 300,
                           clusterThreshold: Float = 2.5,
                           minimumFragmentFraction: Double = 0.01) -> DetectedInstances {
    precondition(displacement.shape == [2] + Array(cam.shape.dropFirst()),
                 "instanceLabels: displacement \(displacement.shape) does not match cam \(cam.shape)")
    let instances = instanceMap(displacement: displacement, refinementSteps: refinementSteps,
                                clusterThreshold: clusterThreshold)
    return instanceLabels(cam: cam, keys: keys, boundary: boundary, instances: instances,
                          imageHeight: imageHeight, imageWidth: imageWidth, beta: beta, expTimes: expTimes,
                          radius: radius, backgroundThreshold: backgroundThreshold,
                          minimumFragmentFraction: minimumFragmentFraction)
}

/// The steps after clustering, for an instance map already found (`instanceMap(displacement:)`);
/// the walk holds K · instances.count maps of h4 × w4.
public func instanceLabels(cam: Tensor, keys: [Int], boundary: Tensor, instances: InstanceMap,
                           imageHeight: Int, imageWidth: Int,
                           beta: Float = 10, expTimes: Int = 8, radius: Int = 5,
                           backgroundThreshold: Float = 0.25,
                           minimumFragmentFraction: Double = 0.01) -> DetectedInstances {
    guard !keys.isEmpty else {
        return DetectedInstances(height: imageHeight, width: imageWidth, scores: [], classes: [], masks: [])
    }
    let walked = walkedInstanceScores(cam: cam, keys: keys, boundary: boundary, instances: instances,
                                      imageHeight: imageHeight, imageWidth: imageWidth, beta: beta,
                                      expTimes: expTimes, radius: radius)
    return detectInstances(walked: walked, keys: keys, backgroundScore: backgroundThreshold,
                           minimumFragmentFraction: minimumFragmentFraction)
}

/// The walked instance-wise CAMs the detection competes against the background: instance CAMs
/// [K·M, h4, w4] (class-major), walked, upsampled ×4, cropped and divided by the global maximum
/// ([K·M, H, W]; [0, H, W] without keys).
public func walkedInstanceScores(cam: Tensor, keys: [Int], boundary: Tensor, instances: InstanceMap,
                                 imageHeight: Int, imageWidth: Int,
                                 beta: Float = 10, expTimes: Int = 8, radius: Int = 5) -> Tensor {
    precondition(cam.rank == 3 && cam.shape[0] == keys.count,
                 "instanceLabels: cam \(cam.shape) does not hold one map per key (\(keys.count))")
    let size = Array(cam.shape.dropFirst())
    precondition(boundary.shape == size, "instanceLabels: boundary \(boundary.shape) does not match cam \(cam.shape)")
    precondition(instances.height == size[0] && instances.width == size[1],
                 "instanceLabels: a \(instances.height)×\(instances.width) instance map does not match cam \(cam.shape)")
    guard !keys.isEmpty else { return Tensor(shape: [0, imageHeight, imageWidth]) }
    let instanceCAMs = separateScores(cam, by: instances)
        .reshaped([keys.count * instances.count, size[0], size[1]])
    let walk = RandomWalk(boundary: boundary, radius: radius, beta: beta)
    return upsampleWalked(walk.propagate(instanceCAMs, expTimes: expTimes),
                          imageHeight: imageHeight, imageWidth: imageWidth)
}
