// InstanceScores: class activation maps split by instance (IRNet §5: "instance-wise CAMs";
// reference `separte_score_by_mask`, DESIGN §6 "Instances"). Channel (c, m) is CAM c times the
// mask of instance m, as float32 products (value · 1 or value · 0, like the reference's
// broadcast multiply). The result is [K, M, h, w]; flattened to [K·M, h, w] for the random walk
// its channel c·M + m is class c's part of instance m, i.e. class-major, which is the order the
// detection step's class list (each key repeated M times) assumes.
import Tensors

/// Instance CAMs [K, M, h, w] from CAMs `scores` [K, h, w] and an instance map of M instances.
public func separateScores(_ scores: Tensor, by instances: InstanceMap) -> Tensor {
    precondition(scores.rank == 3 && scores.shape[1] == instances.height && scores.shape[2] == instances.width,
                 "separateScores: scores \(scores.shape) do not match a \(instances.height)×\(instances.width) instance map")
    let classes = scores.shape[0], count = instances.count
    let plane = instances.height * instances.width
    var result = [Float](repeating: 0, count: classes * count * plane)
    scores.scalars.withUnsafeBufferPointer { source in
        instances.indices.withUnsafeBufferPointer { index in
            result.withUnsafeMutableBufferPointer { target in
                for c in 0 ..< classes {
                    for m in 0 ..< count {
                        let input = c &* plane, output = (c &* count &+ m) &* plane
                        let wanted = Int32(m)
                        for p in 0 ..< plane {
                            let inside: Float = index[p] == wanted ? 1 : 0
                            target[output &+ p] = source[input &+ p] * inside
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [classes, count, instances.height, instances.width], scalars: result)
}
