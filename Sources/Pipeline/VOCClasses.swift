// VOCClasses: the 20 PASCAL VOC foreground class names in the reference's order (its CAT_LIST;
// index = the 0-based `key` stored in CAM files, label value = key + 1) and the parser of the
// command line's `--classes` lists (DESIGN §4): names or 0-based indices, comma-separated.

public enum VOCClasses {
    /// Foreground class names; `names[key]` is class `key` (label value key + 1).
    public static let names = [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
        "train", "tvmonitor",
    ]

    /// The name of class `key`, or "class<key>" outside the VOC range.
    public static func name(of key: Int) -> String {
        names.indices.contains(key) ? names[key] : "class\(key)"
    }
}

public enum ClassListError: Error, Equatable, Sendable {
    /// The list names no class.
    case empty
    /// An entry is neither a VOC class name nor an index in 0...19.
    case unknownClass(String)
}

/// The 0-based foreground classes of a list like "cat,dog" or "7, 11" (names are matched without
/// regard to case; names and indices may be mixed), sorted and without repeats, as the
/// reference orders an image's keys.
public func parseClasses(_ text: String) throws -> [Int] {
    var keys = Set<Int>()
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let entry = String(part.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
        if let index = Int(entry), VOCClasses.names.indices.contains(index) {
            keys.insert(index)
        } else if let index = VOCClasses.names.firstIndex(of: entry.lowercased()) {
            keys.insert(index)
        } else if entry.isEmpty {
            continue
        } else {
            throw ClassListError.unknownClass(entry)
        }
    }
    guard !keys.isEmpty else { throw ClassListError.empty }
    return keys.sorted()
}
