// AffinityLabels: the class of every training pair of IRNet, read off a stride-4 label map
// (reference `voc12/dataloader.py` GetAffinityLabelFromIndices; DESIGN §6). With a = label of
// the source, b = label of the destination, a pair is valid when both are classes (< 21; 255
// marks unsure pixels), and then
//   background positive: a = b = 0;  foreground positive: a = b > 0;  negative: a ≠ b.
// Invalid pairs take part in no loss term. Stored direction-major like the reference's
// [directions, sources] arrays.

/// The kind of one pair.
public enum AffinityLabel: UInt8, Sendable {
    case ignored = 0
    case backgroundPositive = 1
    case foregroundPositive = 2
    case negative = 3
}

/// The labels of every pair of one image.
public struct AffinityLabels: Sendable {
    /// Label of pair (direction d, source s) at index d·sourceCount + s.
    public var labels: [AffinityLabel]

    /// Labels of `pairs` on `labelMap` (pairs.height × pairs.width, row-major class indices);
    /// values ≥ `classCount` (255 in the reference's maps) are unsure.
    public init(labelMap: [UInt8], pairs: AffinityPairs, classCount: Int = 21) {
        precondition(labelMap.count == pairs.height * pairs.width,
                     "AffinityLabels: label map of \(labelMap.count) pixels is not \(pairs.height)×\(pairs.width)")
        var labels = [AffinityLabel](repeating: .ignored, count: pairs.directions.count * pairs.sourceCount)
        for (d, offset) in pairs.directions.enumerated() {
            let step = offset.dy * pairs.width + offset.dx
            for s in 0..<pairs.sourceCount {
                let source = pairs.sourceIndex(s)
                let a = Int(labelMap[source]), b = Int(labelMap[source + step])
                guard a < classCount && b < classCount else { continue }
                labels[d * pairs.sourceCount + s] = a != b ? .negative : (a == 0 ? .backgroundPositive : .foregroundPositive)
            }
        }
        self.labels = labels
    }

    /// Labels given directly (direction-major, directions × sources).
    public init(labels: [AffinityLabel]) {
        self.labels = labels
    }

    /// How many pairs carry `label`.
    public func count(of label: AffinityLabel) -> Int {
        labels.reduce(0) { $0 + ($1 == label ? 1 : 0) }
    }
}
