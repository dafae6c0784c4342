// TorchCheckpoint, zip layout: what torch.save writes since PyTorch 1.6
// (torch/serialization.py `_save`). One folder (named after the file, or "archive") holding
// `data.pkl` (the object pickle; storages as ('storage', type, key, location, numel)),
// `data/<key>` (each storage's raw bytes), `byteorder` ("little" or "big"; absent in old
// files, meaning little) and version records. Part of Checkpoints; the archive itself is
// read by Codecs' ZipArchive (or any CheckpointArchive).

extension TorchCheckpoint {
    /// Reads a zip-layout checkpoint from its archive.
    public init(archive: some CheckpointArchive) throws {
        let names = archive.entryNames
        // The pickle is `<prefix>data.pkl` with a one-folder prefix; prefer the shortest name.
        let candidates = names.filter { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }
        guard let pickleName = candidates.min(by: { $0.utf8.count < $1.utf8.count }) else {
            throw CheckpointError.missingRecord("data.pkl")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        var bigEndian = false
        if names.contains(prefix + "byteorder") {
            let order = try archive.contents(of: prefix + "byteorder")
            switch String(decoding: order, as: UTF8.self) {
            case "little": bigEndian = false
            case "big": bigEndian = true
            default: throw CheckpointError.unsupportedFormat("byte order '\(String(decoding: order.prefix(16), as: UTF8.self))'")
            }
        }
        let pickle = Array(try archive.contents(of: pickleName))
        let registry = StorageRegistry()
        let torch = Unpickler(globals: TorchGlobals.allowlist,
                              persistentLoad: { try registry.load($0, legacy: false) })
        let root = try torch.unpickle(pickle).value
        let available = Set(names)
        var storages: [String: Storage] = [:]
        for key in registry.order {
            let name = prefix + "data/" + key
            guard available.contains(name), let declaration = registry.declarations[key] else { continue }
            let contents = try archive.deferredContents(of: name)
            storages[key] = Storage(bytes: contents.bytes, declaredBytes: declaration.count * declaration.dtype.size,
                                    bigEndian: bigEndian, checksum: contents.checksum)
        }
        self.init(format: .zip(prefix: prefix), root: root, storages: storages)
    }
}
