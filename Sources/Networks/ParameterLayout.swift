// ParameterLayout: the named tensors a network is built from, independent of any file format.
// Names are the reference implementation's PyTorch state-dict keys ("resnet50.layer1.0.conv1.
// weight", "classifier.weight", "fc_edge1.1.weight", "mean_shift.running_mean"); the reference
// modules also register the same tensors under container aliases ("stage2.0.0.conv1.weight",
// "backbone.0.0.weight", "edge_layers.0.0.weight"), which are accepted when the canonical name
// is absent, and buffers the networks never read ("num_batches_tracked", IRNet's
// "path_indices<k>" and "disp_target") are ignored. `bind` checks a whole dict in one pass.
import Tensors

/// Expected parameter names and shapes of one network, with its alias and ignore rules.
public struct ParameterLayout: Sendable {
    /// One tensor the network needs.
    public struct Entry: Equatable, Sendable {
        public let name: String
        public let shape: [Int]

        public init(name: String, shape: [Int]) {
            self.name = name
            self.shape = shape
        }
    }

    /// A renaming rule: a name starting with `aliasPrefix` means the name with that prefix
    /// replaced by `canonicalPrefix` (rules may chain: "backbone.1." → "stage2." → "resnet50.layer2.").
    public struct Alias: Equatable, Sendable {
        public let aliasPrefix: String
        public let canonicalPrefix: String

        public init(_ aliasPrefix: String, _ canonicalPrefix: String) {
            self.aliasPrefix = aliasPrefix
            self.canonicalPrefix = canonicalPrefix
        }
    }

    /// Names the network accepts and does not use.
    public enum Ignored: Equatable, Sendable {
        /// Any name ending with this string.
        case suffix(String)
        /// Exactly this name.
        case name(String)
        /// This prefix followed by one or more decimal digits ("path_indices0").
        case numbered(String)

        func matches(_ name: String) -> Bool {
            switch self {
            case .suffix(let suffix): return name.hasSuffix(suffix)
            case .name(let exact): return name == exact
            case .numbered(let prefix):
                guard name.hasPrefix(prefix) else { return false }
                let rest = name.dropFirst(prefix.count)
                return !rest.isEmpty && rest.allSatisfy { $0 >= "0" && $0 <= "9" }
            }
        }
    }

    /// The name of the network, for error messages.
    public let network: String
    /// Every tensor the network needs, in module order.
    public private(set) var entries: [Entry] = []
    public private(set) var aliases: [Alias] = []
    public private(set) var ignored: [Ignored] = []
    private var positions: [String: Int] = [:]

    public init(network: String) {
        self.network = network
    }

    /// Adds a needed tensor; names must be unique.
    public mutating func append(_ name: String, shape: [Int]) {
        precondition(positions[name] == nil, "ParameterLayout: \(name) is listed twice")
        positions[name] = entries.count
        entries.append(Entry(name: name, shape: shape))
    }

    /// Appends every entry, alias and ignore rule of `other` (whose names must be new).
    public mutating func append(contentsOf other: ParameterLayout) {
        for entry in other.entries { append(entry.name, shape: entry.shape) }
        aliases += other.aliases.filter { !aliases.contains($0) }
        ignored += other.ignored.filter { !ignored.contains($0) }
    }

    /// Adds a renaming rule (see `Alias`).
    public mutating func addAlias(_ aliasPrefix: String, for canonicalPrefix: String) {
        aliases.append(Alias(aliasPrefix, canonicalPrefix))
    }

    /// Adds a rule for names to accept and skip.
    public mutating func ignore(_ rule: Ignored) {
        ignored.append(rule)
    }

    /// The shape the network needs under `name` (a canonical name), if it needs one.
    public func shape(of name: String) -> [Int]? {
        positions[name].map { entries[$0].shape }
    }

    /// The canonical name `name` stands for: itself if the network needs it, else the result of
    /// applying the longest matching alias prefix, repeatedly (a few steps at most).
    public func canonicalName(for name: String) -> String? {
        var current = name
        for _ in 0 ..< 4 {
            if positions[current] != nil { return current }
            var best: Alias?
            for alias in aliases where current.hasPrefix(alias.aliasPrefix) {
                if best.map({ alias.aliasPrefix.count > $0.aliasPrefix.count }) ?? true { best = alias }
            }
            guard let rule = best else { return nil }
            current = rule.canonicalPrefix + current.dropFirst(rule.aliasPrefix.count)
        }
        return positions[current] != nil ? current : nil
    }

    /// The tensors of `parameters` under their canonical names, exactly the entries of this
    /// layout. A canonical name wins over its aliases; aliases are used only when it is absent.
    /// Throws one `NetworkBindingError` listing every missing, unexpected and wrongly shaped
    /// name (sorted), if there is any.
    public func bind(_ parameters: [String: Tensor]) throws -> [String: Tensor] {
        var bound: [String: Tensor] = [:]
        var boundFrom: [String: String] = [:]
        var unexpected: [String] = []
        var wronglyShaped: [NetworkBindingError.ShapeMismatch] = []
        for name in parameters.keys.sorted() {
            let tensor = parameters[name]!
            guard let canonical = canonicalName(for: name) else {
                if !ignored.contains(where: { $0.matches(name) }) { unexpected.append(name) }
                continue
            }
            // The canonical name itself always takes precedence over an alias.
            if canonical != name && parameters[canonical] != nil { continue }
            if let previous = boundFrom[canonical], previous.count <= name.count { continue }
            let expected = entries[positions[canonical]!].shape
            wronglyShaped.removeAll { $0.name == boundFrom[canonical] }
            boundFrom[canonical] = name
            if tensor.shape == expected {
                bound[canonical] = tensor
            } else {
                bound[canonical] = nil
                wronglyShaped.append(.init(name: name, expected: expected, found: tensor.shape))
            }
        }
        let missing = entries.map(\.name).filter { boundFrom[$0] == nil }
        guard missing.isEmpty, unexpected.isEmpty, wronglyShaped.isEmpty else {
            throw NetworkBindingError(network: network, missing: missing.sorted(), unexpected: unexpected,
                                      wronglyShaped: wronglyShaped.sorted { $0.name < $1.name })
        }
        return bound
    }
}

extension Dictionary where Key == String, Value == Tensor {
    /// The tensor under `name`, which binding guarantees is present.
    func bound(_ name: String) -> Tensor {
        guard let tensor = self[name] else { preconditionFailure("bound parameters lack \(name)") }
        return tensor
    }
}
