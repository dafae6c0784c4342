// InstanceMasks: the binary masks of one image's instances (predicted or ground truth), stored
// one bit per pixel, and their pairwise IoU as chainercv's mask_iou computes it:
// |a ∧ b| / |a ∨ b| in float64, stored as float32 (NaN when both masks are empty). The
// popcount kernel has a plain twin over Bool arrays (`naiveIntersectionOverUnion`).
// Input to the VOC AP^r evaluation (InstanceSegmentationEvaluator.swift).

public struct InstanceMasks: Equatable, Sendable {
    /// Number of masks.
    public let count: Int
    /// Pixels per mask (H·W).
    public let pixelCount: Int
    let wordsPerMask: Int
    let words: [UInt64]

    /// `count` masks from mask-major values (`count`·`pixelCount`, row-major per mask).
    public init(count: Int, pixelCount: Int, values: [Bool]) {
        precondition(count >= 0 && pixelCount >= 0 && values.count == count * pixelCount,
                     "\(values.count) mask values for \(count) masks of \(pixelCount) pixels")
        self.count = count
        self.pixelCount = pixelCount
        wordsPerMask = (pixelCount + 63) / 64
        var words = [UInt64](repeating: 0, count: count * wordsPerMask)
        let perMask = wordsPerMask
        values.withUnsafeBufferPointer { v in
            for mask in 0..<count {
                for pixel in 0..<pixelCount where v[mask * pixelCount + pixel] {
                    words[mask * perMask + pixel >> 6] |= 1 << UInt64(pixel & 63)
                }
            }
        }
        self.words = words
    }

    /// `count` masks from mask-major bytes; any nonzero byte is inside.
    public init(count: Int, pixelCount: Int, bytes: [UInt8]) {
        self.init(count: count, pixelCount: pixelCount, values: bytes.map { $0 != 0 })
    }

    /// No masks (an image without instances on this side).
    public static func empty(pixelCount: Int) -> InstanceMasks {
        InstanceMasks(count: 0, pixelCount: pixelCount, values: [])
    }

    /// Whether pixel `pixel` of mask `mask` is inside.
    public subscript(mask: Int, pixel: Int) -> Bool {
        precondition(mask >= 0 && mask < count && pixel >= 0 && pixel < pixelCount)
        return words[mask * wordsPerMask + pixel >> 6] >> UInt64(pixel & 63) & 1 != 0
    }

    /// The masks at `rows`, in that order.
    public func selecting(_ rows: [Int]) -> InstanceMasks {
        var picked: [UInt64] = []
        picked.reserveCapacity(rows.count * wordsPerMask)
        for row in rows {
            precondition(row >= 0 && row < count, "mask \(row) of \(count)")
            picked += words[row * wordsPerMask ..< (row + 1) * wordsPerMask]
        }
        return InstanceMasks(count: rows.count, pixelCount: pixelCount, words: picked)
    }

    init(count: Int, pixelCount: Int, words: [UInt64]) {
        self.count = count
        self.pixelCount = pixelCount
        wordsPerMask = (pixelCount + 63) / 64
        precondition(words.count == count * wordsPerMask)
        self.words = words
    }

    /// Pixels inside each mask.
    public var areas: [Int] {
        (0..<count).map { mask in
            words[mask * wordsPerMask ..< (mask + 1) * wordsPerMask].reduce(0) { $0 + $1.nonzeroBitCount }
        }
    }

    /// IoU of every mask here (rows) with every mask of `other` (columns), row-major, each
    /// rounded to float32 as the reference stores it.
    public func intersectionOverUnion(with other: InstanceMasks) -> [Float] {
        precondition(pixelCount == other.pixelCount,
                     "masks of \(pixelCount) and \(other.pixelCount) pixels cannot be compared")
        var result = [Float](repeating: 0, count: count * other.count)
        let n = wordsPerMask
        words.withUnsafeBufferPointer { a in
            other.words.withUnsafeBufferPointer { b in
                for i in 0..<count {
                    for j in 0..<other.count {
                        var intersection = 0, union = 0
                        for w in 0..<n {
                            let x = a[i &* n &+ w], y = b[j &* n &+ w]
                            intersection &+= (x & y).nonzeroBitCount
                            union &+= (x | y).nonzeroBitCount
                        }
                        result[i * other.count + j] = Float(Double(intersection) / Double(union))
                    }
                }
            }
        }
        return result
    }
}

/// The plain twin of `InstanceMasks.intersectionOverUnion`: masks as mask-major Bool arrays.
public func naiveIntersectionOverUnion(_ a: [Bool], _ b: [Bool], pixelCount: Int) -> [Float] {
    precondition(pixelCount > 0 && a.count % pixelCount == 0 && b.count % pixelCount == 0)
    let rows = a.count / pixelCount, columns = b.count / pixelCount
    var result: [Float] = []
    for i in 0..<rows {
        for j in 0..<columns {
            var intersection = 0, union = 0
            for pixel in 0..<pixelCount {
                let x = a[i * pixelCount + pixel], y = b[j * pixelCount + pixel]
                if x && y { intersection += 1 }
                if x || y { union += 1 }
            }
            result.append(Float(Double(intersection) / Double(union)))
        }
    }
    return result
}
