// ImageIDList: the list files that name a dataset's images (VOC's ImageSets/Segmentation/*.txt,
// or any text file): one image id per line, surrounding whitespace trimmed, blank lines and lines
// starting with "#" skipped. Ids are plain file stems of any spelling ("2007_000032", "cat 1" is
// refused because of the space); they never contain a path separator, so every file a dataset
// derives from an id stays inside its folder (DESIGN §4, `--list FILE`).

public enum DatasetError: Error, Equatable, Sendable {
    /// A list line is not a single image id.
    case badListLine(path: String, line: Int, text: String, reason: String)
    /// A list holds no image ids.
    case emptyList(path: String)
    /// A file the dataset needs does not exist.
    case missingFile(path: String, role: String)
    /// A file exists but its content does not fit the layout.
    case badFile(path: String, reason: String)
    /// A labels file line names an unknown class.
    case unknownClass(path: String, line: Int, name: String)
    /// The dataset root folder does not exist.
    case missingRoot(path: String)
}

public enum ImageIDList {
    /// Largest list file read (64 MiB: millions of ids).
    public static let readLimit = 64 << 20

    /// The ids of the list file at `path`, in order.
    public static func read(_ path: String) throws -> [String] {
        let bytes = try FileIO.read(path, limit: readLimit)
        let ids = try parse(bytes, path: path)
        guard !ids.isEmpty else { throw DatasetError.emptyList(path: path) }
        return ids
    }

    /// The ids of a list's text (`path` names it in errors). Duplicates are kept: they are
    /// evaluated twice, as the reference would.
    public static func parse(_ bytes: [UInt8], path: String) throws -> [String] {
        var ids: [String] = []
        for (index, lineBytes) in lines(of: bytes).enumerated() {
            guard let text = String(validating: lineBytes, as: UTF8.self) else {
                throw DatasetError.badListLine(path: path, line: index + 1, text: "", reason: "not UTF-8 text")
            }
            let line = trimmed(text[...])
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let reason = problem(with: line) {
                throw DatasetError.badListLine(path: path, line: index + 1, text: String(line.prefix(80)), reason: reason)
            }
            ids.append(line)
        }
        return ids
    }

    /// Why `id` cannot name an image, or nil if it can.
    public static func problem(with id: String) -> String? {
        if id.contains(where: { $0 == " " || $0 == "\t" }) {
            return "expected one image id per line, found several words"
        }
        if id.contains("/") || id.contains("\\") { return "an image id is a file stem, without folders" }
        if id == "." || id == ".." { return "'\(id)' is not an image id" }
        if id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "control characters in the id"
        }
        return nil
    }

    /// The lines of a text file's bytes ("\n" or "\r\n" endings; "\r" is trimmed later).
    static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    }

    static func trimmed(_ line: Substring) -> String {
        var s = line[...]
        while let c = s.first, c == " " || c == "\t" || c == "\r" || c == "\u{FEFF}" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
