// PickleValue: the inert value tree the restricted unpickler produces from a Python pickle.
// Nothing in it can run: classes and functions appear as names (`PickleGlobal`), calls to
// allowed names are either interpreted (OrderedDict, PyTorch's tensor rebuild functions) or
// kept as `object` records. Part of Checkpoints (Pickle.swift builds it; TorchCheckpoint reads
// it). Python semantics kept: dicts are ordered, ints beyond 64 bits stay exact.

/// A module-qualified Python name, such as `collections.OrderedDict`.
public struct PickleGlobal: Hashable, Sendable, CustomStringConvertible {
    public var module: String
    public var name: String

    public init(_ module: String, _ name: String) {
        self.module = module
        self.name = name
    }

    public var description: String { "\(module).\(name)" }
}

/// One value of an unpickled object graph (a tree: shared references are expanded).
public indirect enum PickleValue: Hashable, Sendable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond 64 bits, as little-endian two's-complement bytes (pickle's LONG1/LONG4).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    case dict(PickleDict)
    /// A class or function named by the pickle (only names on the unpickler's allowlist).
    case global(PickleGlobal)
    /// A call to an allowed name that has no built-in meaning: the callee, its arguments and the
    /// state a later BUILD gave it.
    case object(PickleObject)
    /// A PyTorch storage named by a persistent id.
    case storage(TorchStorageReference)
    /// A PyTorch tensor: a strided view into a storage (not yet read).
    case tensor(TorchTensorReference)

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, if this is one that fits Int (booleans are not integers here).
    public var intValue: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// The elements of a tuple or list.
    public var sequenceValue: [PickleValue]? {
        switch self {
        case .tuple(let items), .list(let items): return items
        default: return nil
        }
    }

    /// A short name of the kind of value, for error messages.
    public var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .global(let g): return "global \(g)"
        case .object(let o): return "\(o.type) object"
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

/// An insertion-ordered dictionary of pickled keys and values (Python dicts keep order).
public struct PickleDict: Hashable, Sendable {
    public private(set) var keys: [PickleValue] = []
    public private(set) var values: [PickleValue] = []
    private var positions: [PickleValue: Int] = [:]

    public init() {}

    /// Key-value pairs in insertion order.
    public var entries: [(key: PickleValue, value: PickleValue)] {
        Array(zip(keys, values)).map { (key: $0.0, value: $0.1) }
    }

    public var count: Int { keys.count }

    /// The value for `key`; setting an existing key keeps its position, as Python does.
    public subscript(key: PickleValue) -> PickleValue? {
        get { positions[key].map { values[$0] } }
        set {
            if let position = positions[key] {
                if let newValue {
                    values[position] = newValue
                } else {
                    keys.remove(at: position)
                    values.remove(at: position)
                    positions = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
                }
            } else if let newValue {
                positions[key] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// The value for a string key.
    public subscript(string key: String) -> PickleValue? {
        self[.string(key)]
    }

    public static func == (a: PickleDict, b: PickleDict) -> Bool {
        a.keys == b.keys && a.values == b.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keys)
        hasher.combine(values)
    }
}

/// The record of calling an allowed name that has no built-in interpretation.
public struct PickleObject: Hashable, Sendable {
    public var type: PickleGlobal
    public var arguments: [PickleValue]
    public var state: PickleValue?

    public init(type: PickleGlobal, arguments: [PickleValue], state: PickleValue? = nil) {
        self.type = type
        self.arguments = arguments
        self.state = state
    }
}
