// TorchGlobals: the allowlist of Python names a PyTorch state-dict pickle may mention, and
// what a call to each means (torch/_utils.py: _rebuild_tensor_v2(storage, storage_offset,
// size, stride, requires_grad, backward_hooks[, metadata]), _rebuild_parameter(data,
// requires_grad, backward_hooks); collections.OrderedDict). Part of Checkpoints; used by
// TorchCheckpoint. Any other name in a checkpoint is refused before anything is built.

enum TorchGlobals {
    /// The allowed names with their meaning.
    static var allowlist: [PickleGlobal: Unpickler.Role] {
        var globals: [PickleGlobal: Unpickler.Role] = [
            PickleGlobal("collections", "OrderedDict"): .function(orderedDict),
            PickleGlobal("torch._utils", "_rebuild_tensor_v2"): .function(rebuildTensorV2),
            PickleGlobal("torch._utils", "_rebuild_tensor"): .function(rebuildTensor),
            PickleGlobal("torch._utils", "_rebuild_parameter"): .function(rebuildParameter),
            PickleGlobal("torch._utils", "_rebuild_parameter_with_state"): .function(rebuildParameter),
            PickleGlobal("torch._tensor", "_rebuild_from_type_v2"): .function(rebuildFromType),
            PickleGlobal("torch", "Size"): .function(size),
            PickleGlobal("torch", "Tensor"): .name,
            PickleGlobal("torch.nn.parameter", "Parameter"): .name,
        ]
        for dtype in CheckpointDType.allCases { globals[PickleGlobal("torch", dtype.torchStorageName)] = .name }
        for name in CheckpointDType.unsupportedTorchStorageNames { globals[PickleGlobal("torch", name)] = .name }
        return globals
    }

    private static let rebuildFunctions: Set<PickleGlobal> = [
        PickleGlobal("torch._utils", "_rebuild_tensor_v2"), PickleGlobal("torch._utils", "_rebuild_tensor"),
        PickleGlobal("torch._utils", "_rebuild_parameter"), PickleGlobal("torch._utils", "_rebuild_parameter_with_state"),
    ]

    /// `OrderedDict()` or `OrderedDict([(key, value), ...])`.
    static func orderedDict(_ arguments: [PickleValue]) throws -> PickleValue {
        var dict = PickleDict()
        guard let pairs = arguments.first else { return .dict(dict) }
        guard arguments.count == 1, let items = pairs.sequenceValue else {
            throw PickleCallFailure("expects no argument or one sequence of pairs")
        }
        for item in items {
            guard let pair = item.sequenceValue, pair.count == 2 else { throw PickleCallFailure("an item is not a pair") }
            dict[pair[0]] = pair[1]
        }
        return .dict(dict)
    }

    private static func integers(_ value: PickleValue, _ what: String) throws -> [Int] {
        guard let items = value.sequenceValue else { throw PickleCallFailure("\(what) is a \(value.kind), not a tuple") }
        return try items.map {
            guard let i = $0.intValue else { throw PickleCallFailure("\(what) holds a \($0.kind), not an int") }
            return i
        }
    }

    /// `_rebuild_tensor(storage, storage_offset, size, stride)`.
    static func rebuildTensor(_ arguments: [PickleValue]) throws -> PickleValue {
        guard arguments.count >= 4 else { throw PickleCallFailure("expects at least 4 arguments, got \(arguments.count)") }
        guard case .storage(let storage) = arguments[0] else {
            throw PickleCallFailure("argument 1 is a \(arguments[0].kind), not a storage")
        }
        guard let offset = arguments[1].intValue else { throw PickleCallFailure("storage offset is a \(arguments[1].kind)") }
        let shape = try integers(arguments[2], "size")
        let strides = try integers(arguments[3], "stride")
        guard shape.count == strides.count else {
            throw PickleCallFailure("size has \(shape.count) dimensions but stride \(strides.count)")
        }
        return .tensor(TorchTensorReference(storage: storage, offset: offset, shape: shape, strides: strides))
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`.
    static func rebuildTensorV2(_ arguments: [PickleValue]) throws -> PickleValue {
        guard (6...7).contains(arguments.count) else {
            throw PickleCallFailure("expects 6 or 7 arguments, got \(arguments.count)")
        }
        guard case .tensor(var tensor) = try rebuildTensor(arguments) else { preconditionFailure() }
        guard case .bool(let requiresGrad) = arguments[4] else { throw PickleCallFailure("requires_grad is a \(arguments[4].kind)") }
        tensor.requiresGrad = requiresGrad
        return .tensor(tensor)
    }

    /// `_rebuild_parameter(data, requires_grad, backward_hooks[, state])`: the tensor, marked.
    static func rebuildParameter(_ arguments: [PickleValue]) throws -> PickleValue {
        guard (3...4).contains(arguments.count), case .tensor(var tensor) = arguments[0] else {
            throw PickleCallFailure("expects a tensor, requires_grad and hooks")
        }
        guard case .bool(let requiresGrad) = arguments[1] else { throw PickleCallFailure("requires_grad is a \(arguments[1].kind)") }
        tensor.requiresGrad = requiresGrad
        tensor.isParameter = true
        return .tensor(tensor)
    }

    /// `_rebuild_from_type_v2(func, new_type, args, state)`: a tensor subclass or a tensor
    /// with Python attributes; `func` must itself be one of the rebuild functions.
    static func rebuildFromType(_ arguments: [PickleValue]) throws -> PickleValue {
        guard arguments.count == 4, case .global(let function) = arguments[0], rebuildFunctions.contains(function),
              let inner = arguments[2].sequenceValue else {
            throw PickleCallFailure("expects a rebuild function, a type, its arguments and a state")
        }
        switch function.name {
        case "_rebuild_tensor_v2": return try rebuildTensorV2(inner)
        case "_rebuild_tensor": return try rebuildTensor(inner)
        default: return try rebuildParameter(inner)
        }
    }

    /// `torch.Size((d0, d1, ...))`: kept as a tuple.
    static func size(_ arguments: [PickleValue]) throws -> PickleValue {
        guard arguments.count == 1 else { throw PickleCallFailure("expects one tuple") }
        return .tuple(try integers(arguments[0], "torch.Size").map { .int($0) })
    }
}
