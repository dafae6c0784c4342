// StateDict: an ordered collection of named checkpoint tensors, as PyTorch's
// `module.state_dict()` is (names such as "layer1.0.conv1.weight"). Part of Checkpoints: the
// PyTorch and safetensors readers produce it, the safetensors writer consumes it, and the
// networks check it against the parameters they expect with `bind(expected:ignoring:)`,
// which reports every missing, unexpected and wrongly shaped name in one error.
import Tensors

public struct StateDict: Equatable, Sendable {
    /// Entry names in insertion (file) order.
    public private(set) var names: [String] = []
    private var tensors: [String: CheckpointTensor] = [:]

    public init() {}

    /// A state dict of these entries, in this order; names must be unique.
    public init(_ entries: [(name: String, tensor: CheckpointTensor)]) {
        for (name, tensor) in entries {
            precondition(tensors[name] == nil, "state dict entry '\(name)' given twice")
            self[name] = tensor
        }
    }

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }

    /// The entry called `name`; assigning nil removes it, assigning a new name appends it.
    public subscript(name: String) -> CheckpointTensor? {
        get { tensors[name] }
        set {
            if let newValue {
                if tensors.updateValue(newValue, forKey: name) == nil { names.append(name) }
            } else if tensors.removeValue(forKey: name) != nil {
                names.removeAll { $0 == name }
            }
        }
    }

    /// Entries in order.
    public var entries: [(name: String, tensor: CheckpointTensor)] {
        names.map { ($0, tensors[$0]!) }
    }

    /// The floating-point entry `name` as a Float32 tensor.
    public func tensor(_ name: String) throws -> Tensor {
        guard let entry = tensors[name] else { throw StateDictError.missing(name) }
        guard let tensor = entry.tensor else { throw StateDictError.notFloatingPoint(name, entry.dtype) }
        return tensor
    }

    /// The integer or boolean entry `name` as Int64 values.
    public func integers(_ name: String) throws -> [Int64] {
        guard let entry = tensors[name] else { throw StateDictError.missing(name) }
        guard let values = entry.integers else { throw StateDictError.notInteger(name, entry.dtype) }
        return values
    }

    /// The entries whose names start with `prefix`, with the prefix removed (for example
    /// "module." from a DataParallel checkpoint, or "backbone." for a sub-network).
    public func removingPrefix(_ prefix: String) -> StateDict {
        var result = StateDict()
        for name in names where name.hasPrefix(prefix) {
            result[String(name.dropFirst(prefix.count))] = tensors[name]
        }
        return result
    }

    /// Checks the entries against what a network expects. Names for which `ignoring` is true
    /// take no part (neither missing nor unexpected nor shape-checked). Throws one
    /// `StateDictMismatch` listing every missing, unexpected and wrongly shaped name.
    public func bind(expected: [(name: String, shape: [Int])],
                     ignoring: (String) -> Bool = { _ in false }) throws {
        var mismatch = StateDictMismatch()
        var expectedNames = Set<String>()
        for (name, shape) in expected where !ignoring(name) {
            expectedNames.insert(name)
            guard let entry = tensors[name] else {
                mismatch.missing.append(name)
                continue
            }
            if entry.shape != shape {
                mismatch.wrongShape.append(.init(name: name, expected: shape, actual: entry.shape))
            }
        }
        mismatch.unexpected = names.filter { !expectedNames.contains($0) && !ignoring($0) }
        if !mismatch.isEmpty { throw mismatch }
    }
}

/// Misuse of one state-dict entry.
public enum StateDictError: Error, Equatable, Sendable {
    case missing(String)
    case notFloatingPoint(String, CheckpointDType)
    case notInteger(String, CheckpointDType)
}

/// The difference between a state dict and the parameters a network expects.
public struct StateDictMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    public struct WrongShape: Equatable, Sendable {
        public var name: String
        public var expected: [Int]
        public var actual: [Int]

        public init(name: String, expected: [Int], actual: [Int]) {
            self.name = name
            self.expected = expected
            self.actual = actual
        }
    }

    /// Expected names the state dict lacks, in expected order.
    public var missing: [String] = []
    /// State-dict names nobody expects, in state-dict order.
    public var unexpected: [String] = []
    /// Names present on both sides with different shapes, in expected order.
    public var wrongShape: [WrongShape] = []

    public init() {}

    public var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty && wrongShape.isEmpty }

    public var description: String {
        func list(_ items: [String]) -> String {
            let shown = items.prefix(10).joined(separator: ", ")
            return items.count > 10 ? shown + " and \(items.count - 10) more" : shown
        }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("\(missing.count) missing (\(list(missing)))") }
        if !unexpected.isEmpty { parts.append("\(unexpected.count) unexpected (\(list(unexpected)))") }
        if !wrongShape.isEmpty {
            parts.append("\(wrongShape.count) with a wrong shape (\(list(wrongShape.map { "\($0.name): expected \($0.expected), found \($0.actual)" })))")
        }
        return "state dict does not match the network: " + parts.joined(separator: "; ")
    }
}
