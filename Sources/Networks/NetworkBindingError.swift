// NetworkBindingError: why a set of named tensors cannot become a network. Binding
// (ParameterLayout.bind) checks a whole state dict at once and reports every problem in one
// error: names the network needs but the dict lacks, names it does not know, and tensors whose
// shape differs from the architecture's. It sits between the checkpoint readers (which produce
// `[String: Tensor]`) and the networks of DESIGN §6.

/// The parameters given to a network do not match its architecture.
public struct NetworkBindingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tensor present under a known name whose shape is not the one the network needs.
    public struct ShapeMismatch: Equatable, Sendable {
        /// The name as it appears in the given parameters (possibly an alias).
        public let name: String
        public let expected: [Int]
        public let found: [Int]

        public init(name: String, expected: [Int], found: [Int]) {
            self.name = name
            self.expected = expected
            self.found = found
        }
    }

    /// The network being built ("ResNet50", "CAMNetwork", "IRNetwork").
    public let network: String
    /// Canonical names needed by the network and found neither directly nor under an alias.
    public let missing: [String]
    /// Names in the given parameters that the network neither uses nor knows to ignore.
    public let unexpected: [String]
    /// Known names whose tensors have the wrong shape.
    public let wronglyShaped: [ShapeMismatch]

    public init(network: String, missing: [String], unexpected: [String], wronglyShaped: [ShapeMismatch]) {
        self.network = network
        self.missing = missing
        self.unexpected = unexpected
        self.wronglyShaped = wronglyShaped
    }

    /// One line per kind of problem, each listing up to `listLimit` names.
    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty {
            parts.append("\(missing.count) missing: " + NetworkBindingError.list(missing))
        }
        if !unexpected.isEmpty {
            parts.append("\(unexpected.count) unexpected: " + NetworkBindingError.list(unexpected))
        }
        if !wronglyShaped.isEmpty {
            let items = wronglyShaped.map { "\($0.name) is \($0.found), expected \($0.expected)" }
            parts.append("\(wronglyShaped.count) wrongly shaped: " + NetworkBindingError.list(items))
        }
        return "parameters do not fit \(network): " + parts.joined(separator: "; ")
    }

    /// How many names each part of `description` shows before summarising the rest.
    public static let listLimit = 12

    private static func list(_ items: [String]) -> String {
        let shown = items.prefix(listLimit).joined(separator: ", ")
        return items.count > listLimit ? shown + ", … (\(items.count - listLimit) more)" : shown
    }
}
