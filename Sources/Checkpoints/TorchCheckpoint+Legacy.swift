// TorchCheckpoint, legacy layout: what torch.save writes with
// `_use_new_zipfile_serialization=False` (torch/serialization.py `_legacy_save`). Five parts
// back to back: a pickled magic number 0x1950a86a20f9469cfc6c, the protocol version 1001, a
// sys_info dict, the object pickle (storages as 6-field persistent ids), a pickled list of
// storage keys; then per key an 8-byte little-endian element count and the raw little-endian
// elements. Part of Checkpoints. The tar layout of PyTorch < 0.4 is refused as unsupported.

extension TorchCheckpoint {
    static let legacyMagic: PickleValue = .bigInt([0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19])
    static let legacyProtocolVersion = 1001

    /// Reads a legacy-layout checkpoint.
    public init(legacy bytes: [UInt8]) throws {
        if bytes.count >= 262, bytes[257..<262].elementsEqual("ustar".utf8) {
            throw CheckpointError.unsupportedFormat("tar-based checkpoint of PyTorch < 0.4")
        }
        let plain = Unpickler()
        func header(_ what: String, at offset: Int) throws -> (value: PickleValue, end: Int) {
            do {
                return try plain.unpickle(bytes, at: offset)
            } catch PickleError.truncated {
                throw CheckpointError.truncated(what: what, offset: offset)
            } catch let error as PickleError {
                throw CheckpointError.badMagic("\(what) at byte \(offset) is no plain pickle: \(error)")
            }
        }
        let magic = try header("magic number", at: 0)
        guard magic.value == TorchCheckpoint.legacyMagic else {
            throw CheckpointError.badMagic("first pickle is a \(magic.value.kind), not the magic number")
        }
        let version = try header("protocol version", at: magic.end)
        guard version.value == .int(TorchCheckpoint.legacyProtocolVersion) else {
            throw CheckpointError.unsupportedFormat("legacy protocol version \(version.value)")
        }
        let system = try header("sys_info", at: version.end)
        guard case .dict(let info) = system.value else { throw CheckpointError.malformed("sys_info is a \(system.value.kind)") }
        if info[string: "little_endian"] == .bool(false) {
            throw CheckpointError.unsupportedFormat("legacy checkpoint written on a big-endian machine")
        }

        let registry = StorageRegistry()
        let torch = Unpickler(globals: TorchGlobals.allowlist,
                              persistentLoad: { try registry.load($0, legacy: true) })
        let object: (value: PickleValue, end: Int)
        do {
            object = try torch.unpickle(bytes, at: system.end)
        } catch PickleError.truncated(let offset) {
            throw CheckpointError.truncated(what: "object pickle", offset: offset)
        }
        let keysPickle = try header("storage key list", at: object.end)
        guard let keyValues = keysPickle.value.sequenceValue else {
            throw CheckpointError.malformed("storage key list is a \(keysPickle.value.kind)")
        }
        var storages: [String: Storage] = [:]
        var offset = keysPickle.end
        for keyValue in keyValues {
            guard case .string(let key) = keyValue else { throw CheckpointError.malformed("a storage key is a \(keyValue.kind)") }
            guard let declaration = registry.declarations[key] else {
                throw CheckpointError.malformed("storage '\(key)' is listed but no tensor uses it")
            }
            guard storages[key] == nil else { throw CheckpointError.malformed("storage '\(key)' is listed twice") }
            guard bytes.count - offset >= 8 else { throw CheckpointError.truncated(what: "size of storage '\(key)'", offset: offset) }
            var count: UInt64 = 0
            for k in 0..<8 { count |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
            guard count == UInt64(declaration.count) else {
                throw CheckpointError.malformed("storage '\(key)' holds \(count) elements, the pickle declares \(declaration.count)")
            }
            let size = declaration.count * declaration.dtype.size  // count <= Int.max / 8: no overflow
            offset += 8
            guard bytes.count - offset >= size else { throw CheckpointError.truncated(what: "data of storage '\(key)'", offset: offset) }
            storages[key] = Storage(bytes: bytes[offset..<(offset + size)], declaredBytes: size, bigEndian: false)
            offset += size
        }
        self.init(format: .legacy, root: object.value, storages: storages)
    }
}
