// SafeTensors: the safetensors file format, read and written. Layout: an 8-byte little-endian
// header length N, N bytes of JSON {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets":
// [begin, end]}, ..., "__metadata__": {"key": "value"}} (may end in spaces), then the data
// buffer; offsets are relative to the buffer, tensors are contiguous row-major little-endian,
// and together they must tile the buffer exactly. Part of Checkpoints. Our writer is
// deterministic: names sorted by UTF-8 bytes, data in the same order, header padded with
// spaces so the data starts at a multiple of 8.

public enum SafeTensorsError: Error, Equatable, Sendable {
    /// The file ends before `what`.
    case truncated(what: String, offset: Int)
    /// The header length exceeds `SafeTensors.maxHeaderSize`.
    case headerTooLarge(Int)
    /// The header is no JSON, or not shaped as the format requires.
    case badHeader(String)
    /// A dtype this reader does not handle (U16, F8_E4M3...).
    case unsupportedDType(String, tensor: String)
    /// A tensor's byte range disagrees with its shape or with its neighbours.
    case badOffsets(tensor: String, reason: String)
    /// The tensors do not cover the data buffer exactly.
    case incompleteBuffer(covered: Int, size: Int)
}

public enum SafeTensors {
    /// The largest header accepted (the reference implementation's limit, 100 MB).
    public static let maxHeaderSize = 100_000_000

    /// Reads a safetensors file: its tensors in file order and its `__metadata__`.
    public static func read(_ bytes: [UInt8]) throws -> (tensors: StateDict, metadata: [String: String]) {
        guard bytes.count >= 8 else { throw SafeTensorsError.truncated(what: "header length", offset: 0) }
        var length: UInt64 = 0
        for k in 0..<8 { length |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        guard length <= UInt64(maxHeaderSize) else { throw SafeTensorsError.headerTooLarge(Int(clamping: length)) }
        let headerEnd = 8 + Int(length)
        guard bytes.count >= headerEnd else { throw SafeTensorsError.truncated(what: "header", offset: 8) }
        let header: JSONValue
        do {
            header = try JSONValue.parse(bytes[8..<headerEnd])
        } catch let error as JSONError {
            throw SafeTensorsError.badHeader("\(error)")
        }
        guard case .object(let object) = header else { throw SafeTensorsError.badHeader("the header is a \(header.kind), not an object") }

        var metadata: [String: String] = [:]
        struct Entry { var name: String; var dtype: CheckpointDType; var shape: [Int]; var begin: Int; var end: Int }
        var entries: [Entry] = []
        for (name, value) in object.members {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else { throw SafeTensorsError.badHeader("__metadata__ is a \(value.kind)") }
                for (key, item) in pairs.members {
                    guard let text = item.stringValue else { throw SafeTensorsError.badHeader("metadata '\(key)' is a \(item.kind), not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard case .object(let info) = value else { throw SafeTensorsError.badHeader("'\(name)' is a \(value.kind), not an object") }
            guard let dtypeName = info["dtype"]?.stringValue else { throw SafeTensorsError.badHeader("'\(name)' has no dtype string") }
            guard case .array(let shapeValues)? = info["shape"] else { throw SafeTensorsError.badHeader("'\(name)' has no shape array") }
            let shape = try shapeValues.map { item -> Int in
                guard let extent = item.intValue, extent >= 0 else { throw SafeTensorsError.badHeader("'\(name)' has shape entry \(item.kind)") }
                return extent
            }
            guard case .array(let offsets)? = info["data_offsets"], offsets.count == 2,
                  let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, begin <= end else {
                throw SafeTensorsError.badOffsets(tensor: name, reason: "data_offsets is not [begin, end] with 0 <= begin <= end")
            }
            guard let dtype = CheckpointDType(safeTensorsName: dtypeName) else {
                throw SafeTensorsError.unsupportedDType(dtypeName, tensor: name)
            }
            guard let count = StridedLayout.contiguous(shape).count,
                  case (let size, false) = count.multipliedReportingOverflow(by: dtype.size), size == end - begin else {
                throw SafeTensorsError.badOffsets(tensor: name, reason: "\(end - begin) bytes for shape \(shape) of \(dtypeName)")
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end))
        }

        let buffer = bytes[headerEnd...]
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        for entry in entries {
            guard entry.begin == covered else {
                throw SafeTensorsError.badOffsets(tensor: entry.name, reason: "starts at \(entry.begin), expected \(covered)")
            }
            covered = entry.end
        }
        guard covered == buffer.count else { throw SafeTensorsError.incompleteBuffer(covered: covered, size: buffer.count) }

        var tensors = StateDict()
        for entry in entries {
            let base = headerEnd + entry.begin
            tensors[entry.name] = ElementCoding.decode(bytes[base..<(headerEnd + entry.end)], dtype: entry.dtype,
                                                       layout: .contiguous(entry.shape))
        }
        return (tensors, metadata)
    }

    /// Writes a safetensors file; each tensor is stored in its own `dtype` (floats rounded to
    /// nearest-even for 16-bit types). The same input always gives the same bytes.
    public static func write(_ tensors: StateDict, metadata: [String: String] = [:]) -> [UInt8] {
        precondition(tensors.names.allSatisfy { $0 != "__metadata__" }, "'__metadata__' cannot name a tensor")
        let byUTF8: (String, String) -> Bool = { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var header = JSONObject()
        if !metadata.isEmpty {
            var pairs = JSONObject()
            for key in metadata.keys.sorted(by: byUTF8) { pairs[key] = .string(metadata[key]!) }
            header["__metadata__"] = .object(pairs)
        }
        var data: [UInt8] = []
        for name in tensors.names.sorted(by: byUTF8) {
            let tensor = tensors[name]!
            let begin = data.count
            data += ElementCoding.encode(tensor)
            var info = JSONObject()
            info["dtype"] = .string(tensor.dtype.safeTensorsName)
            info["shape"] = .array(tensor.shape.map { .integer($0) })
            info["data_offsets"] = .array([.integer(begin), .integer(data.count)])
            header[name] = .object(info)
        }
        var text = Array(JSONValue.object(header).serialized.utf8)
        text += [UInt8](repeating: 0x20, count: (8 - text.count % 8) % 8)
        var out: [UInt8] = []
        out.reserveCapacity(8 + text.count + data.count)
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: UInt64(text.count) >> (8 * UInt64(k)))) }
        out += text
        out += data
        return out
    }
}
