// InstanceDetection: instance masks in detection form, score / mask / class lists (IRNet §5;
// reference `detect_instance` and the end of its ins-seg step, DESIGN §6 "Instances"). Each
// channel's mask is split into 4-connected fragments (raster order, as scikit-image labels
// them); a fragment's score is the largest value of the channel's map times the fragment's mask
// over the whole image (so at least 0 when the fragment does not cover it), or 0 when the
// fragment has fewer pixels than the minimum fragment size (1% of the image in the reference).
// Output order: channels in order, fragments in label order within each channel.
import Tensors

/// Detected instances of an H × W image, in the reference's order.
public struct DetectedInstances: Equatable, Sendable {
    public let height: Int
    public let width: Int
    /// Score of each instance.
    public var scores: [Float]
    /// Class (the reference's key, a 0-based foreground class) of each instance.
    public var classes: [Int]
    /// Masks [count, H, W] row-major, 1 inside and 0 outside.
    public var masks: [UInt8]

    /// Number of instances.
    public var count: Int { scores.count }

    public init(height: Int, width: Int, scores: [Float], classes: [Int], masks: [UInt8]) {
        precondition(classes.count == scores.count && masks.count == scores.count * height * width,
                     "DetectedInstances: \(scores.count) scores, \(classes.count) classes, \(masks.count) mask bytes")
        self.height = height
        self.width = width
        self.scores = scores
        self.classes = classes
        self.masks = masks
    }

    /// Mask of instance `instance`, H·W bytes row-major.
    public func mask(of instance: Int) -> ArraySlice<UInt8> {
        let plane = height * width
        return masks[instance * plane ..< (instance + 1) * plane]
    }
}

/// The reference's ins-seg step after the random walk: `walked` holds the normalised,
/// full-size walked instance maps, [K·M, H, W] class-major (or [K, M, H, W]), for the K classes
/// `keys`; shapes come from `instanceShapes(of:backgroundScore:)`, classes repeat each key M
/// times, and fragments under `minimumFragmentFraction` of the image score 0.
public func detectInstances(walked: Tensor, keys: [Int], backgroundScore: Float = 0.25,
                            minimumFragmentFraction: Double = 0.01) -> DetectedInstances {
    precondition(walked.rank >= 3, "detectInstances: walked maps must be [C, H, W], got \(walked.shape)")
    let channels = walked.shape.dropLast(2).reduce(1, *)
    precondition(!keys.isEmpty && channels % keys.count == 0,
                 "detectInstances: \(channels) maps are not a multiple of \(keys.count) classes")
    let perClass = channels / keys.count
    let classes = keys.flatMap { repeatElement($0, count: perClass) }
    let height = walked.shape[walked.rank - 2], width = walked.shape[walked.rank - 1]
    return detectInstances(scores: walked, shapes: instanceShapes(of: walked, backgroundScore: backgroundScore),
                           classes: classes, minimumFragmentSize: Double(height * width) * minimumFragmentFraction)
}

/// `detect_instance` for disjoint masks given as a shape map (0 nowhere, j + 1 for channel j,
/// as `instanceShapes` makes it): equal to `detectInstances(scores:masks:classes:minimumFragmentSize:)`
/// on the one-hot masks, with one labelling pass instead of one per channel.
public func detectInstances(scores: Tensor, shapes: [Int32], classes: [Int],
                            minimumFragmentSize: Double) -> DetectedInstances {
    let (channels, height, width) = checkScores(scores, classes, "detectInstances")
    let plane = height * width
    precondition(shapes.count == plane, "detectInstances: \(shapes.count) shape labels for \(height)×\(width)")
    precondition(shapes.allSatisfy { $0 >= 0 && Int($0) <= channels },
                 "detectInstances: a shape label lies outside 0 ... \(channels)")
    let regions = labelRegions(of: shapes, height: height, width: width, connectivity: .four)
    let count = regions.count
    // Channel of each region, from its first pixel.
    var channelOf = [Int](repeating: -1, count: count)
    for p in 0 ..< plane where regions.labels[p] != 0 {
        let region = Int(regions.labels[p]) - 1
        if channelOf[region] < 0 { channelOf[region] = Int(shapes[p]) - 1 }
    }
    // Output slot of each region: by channel, then by label (a stable counting sort).
    var perChannel = [Int](repeating: 0, count: channels + 1)
    for channel in channelOf { perChannel[channel + 1] += 1 }
    for c in 0 ..< channels { perChannel[c + 1] += perChannel[c] }
    var slot = [Int](repeating: 0, count: count)
    for region in 0 ..< count {
        slot[region] = perChannel[channelOf[region]]
        perChannel[channelOf[region]] += 1
    }
    var inside = [RegionMaximum](repeating: RegionMaximum(), count: count)
    var masks = [UInt8](repeating: 0, count: count * plane)
    scores.scalars.withUnsafeBufferPointer { values in
        for p in 0 ..< plane where regions.labels[p] != 0 {
            let region = Int(regions.labels[p]) &- 1
            inside[region].add(values[channelOf[region] &* plane &+ p])
            masks[slot[region] &* plane &+ p] = 1
        }
    }
    let nonFinite = nonFiniteCounts(scores, channels: Set(channelOf), plane: plane)
    var resultScores = [Float](repeating: 0, count: count)
    var resultClasses = [Int](repeating: 0, count: count)
    for region in 0 ..< count {
        let channel = channelOf[region]
        let size = regions.sizes[region]
        resultClasses[slot[region]] = classes[channel]
        if Double(size) < minimumFragmentSize { continue }
        resultScores[slot[region]] = inside[region].score(
            coversImage: size == plane, nonFiniteOutside: nonFinite[channel, default: 0] - inside[region].nonFinite)
    }
    return DetectedInstances(height: height, width: width, scores: resultScores, classes: resultClasses, masks: masks)
}

/// `detect_instance` on arbitrary (possibly overlapping or empty) masks [C, H, W] row-major,
/// one per channel of `scores` ([C, H, W] or [K, M, H, W]) and entry of `classes`. Also the
/// naive twin of the shape-map version.
public func detectInstances(scores: Tensor, masks: [Bool], classes: [Int],
                            minimumFragmentSize: Double) -> DetectedInstances {
    let (channels, height, width) = checkScores(scores, classes, "detectInstances")
    let plane = height * width
    precondition(masks.count == channels * plane,
                 "detectInstances: \(masks.count) mask pixels for \(channels) maps of \(height)×\(width)")
    var resultScores: [Float] = [], resultClasses: [Int] = [], resultMasks: [UInt8] = []
    for channel in 0 ..< channels {
        let mask = Array(masks[channel * plane ..< (channel + 1) * plane])
        guard mask.contains(true) else { continue }
        let fragments = labelComponents(of: mask, height: height, width: width, connectivity: .four)
        let values = Array(scores.scalars[channel * plane ..< (channel + 1) * plane])
        let channelNonFinite = values.filter { !$0.isFinite }.count
        for label in 1 ... Int32(fragments.count) {
            var inside = RegionMaximum()
            for p in 0 ..< plane where fragments.labels[p] == label { inside.add(values[p]) }
            let size = fragments.sizes[Int(label) - 1]
            resultScores.append(Double(size) < minimumFragmentSize ? 0 : inside.score(
                coversImage: size == plane, nonFiniteOutside: channelNonFinite - inside.nonFinite))
            resultClasses.append(classes[channel])
            resultMasks += fragments.labels.map { $0 == label ? 1 : 0 }
        }
    }
    return DetectedInstances(height: height, width: width, scores: resultScores, classes: resultClasses,
                             masks: resultMasks)
}

private func checkScores(_ scores: Tensor, _ classes: [Int], _ caller: String) -> (Int, Int, Int) {
    precondition(scores.rank >= 3, "\(caller): scores must be [C, H, W], got \(scores.shape)")
    let channels = scores.shape.dropLast(2).reduce(1, *)
    precondition(classes.count == channels, "\(caller): \(classes.count) classes for \(channels) maps")
    return (channels, scores.shape[scores.rank - 2], scores.shape[scores.rank - 1])
}

/// Number of non-finite values in each listed channel's plane.
private func nonFiniteCounts(_ scores: Tensor, channels: Set<Int>, plane: Int) -> [Int: Int] {
    var counts: [Int: Int] = [:]
    scores.scalars.withUnsafeBufferPointer { values in
        for channel in channels {
            var n = 0
            for p in channel &* plane ..< (channel &+ 1) &* plane where !values[p].isFinite { n &+= 1 }
            counts[channel] = n
        }
    }
    return counts
}

/// Running statistics of a fragment's values for NumPy's `max(score * mask)`.
private struct RegionMaximum {
    var largest = -Float.infinity
    var sawNaN = false
    var nonFinite = 0

    mutating func add(_ value: Float) {
        if value.isNaN { sawNaN = true } else if value > largest { largest = value }
        if !value.isFinite { nonFinite &+= 1 }
    }

    /// max over the image of value · mask: inside, the values; outside, value · 0, which is 0
    /// for finite values and NaN for infinite or NaN ones; NaN anywhere wins, as in `np.max`.
    func score(coversImage: Bool, nonFiniteOutside: Int) -> Float {
        if sawNaN || nonFiniteOutside > 0 { return .nan }
        return coversImage ? largest : max(largest, 0)
    }
}
