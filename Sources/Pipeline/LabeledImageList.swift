// LabeledImageList and ImageFolder: the custom dataset layout, for images that are not in a VOC
// folder: `--images DIR --labels labels.txt`, each labels line "image_id class class ..." with
// classes as names or 0-based indices (VOC's 20 names unless `--class-names a,b,c` says
// otherwise). Blank lines and "#" comments are skipped. An image id is a file name in DIR, with
// or without its extension (DESIGN §4, `--classes`; the reference's cls_labels.npy in text).
import Foundation

public struct LabeledImageList: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var id: String
        /// 0-based classes, ascending and distinct.
        public var classes: [Int]

        public init(id: String, classes: [Int]) {
            self.id = id
            self.classes = classes
        }
    }

    public var entries: [Entry]
    public var classNames: [String]

    /// Reads a labels file.
    public static func read(_ path: String, classNames: [String] = VOCDataset.categoryNames) throws -> LabeledImageList {
        guard FileManager.default.fileExists(atPath: path) else { throw DatasetError.missingFile(path: path, role: "labels file") }
        let list = try parse(FileIO.read(path, limit: ImageIDList.readLimit), path: path, classNames: classNames)
        guard !list.entries.isEmpty else { throw DatasetError.emptyList(path: path) }
        return list
    }

    /// Parses a labels file's bytes (`path` names it in errors).
    public static func parse(_ bytes: [UInt8], path: String, classNames: [String] = VOCDataset.categoryNames) throws -> LabeledImageList {
        var entries: [Entry] = []
        for (index, lineBytes) in ImageIDList.lines(of: bytes).enumerated() {
            guard let text = String(validating: lineBytes, as: UTF8.self) else {
                throw DatasetError.badListLine(path: path, line: index + 1, text: "", reason: "not UTF-8 text")
            }
            let line = ImageIDList.trimmed(text[...])
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
            let id = words[0]
            if let reason = ImageIDList.problem(with: id) {
                throw DatasetError.badListLine(path: path, line: index + 1, text: String(line.prefix(80)), reason: reason)
            }
            var classes = Set<Int>()
            for word in words.dropFirst() {
                guard let k = classIndex(word, classNames: classNames) else {
                    throw DatasetError.unknownClass(path: path, line: index + 1, name: word)
                }
                classes.insert(k)
            }
            entries.append(Entry(id: id, classes: classes.sorted()))
        }
        return LabeledImageList(entries: entries, classNames: classNames)
    }

    /// The 0-based index of a class given by name (case-insensitive) or by index.
    public static func classIndex(_ word: String, classNames: [String]) -> Int? {
        if let k = Int(word) { return classNames.indices.contains(k) ? k : nil }
        return classNames.firstIndex { $0.lowercased() == word.lowercased() }
    }

    /// Class names from a `--class-names` argument ("cat,dog"): non-empty, distinct.
    public static func classNames(_ argument: String) -> [String]? {
        let names = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { ImageIDList.trimmed($0) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && Int($0) == nil }),
              Set(names.map { $0.lowercased() }).count == names.count else { return nil }
        return names
    }
}

/// A folder of images named by id.
public struct ImageFolder: Sendable {
    public static let extensions = ["jpg", "jpeg", "png", "ppm", "pgm", "JPG", "JPEG", "PNG"]
    public let root: String

    public init(root: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.missingRoot(path: root)
        }
        self.root = root
    }

    /// The image file of `id`: DIR/id if it exists, else DIR/id.<ext> for the first extension
    /// of `extensions` that exists.
    public func imagePath(_ id: String) throws -> String {
        precondition(ImageIDList.problem(with: id) == nil, "'\(id)' is not an image id")
        let exact = (root as NSString).appendingPathComponent(id)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: exact, isDirectory: &isDirectory), !isDirectory.boolValue { return exact }
        for fileExtension in Self.extensions {
            let candidate = exact + "." + fileExtension
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        throw DatasetError.missingFile(path: exact + ".jpg", role: "image")
    }
}
