// VOCAnnotation: what the pipeline needs from a PASCAL VOC annotation file
// (Annotations/<id>.xml): the text of every <name> element, each <object>'s name and
// <difficult> flag, and the image's <size> and <filename>. Image-level class labels are built
// from every <name> in the file, difficult objects included, as the reference's
// voc12/make_cls_labels.py does. A small bounded XML scanner (elements, text, comments,
// CDATA, the five named entities and numeric references), not a general XML parser.

public struct VOCAnnotation: Equatable, Sendable {
    public struct Object: Equatable, Sendable {
        public var name: String
        public var difficult: Bool

        public init(name: String, difficult: Bool) {
            self.name = name
            self.difficult = difficult
        }
    }

    /// The <object> elements in document order.
    public var objects: [Object] = []
    /// The text of every <name> element in document order (objects' and their parts').
    public var names: [String] = []
    /// <size><width>, <size><height>, <filename>, when present.
    public var width: Int?
    public var height: Int?
    public var fileName: String?

    /// Largest annotation file read.
    public static let readLimit = 4 << 20
    /// Deepest element nesting accepted.
    public static let depthLimit = 64

    public init(objects: [Object] = [], names: [String] = [], width: Int? = nil, height: Int? = nil,
                fileName: String? = nil) {
        self.objects = objects
        self.names = names
        self.width = width
        self.height = height
        self.fileName = fileName
    }

    /// Reads and parses the annotation at `path`.
    public static func read(_ path: String) throws -> VOCAnnotation {
        try parse(FileIO.read(path, limit: readLimit), path: path)
    }

    /// Parses annotation bytes (`path` names the file in errors).
    public static func parse(_ bytes: [UInt8], path: String) throws -> VOCAnnotation {
        var scanner = XMLScanner(bytes: bytes, path: path)
        var annotation = VOCAnnotation()
        var stack: [String] = []
        var text: [UInt8] = []
        var current: Object?
        while let token = try scanner.next() {
            switch token {
            case .open(let tag, let selfClosing):
                if selfClosing { continue }
                guard stack.count < depthLimit else { throw scanner.error("elements nested deeper than \(depthLimit)") }
                stack.append(tag)
                text = []
                if tag == "object" { current = Object(name: "", difficult: false) }
            case .text(let bytes):
                text += bytes
            case .close(let tag):
                guard stack.last == tag else { throw scanner.error("</\(tag)> closes <\(stack.last ?? "nothing")>") }
                stack.removeLast()
                let value = String(decoding: text, as: UTF8.self).trimmingXMLWhitespace()
                switch tag {
                case "name":
                    annotation.names.append(value)
                    // An object's own name is its direct child, not a part's name.
                    if stack.last == "object", current?.name.isEmpty == true { current?.name = value }
                case "difficult" where stack.last == "object":
                    current?.difficult = (Int(value) ?? 0) != 0
                case "width" where stack.last == "size": annotation.width = Int(value)
                case "height" where stack.last == "size": annotation.height = Int(value)
                case "filename" where stack.count == 1: annotation.fileName = value
                case "object":
                    if let object = current { annotation.objects.append(object) }
                    current = nil
                default: break
                }
                text = []
            }
        }
        guard stack.isEmpty else { throw scanner.error("<\(stack.last!)> is never closed") }
        return annotation
    }
}

extension String {
    func trimmingXMLWhitespace() -> String {
        var s = self[...]
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" { s = s.dropLast() }
        return String(s)
    }
}

/// Splits XML bytes into element tags and decoded text; skips declarations, comments and
/// doctype, and keeps CDATA as text.
struct XMLScanner {
    enum Token { case open(String, selfClosing: Bool), close(String), text([UInt8]) }

    let bytes: [UInt8]
    let path: String
    var position = 0

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    func error(_ reason: String) -> DatasetError {
        .badFile(path: path, reason: "XML at byte \(position): \(reason)")
    }

    private func starts(with prefix: String, at offset: Int) -> Bool {
        let p = Array(prefix.utf8)
        return offset + p.count <= bytes.count && Array(bytes[offset..<offset + p.count]) == p
    }

    private func find(_ needle: String, from offset: Int) -> Int? {
        let n = Array(needle.utf8)
        var i = offset
        while i + n.count <= bytes.count {
            if bytes[i] == n[0] && Array(bytes[i..<i + n.count]) == n { return i }
            i += 1
        }
        return nil
    }

    mutating func next() throws -> Token? {
        while position < bytes.count {
            if bytes[position] != UInt8(ascii: "<") {
                let start = position
                while position < bytes.count && bytes[position] != UInt8(ascii: "<") { position += 1 }
                return .text(try decodeEntities(bytes[start..<position]))
            }
            if starts(with: "<!--", at: position) {
                guard let end = find("-->", from: position + 4) else { throw error("unterminated comment") }
                position = end + 3
                continue
            }
            if starts(with: "<![CDATA[", at: position) {
                guard let end = find("]]>", from: position + 9) else { throw error("unterminated CDATA") }
                let text = Array(bytes[(position + 9)..<end])
                position = end + 3
                return .text(text)
            }
            if starts(with: "<?", at: position) || starts(with: "<!", at: position) {
                guard let end = find(">", from: position + 2) else { throw error("unterminated declaration") }
                position = end + 1
                continue
            }
            guard let end = find(">", from: position + 1) else { throw error("unterminated tag") }
            var inside = Array(bytes[(position + 1)..<end])
            position = end + 1
            let closing = inside.first == UInt8(ascii: "/")
            if closing { inside.removeFirst() }
            let selfClosing = inside.last == UInt8(ascii: "/")
            if selfClosing { inside.removeLast() }
            let nameBytes = inside.prefix { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
            guard !nameBytes.isEmpty else { throw error("empty tag name") }
            let name = String(decoding: nameBytes, as: UTF8.self)
            return closing ? .close(name) : .open(name, selfClosing: selfClosing)
        }
        return nil
    }

    private func decodeEntities(_ text: ArraySlice<UInt8>) throws -> [UInt8] {
        guard text.contains(UInt8(ascii: "&")) else { return Array(text) }
        var out: [UInt8] = []
        var i = text.startIndex
        while i < text.endIndex {
            guard text[i] == UInt8(ascii: "&") else { out.append(text[i]); i += 1; continue }
            guard let semicolon = text[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                throw error("'&' without an entity")
            }
            let entity = String(decoding: text[(i + 1)..<semicolon], as: UTF8.self)
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
            if let value = named[entity] {
                out += Array(value.utf8)
            } else if entity.hasPrefix("#x"), let code = UInt32(entity.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(code) {
                out += Array(String(Character(scalar)).utf8)
            } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(code) {
                out += Array(String(Character(scalar)).utf8)
            } else {
                throw error("unknown entity '&\(entity);'")
            }
            i = semicolon + 1
        }
        return out
    }
}
