// ConfusionMatrix: pixel counts of (ground-truth class, predicted class) over a dataset, the
// basis of every semantic segmentation metric (mIoU of sem-seg labels and of CAMs).
// Accumulates as chainercv's calc_semantic_segmentation_confusion: ground-truth pixels below 0
// are ignored (VOC's 255 "void" becomes -1 when the dataset is read), and the matrix grows to
// (largest label seen + 1)² whenever an image holds a larger label in either map, counted or not.
// Rows are ground truth, columns prediction. Metrics: ConfusionMatrix+Metrics.swift.

public struct ConfusionMatrix: Equatable, Sendable {
    /// Labels at or above this bound are rejected (the matrix holds bound² counts).
    public static let labelLimit = 4096

    /// Number of classes: rows and columns.
    public private(set) var classCount: Int
    /// Row-major counts: `counts[groundTruth * classCount + prediction]`.
    public private(set) var counts: [Int]

    /// An empty matrix with `classCount` classes (0, as chainercv starts, unless told).
    public init(classCount: Int = 0) {
        precondition(classCount >= 0 && classCount <= Self.labelLimit, "class count \(classCount) out of range")
        self.classCount = classCount
        counts = [Int](repeating: 0, count: classCount * classCount)
    }

    /// A matrix with given counts (row-major, ground truth by prediction).
    public init(classCount: Int, counts: [Int]) {
        precondition(classCount >= 0 && classCount <= Self.labelLimit && counts.count == classCount * classCount,
                     "\(counts.count) counts for \(classCount) classes")
        self.classCount = classCount
        self.counts = counts
    }

    /// Pixels of class `groundTruth` predicted as `prediction`.
    public subscript(groundTruth groundTruth: Int, prediction prediction: Int) -> Int {
        counts[groundTruth * classCount + prediction]
    }

    /// Adds one image's label maps (same pixel count, same order). Ground truth below 0 is
    /// ignored; predictions must be 0 or more wherever the ground truth counts.
    public mutating func accumulate(prediction: [Int32], groundTruth: [Int32]) {
        precondition(prediction.count == groundTruth.count,
                     "prediction has \(prediction.count) pixels, ground truth \(groundTruth.count)")
        prediction.withUnsafeBufferPointer { p in
            groundTruth.withUnsafeBufferPointer { g in
                accumulate(p, g, ignored: { $0 < 0 })
            }
        }
    }

    /// Adds one image's 8-bit label maps. Ground-truth pixels equal to `ignoredGroundTruth`
    /// (VOC's 255 by default) are ignored, as chainercv's VOC dataset turns them into -1;
    /// predictions are counted as they are (map IRNet's unsure 255 to 0 first, as its
    /// eval_sem_seg does, or the matrix grows to 256 classes).
    public mutating func accumulate(prediction: [UInt8], groundTruth: [UInt8], ignoredGroundTruth: UInt8? = 255) {
        precondition(prediction.count == groundTruth.count,
                     "prediction has \(prediction.count) pixels, ground truth \(groundTruth.count)")
        prediction.withUnsafeBufferPointer { p in
            groundTruth.withUnsafeBufferPointer { g in
                if let ignored = ignoredGroundTruth {
                    accumulate(p, g, ignored: { $0 == ignored })
                } else {
                    accumulate(p, g, ignored: { _ in false })
                }
            }
        }
    }

    /// Adds another matrix (e.g. from another shard of the dataset), growing to the larger size.
    public mutating func add(_ other: ConfusionMatrix) {
        grow(to: other.classCount)
        for row in 0..<other.classCount {
            for column in 0..<other.classCount {
                counts[row * classCount + column] += other.counts[row * other.classCount + column]
            }
        }
    }

    /// The top-left `n`×`n` block (NumPy's `confusion[:n, :n]`; the whole matrix if smaller).
    public func leading(_ n: Int) -> ConfusionMatrix {
        precondition(n >= 0)
        let size = min(n, classCount)
        var block = [Int](repeating: 0, count: size * size)
        for row in 0..<size {
            for column in 0..<size {
                block[row * size + column] = counts[row * classCount + column]
            }
        }
        return ConfusionMatrix(classCount: size, counts: block)
    }

    /// Enlarges the matrix to `newCount` classes, keeping the counts.
    mutating func grow(to newCount: Int) {
        guard newCount > classCount else { return }
        precondition(newCount <= Self.labelLimit, "label \(newCount - 1) is not below \(Self.labelLimit)")
        var grown = [Int](repeating: 0, count: newCount * newCount)
        for row in 0..<classCount {
            for column in 0..<classCount {
                grown[row * newCount + column] = counts[row * classCount + column]
            }
        }
        classCount = newCount
        counts = grown
    }

    /// Two passes, as the reference: the largest label of either map (ignored pixels' predictions
    /// included) sizes the matrix, then the counted pixels are tallied.
    @inline(__always)
    mutating func accumulate<Label: FixedWidthInteger>(_ prediction: UnsafeBufferPointer<Label>,
                                                       _ groundTruth: UnsafeBufferPointer<Label>,
                                                       ignored: (Label) -> Bool) {
        var largest = -1
        for k in 0..<prediction.count {
            largest = max(largest, Int(prediction[k]))
            let g = groundTruth[k]
            if !ignored(g) { largest = max(largest, Int(g)) }
        }
        grow(to: largest + 1)
        let n = classCount
        counts.withUnsafeMutableBufferPointer { table in
            for k in 0..<prediction.count {
                let g = groundTruth[k]
                if ignored(g) { continue }
                let p = Int(prediction[k])
                precondition(p >= 0, "negative predicted label \(p) at pixel \(k)")
                table[Int(g) &* n &+ p] &+= 1
            }
        }
    }
}
