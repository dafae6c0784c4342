// SemanticLabels: the semantic label map of one image from its stride-4 CAMs and boundary map
// (IRNet §5, "semantic segmentation": random walk of the CAMs, then argmax against a constant
// background; reference step make_sem_seg_labels, DESIGN §3 and §6 "Labels").
// Order: walk (CAM ⊙ (1 − B)) · T^(2^t) at stride 4 → bilinear ×4 (align_corners=False) → crop
// to H × W → divide by the global maximum → prepend a background channel of 0.25 → argmax
// (ties to the lower index) → 0 for background, key + 1 for foreground class `key`.
import Tensors
import Propagation
import Instances

/// Walked scores upsampled to the image: bilinear ×4 (align_corners=False) of `walked`
/// ([C, h4, w4]), cropped to `imageHeight` × `imageWidth` and divided by its global maximum
/// (float32 division, as `rw_up / torch.max(rw_up)`; a NaN anywhere makes the maximum NaN).
public func upsampleWalked(_ walked: Tensor, imageHeight: Int, imageWidth: Int) -> Tensor {
    precondition(walked.rank == 3, "upsampleWalked: walked scores must be [C, h, w], got \(walked.shape)")
    precondition(imageHeight > 0 && imageWidth > 0
                    && imageHeight <= 4 * walked.shape[1] && imageWidth <= 4 * walked.shape[2],
                 "upsampleWalked: a \(imageHeight)×\(imageWidth) image does not fit 4× \(walked.shape)")
    let up = resizeBilinear(walked, scaleFactor: 4, alignCorners: false)
    var cropped = crop(up, top: 0, left: 0, height: imageHeight, width: imageWidth)
    var largest = -Float.infinity
    for value in cropped.scalars {
        if value.isNaN { largest = .nan; break }
        if value > largest { largest = value }
    }
    cropped.scalars.withUnsafeMutableBufferPointer { values in
        for i in values.indices { values[i] = values[i] / largest }
    }
    return cropped
}

/// Semantic labels of an `imageHeight` × `imageWidth` image (row-major, 0 background,
/// key + 1 for class `key`) from the stride-4 CAMs `cam` [K, h4, w4] of the classes `keys`
/// (0-based foreground indices, 0...254) and the boundary map `boundary` [h4, w4].
/// `walked` is the normalised full-size walk [K, H, W] the labels were taken from.
public func semanticLabels(cam: Tensor, keys: [Int], boundary: Tensor, imageHeight: Int, imageWidth: Int,
                           beta: Float = 10, expTimes: Int = 8, radius: Int = 5,
                           backgroundThreshold: Float = 0.25) -> (labels: [UInt8], walked: Tensor) {
    precondition(cam.rank == 3 && cam.shape[0] == keys.count,
                 "semanticLabels: cam \(cam.shape) does not hold one map per key (\(keys.count))")
    precondition(boundary.shape == Array(cam.shape.dropFirst()),
                 "semanticLabels: boundary \(boundary.shape) does not match cam \(cam.shape)")
    precondition(keys.allSatisfy { (0...254).contains($0) }, "semanticLabels: keys must lie in 0...254")
    let plane = imageHeight * imageWidth
    guard !keys.isEmpty else {
        return ([UInt8](repeating: 0, count: plane), Tensor(shape: [0, imageHeight, imageWidth]))
    }
    let walk = RandomWalk(boundary: boundary, radius: radius, beta: beta)
    let walked = upsampleWalked(walk.propagate(cam, expTimes: expTimes),
                                imageHeight: imageHeight, imageWidth: imageWidth)
    // instanceShapes is the argmax over [background, maps...]: 0 or channel + 1.
    let winners = instanceShapes(of: walked, backgroundScore: backgroundThreshold)
    let table: [UInt8] = [0] + keys.map { UInt8($0 + 1) }
    return (winners.map { table[Int($0)] }, walked)
}
