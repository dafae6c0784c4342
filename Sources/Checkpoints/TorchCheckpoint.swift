// TorchCheckpoint: a PyTorch .pth file read without executing anything. Both layouts of
// torch.save are understood: the zip archive of PyTorch >= 1.6 (TorchCheckpoint+Zip.swift)
// and the older stream of pickles followed by raw storages (TorchCheckpoint+Legacy.swift).
// This file holds the shared part: the checkpoint's object tree, its storages, turning tensor
// references into contiguous tensors (strided views, shared storages, storage offsets), and
// extracting the state dict the networks load. Part of Checkpoints.

/// Why a checkpoint could not be read. `tensor` names the state-dict entry concerned.
public enum CheckpointError: Error, Equatable, Sendable {
    /// The file ends before `what` (which starts or is needed at `offset`).
    case truncated(what: String, offset: Int)
    /// Not a PyTorch checkpoint: no zip archive, no legacy magic number.
    case badMagic(String)
    /// A valid file in a variant this reader does not support (tar layout, big-endian data...).
    case unsupportedFormat(String)
    /// A zip-format checkpoint lacks a required record.
    case missingRecord(String)
    /// A tensor refers to a storage the file does not contain.
    case storageMissing(key: String, tensor: String)
    /// A tensor's view reaches beyond its storage (byte counts).
    case storageTooSmall(key: String, tensor: String, needed: Int, available: Int)
    /// A storage holds complex or quantized values.
    case unsupportedDType(String, storage: String)
    /// Sizes, strides or offset are negative or overflow.
    case badLayout(tensor: String, reason: String)
    /// A view repeating elements (zero strides) would expand beyond the allowed element count.
    case tooLarge(tensor: String, elements: Int)
    /// The pickle's structure is not that of a checkpoint (wrong persistent ids, key lists...).
    case malformed(String)
    /// The checkpoint holds something other than a (possibly nested) dict of tensors.
    case notAStateDict(String)
}

/// What the zip-format reader needs of an archive: entry names and their contents (a slice,
/// so a stored entry can be read without a copy).
public protocol CheckpointArchive {
    var entryNames: [String] { get }
    /// The entry's bytes, verified against its checksum if the archive keeps one.
    func contents(of name: String) throws -> ArraySlice<UInt8>
    /// The entry's bytes without verification, and how to verify them later (nil: nothing to
    /// verify, or already verified), so storages nobody reads are never checksummed.
    func deferredContents(of name: String) throws -> (bytes: ArraySlice<UInt8>, checksum: DeferredChecksum?)
}

extension CheckpointArchive {
    public func deferredContents(of name: String) throws -> (bytes: ArraySlice<UInt8>, checksum: DeferredChecksum?) {
        (try contents(of: name), nil)
    }
}

/// A check of an archive entry's bytes run when a tensor first reads them.
public struct DeferredChecksum: Sendable {
    public let entry: String
    let verify: @Sendable (ArraySlice<UInt8>) throws -> Void

    public init(entry: String, verify: @escaping @Sendable (ArraySlice<UInt8>) throws -> Void) {
        self.entry = entry
        self.verify = verify
    }
}

public struct TorchCheckpoint {
    public enum Format: Equatable, Sendable {
        /// The zip archive of PyTorch >= 1.6; records are named `<prefix>data.pkl` etc.
        case zip(prefix: String)
        /// The `_use_new_zipfile_serialization=False` stream.
        case legacy
    }

    /// The bytes of one storage and how its first reference declared it.
    struct Storage {
        var bytes: ArraySlice<UInt8>
        var declaredBytes: Int
        var bigEndian: Bool
        /// Run before the first read of these bytes (zip entries are checksummed lazily).
        var checksum: DeferredChecksum? = nil
    }

    /// How the checkpoint was stored.
    public let format: Format
    /// The unpickled object; tensors appear as `.tensor` references until read.
    public let root: PickleValue
    let storages: [String: Storage]

    /// The Python names a checkpoint pickle may mention (collections.OrderedDict, torch's
    /// tensor and parameter rebuild functions, storage classes, torch.Size); any other name
    /// is refused with `PickleError.forbiddenGlobal`.
    public static var allowedGlobals: [PickleGlobal: Unpickler.Role] { TorchGlobals.allowlist }

    /// Elements a zero-stride view may add beyond the elements its storage really holds,
    /// summed over a state dict (bounds what a tiny forged file can make us allocate).
    public static let expansionLimit = 1 << 24

    init(format: Format, root: PickleValue, storages: [String: Storage]) {
        self.format = format
        self.root = root
        self.storages = storages
    }

    /// Reads the values of one tensor reference as a contiguous row-major tensor.
    public func tensor(_ reference: TorchTensorReference, name: String = "tensor") throws -> CheckpointTensor {
        var expansion = 0
        var verified: Set<String> = []
        return try tensor(reference, name: name, expansion: &expansion, verified: &verified)
    }

    /// `verified`: storages whose deferred checksum has already passed (each runs at most once).
    func tensor(_ reference: TorchTensorReference, name: String, expansion: inout Int,
                verified: inout Set<String>) throws -> CheckpointTensor {
        let key = reference.storage.key
        let dtype = reference.storage.dtype
        guard let storage = storages[key] else { throw CheckpointError.storageMissing(key: key, tensor: name) }
        if let checksum = storage.checksum, !verified.contains(key) {
            try checksum.verify(storage.bytes)
            verified.insert(key)
        }
        guard storage.bytes.count >= storage.declaredBytes else {
            throw CheckpointError.storageTooSmall(key: key, tensor: name, needed: storage.declaredBytes,
                                                  available: storage.bytes.count)
        }
        // A legacy storage view is a window of its root; everything else sees the whole storage.
        var window = 0..<storage.declaredBytes
        if let viewOffset = reference.storage.viewOffset {
            let (start, overflow1) = viewOffset.multipliedReportingOverflow(by: dtype.size)
            let (length, overflow2) = reference.storage.count.multipliedReportingOverflow(by: dtype.size)
            guard !overflow1, !overflow2, start <= storage.declaredBytes - length else {
                throw CheckpointError.storageTooSmall(key: key, tensor: name,
                                                      needed: overflow1 || overflow2 ? Int.max : start + length,
                                                      available: storage.declaredBytes)
            }
            window = start..<(start + length)
        }
        let layout = StridedLayout(shape: reference.shape, strides: reference.strides, offset: reference.offset)
        guard let count = layout.count else {
            throw CheckpointError.badLayout(tensor: name, reason: "size \(reference.shape) is negative or overflows")
        }
        guard let required = layout.requiredCount else {
            throw CheckpointError.badLayout(tensor: name, reason: "stride \(reference.strides) or offset \(reference.offset) is negative or overflows")
        }
        let (neededBytes, overflow) = required.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, neededBytes <= window.count else {
            throw CheckpointError.storageTooSmall(key: key, tensor: name, needed: overflow ? Int.max : neededBytes,
                                                  available: window.count)
        }
        if count > required {
            expansion += count - required
            guard expansion <= TorchCheckpoint.expansionLimit else { throw CheckpointError.tooLarge(tensor: name, elements: count) }
        }
        let base = storage.bytes.startIndex + window.lowerBound
        return ElementCoding.decode(storage.bytes[base..<(base + window.count)], dtype: dtype, layout: layout,
                                    bigEndian: storage.bigEndian)
    }

    /// The tensors of the checkpoint by name. The root must be a dict of tensors (nested dicts
    /// are flattened with dotted names); a root dict with a `state_dict` or `model` entry that
    /// is a dict is unwrapped first (the usual training-checkpoint layout). With `including`,
    /// only the entries it accepts (by name and stored element type) are read: the others are
    /// neither decoded nor checksummed (IRNet checkpoints carry hundreds of MB of int64
    /// path_indices buffers that inference never reads).
    public func stateDict(including: (_ name: String, _ dtype: CheckpointDType) -> Bool = { _, _ in true }) throws -> StateDict {
        guard case .dict(var dict) = root else { throw CheckpointError.notAStateDict("the checkpoint holds a \(root.kind), not a dict") }
        for wrapper in ["state_dict", "model"] {
            if case .dict(let inner)? = dict[string: wrapper] {
                dict = inner
                break
            }
        }
        var result = StateDict()
        var expansion = 0
        var verified: Set<String> = []
        try collect(dict, prefix: "", into: &result, including: including, expansion: &expansion, verified: &verified)
        return result
    }

    private func collect(_ dict: PickleDict, prefix: String, into result: inout StateDict,
                         including: (String, CheckpointDType) -> Bool,
                         expansion: inout Int, verified: inout Set<String>) throws {
        for (key, value) in dict.entries {
            guard case .string(let name) = key else {
                throw CheckpointError.notAStateDict("a key under '\(prefix)' is a \(key.kind), not a string")
            }
            let fullName = prefix + name
            switch value {
            case .tensor(let reference):
                guard result[fullName] == nil else { throw CheckpointError.notAStateDict("'\(fullName)' occurs twice") }
                guard including(fullName, reference.storage.dtype) else { continue }
                result[fullName] = try tensor(reference, name: fullName, expansion: &expansion, verified: &verified)
            case .dict(let inner):
                try collect(inner, prefix: fullName + ".", into: &result, including: including,
                            expansion: &expansion, verified: &verified)
            default:
                throw CheckpointError.notAStateDict("'\(fullName)' holds a \(value.kind), not a tensor")
            }
        }
    }
}

extension TorchCheckpoint {
    /// Registers each storage a pickle names, keeping the first declaration of each key, and
    /// turns persistent ids into storage references.
    final class StorageRegistry {
        private(set) var declarations: [String: TorchStorageReference] = [:]
        private(set) var order: [String] = []

        func register(_ reference: TorchStorageReference) -> TorchStorageReference {
            if declarations[reference.key] == nil {
                declarations[reference.key] = reference
                order.append(reference.key)
            }
            return reference
        }

        /// ('storage', storage_type, key, location, numel[, view_metadata]).
        func load(_ id: PickleValue, legacy: Bool) throws -> PickleValue {
            guard let fields = id.sequenceValue, fields.first == .string("storage") else {
                throw PickleCallFailure("persistent id \(id.kind) is not a ('storage', ...) tuple")
            }
            guard fields.count == (legacy ? 6 : 5) else {
                throw PickleCallFailure("storage id has \(fields.count) fields, expected \(legacy ? 6 : 5)")
            }
            guard case .global(let type) = fields[1], type.module == "torch" else {
                throw PickleCallFailure("storage type is a \(fields[1].kind)")
            }
            guard case .string(let key) = fields[2] else { throw PickleCallFailure("storage key is a \(fields[2].kind)") }
            guard let dtype = CheckpointDType(torchStorageName: type.name) else {
                if CheckpointDType.unsupportedTorchStorageNames.contains(type.name) {
                    throw CheckpointError.unsupportedDType(type.name, storage: key)
                }
                throw PickleCallFailure("\(type) is not a storage type")
            }
            let location = fields[3].stringValue ?? ""
            guard let count = fields[4].intValue, count >= 0, count <= Int.max / 8 else {
                throw PickleCallFailure("storage '\(key)' has element count \(fields[4])")
            }
            let root = register(TorchStorageReference(key: key, dtype: dtype, count: count, location: location))
            guard legacy, fields[5] != .none else { return .storage(root) }
            guard let view = fields[5].sequenceValue, view.count == 3, view[0].stringValue != nil,
                  let offset = view[1].intValue, let length = view[2].intValue, offset >= 0, length >= 0,
                  offset <= Int.max / 8, length <= Int.max / 8 else {
                throw PickleCallFailure("storage '\(key)' has malformed view metadata")
            }
            return .storage(TorchStorageReference(key: key, dtype: dtype, count: length, location: location,
                                                  viewOffset: offset))
        }
    }
}
