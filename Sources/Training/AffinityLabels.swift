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
        labelMap.withUnsafeBufferPointer { map in
            labels.withUnsafeMutableBufferPointer { labels in
                var pair = 0
                for offset in pairs.directions {
                    let step = offset.dy * pairs.width + offset.dx
                    for row in 0..<pairs.sourceRows {
                        let firstSource = row * pairs.width + pairs.radiusFloor
                        for source in firstSource..<(firstSource + pairs.sourceColumns) {
                            let a = Int(map[source]), b = Int(map[source + step])
                            if a < classCount && b < classCount {
                                labels[pair] = a != b ? .negative : (a == 0 ? .backgroundPositive : .foregroundPositive)
                            }
                            pair += 1
                        }
                    }
                }
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
