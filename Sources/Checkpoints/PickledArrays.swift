// PickledArrays: the arrays of a pickled Python dict as `numpy.save` writes it (a .npy file of
// one object, read back in Python with `np.load(..., allow_pickle=True).item()`), such as the
// reference's CAM files {"keys": LongTensor, "cam": FloatTensor, "high_res": ndarray} and its
// ins-seg files. Values may be NumPy arrays (numpy.core.multiarray._reconstruct plus the
// ndarray state (version, shape, dtype, fortran_order, raw bytes), numpy/_core/numeric.py) or
// PyTorch tensors (torch._utils._rebuild_tensor_v2 over a storage pickled as
// torch.storage._load_from_bytes(<legacy torch.save stream>), torch/storage.py). Part of
// Checkpoints: the same restricted unpickler as .pth files; nothing in the file is executed.

public enum PickledArrays {
    /// The Python names such a pickle may mention, with their meaning; `storages` collects the
    /// storages the pickle carries as nested torch.save streams.
    static func allowlist(storages: StorageBlobs) -> [PickleGlobal: Unpickler.Role] {
        var globals = TorchGlobals.allowlist
        for module in ["numpy.core.multiarray", "numpy._core.multiarray"] {
            globals[PickleGlobal(module, "_reconstruct")] = .name
            globals[PickleGlobal(module, "scalar")] = .name
        }
        globals[PickleGlobal("numpy", "ndarray")] = .name
        globals[PickleGlobal("numpy", "dtype")] = .name
        globals[PickleGlobal("torch.storage", "_load_from_bytes")] = .function { try storages.load($0) }
        return globals
    }

    /// The entries of the dict pickled in `pickle` (the payload of `NPY.pickledObject`, or a
    /// bare pickle of a dict), in the dict's order. Every value must be an array or a tensor of
    /// a numeric type; anything else is refused with the entry's name.
    public static func dictionary(fromPickle pickle: [UInt8]) throws -> [(name: String, tensor: CheckpointTensor)] {
        let storages = StorageBlobs()
        let unpickler = Unpickler(globals: allowlist(storages: storages))
        let root: PickleValue
        do {
            root = try unpickler.unpickle(pickle).value
        } catch PickleError.truncated(let offset) {
            throw CheckpointError.truncated(what: "pickled object", offset: offset)
        }
        let dict = try unwrapObjectArray(root)
        var entries: [(name: String, tensor: CheckpointTensor)] = []
        for (key, value) in dict.entries {
            guard case .string(let name) = key else { throw CheckpointError.malformed("a dict key is a \(key.kind), not a str") }
            entries.append((name, try array(value, name: name, storages: storages)))
        }
        return entries
    }

    /// A 0-d object ndarray holding one dict (what numpy.save pickles), or the dict itself.
    static func unwrapObjectArray(_ root: PickleValue) throws -> PickleDict {
        if case .dict(let dict) = root { return dict }
        guard case .object(let object) = root, isReconstruct(object.type) else {
            throw CheckpointError.malformed("the pickled object is a \(root.kind), not a dict")
        }
        let state = try ArrayState(object, name: "the pickled object")
        guard state.dtype == "O", let items = state.data.sequenceValue, items.count == 1, case .dict(let dict) = items[0] else {
            throw CheckpointError.malformed("the pickled object is an array of \(state.dtype), not one dict")
        }
        return dict
    }

    static func isReconstruct(_ global: PickleGlobal) -> Bool {
        global.name == "_reconstruct" && (global.module == "numpy.core.multiarray" || global.module == "numpy._core.multiarray")
    }

    /// One dict value as a tensor: a NumPy array or a PyTorch tensor.
    static func array(_ value: PickleValue, name: String, storages: StorageBlobs) throws -> CheckpointTensor {
        switch value {
        case .tensor(let reference):
            return try storages.tensor(reference, name: name)
        case .object(let object) where isReconstruct(object.type):
            let state = try ArrayState(object, name: name)
            guard let dtype = numericType(state.dtype) else {
                throw CheckpointError.unsupportedDType("NumPy \(state.dtype)", storage: name)
            }
            guard case .bytes(let data) = state.data else {
                throw CheckpointError.malformed("array '\(name)' holds its data as a \(state.data.kind), not bytes")
            }
            var count = 1
            for extent in state.shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: extent)
                guard extent >= 0, !overflow, product <= Int.max / 8 else {
                    throw CheckpointError.badLayout(tensor: name, reason: "shape \(state.shape) is negative or overflows")
                }
                count = product
            }
            guard data.count == count * dtype.size else {
                throw CheckpointError.storageTooSmall(key: name, tensor: name, needed: count * dtype.size, available: data.count)
            }
            var strides = [Int](repeating: 1, count: state.shape.count)
            if state.fortranOrder {
                for axis in strides.indices.dropFirst() { strides[axis] = strides[axis - 1] * max(1, state.shape[axis - 1]) }
            } else {
                for axis in strides.indices.reversed().dropFirst() { strides[axis] = strides[axis + 1] * max(1, state.shape[axis + 1]) }
            }
            return ElementCoding.decode(data[...], dtype: dtype,
                                        layout: StridedLayout(shape: state.shape, strides: strides, offset: 0),
                                        bigEndian: state.bigEndian)
        default:
            throw CheckpointError.malformed("'\(name)' is a \(value.kind), not an array or a tensor")
        }
    }

    /// NumPy type codes (without byte order) of the element types a CheckpointTensor holds.
    static func numericType(_ code: String) -> CheckpointDType? {
        switch code {
        case "f2": return .float16
        case "f4": return .float32
        case "f8": return .float64
        case "b1": return .bool
        case "u1": return .uint8
        case "i1": return .int8
        case "i2": return .int16
        case "i4": return .int32
        case "i8": return .int64
        default: return nil
        }
    }
}

extension PickledArrays {
    /// The state `ndarray.__setstate__` receives: (version, shape, dtype, fortran_order, data),
    /// or the older form without the version. The dtype is `numpy.dtype(code, False, True)`
    /// with the state (version, byte order, ...).
    struct ArrayState {
        var shape: [Int]
        /// The type code without byte order: "f4", "i8", "O", ...
        var dtype: String
        var bigEndian: Bool
        var fortranOrder: Bool
        var data: PickleValue

        init(_ object: PickleObject, name: String) throws {
            func fail(_ reason: String) -> CheckpointError { .malformed("array '\(name)': \(reason)") }
            guard let fields = object.state?.sequenceValue, fields.count == 5 || fields.count == 4 else {
                throw fail("no ndarray state (version, shape, dtype, fortran_order, data)")
            }
            let field = Array(fields.suffix(4))
            guard let extents = field[0].sequenceValue else { throw fail("shape is a \(field[0].kind)") }
            shape = try extents.map {
                guard let extent = $0.intValue, extent >= 0 else { throw fail("shape \(field[0]) is not a tuple of sizes") }
                return extent
            }
            guard case .object(let type) = field[1], type.type == PickleGlobal("numpy", "dtype"),
                  case .string(let code)? = type.arguments.first else {
                throw fail("dtype is a \(field[1].kind)")
            }
            let order = type.state?.sequenceValue.flatMap { $0.count > 1 ? $0[1].stringValue : nil } ?? "|"
            guard ["<", "|", "=", ">"].contains(order) else { throw fail("byte order '\(order)'") }
            dtype = code == "O8" || code == "O4" ? "O" : code
            bigEndian = order == ">"
            guard case .bool(let fortran) = field[2] else { throw fail("fortran_order is a \(field[2].kind)") }
            fortranOrder = fortran
            data = field[3]
        }
    }

    /// The storages of the tensors in the pickle: each arrives as the bytes of a legacy
    /// torch.save stream of that storage alone. Each is read as a checkpoint of its own and
    /// named by its position, so equal keys in two streams cannot be confused.
    final class StorageBlobs {
        private var checkpoints: [(checkpoint: TorchCheckpoint, key: String)] = []

        /// `torch.storage._load_from_bytes(data)`.
        func load(_ arguments: [PickleValue]) throws -> PickleValue {
            guard arguments.count == 1, case .bytes(let data) = arguments[0] else {
                throw PickleCallFailure("expects one bytes argument")
            }
            let checkpoint = try TorchCheckpoint(legacy: data)
            guard case .storage(let storage) = checkpoint.root else {
                throw PickleCallFailure("the stream holds a \(checkpoint.root.kind), not a storage")
            }
            checkpoints.append((checkpoint, storage.key))
            var renamed = storage
            renamed.key = String(checkpoints.count - 1)
            return .storage(renamed)
        }

        /// The values of a tensor over one of these storages.
        func tensor(_ reference: TorchTensorReference, name: String) throws -> CheckpointTensor {
            guard let index = Int(reference.storage.key), checkpoints.indices.contains(index) else {
                throw CheckpointError.storageMissing(key: reference.storage.key, tensor: name)
            }
            var original = reference
            original.storage.key = checkpoints[index].key
            return try checkpoints[index].checkpoint.tensor(original, name: name)
        }
    }
}
