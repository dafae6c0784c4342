// CommandSpec and ParsedArguments: the hand-written argument parser of the `irn` tool.
// A command declares its options (name, value placeholder, help) and examples; parsing
// checks every token against that declaration, so an unknown flag or a missing value is a
// usage error (exit 2) with a one-line message, and `--help` prints the declaration.

struct OptionSpec {
    let name: String          // without the leading "--"
    let value: String?        // placeholder of the value ("N", "FILE"); nil for a switch
    let help: String
    init(_ name: String, _ value: String? = nil, _ help: String) {
        self.name = name; self.value = value; self.help = help
    }
}

struct CommandSpec {
    let name: String
    let summary: String
    let usage: String
    let options: [OptionSpec]
    let examples: [String]
    var positionalRange: ClosedRange<Int> = 0...0

    func helpText() -> String {
        var lines = ["irn \(name): \(summary)", "", "Usage: irn \(name) \(usage)"]
        if !options.isEmpty {
            lines.append("")
            lines.append("Options:")
            let rendered = options.map { o in ("--\(o.name)" + (o.value.map { " \($0)" } ?? ""), o.help) }
            let width = (rendered.map { $0.0.count }.max() ?? 0) + 2
            for (flag, help) in rendered {
                lines.append("  " + flag + String(repeating: " ", count: width - flag.count) + help)
            }
            lines.append("  --help" + String(repeating: " ", count: max(2, width - 6)) + "Show this help")
        }
        lines.append("")
        lines.append("Example" + (examples.count > 1 ? "s:" : ":"))
        lines += examples.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }
}

/// A usage mistake: exits 2 with the message and a hint.
struct UsageError: Error {
    let message: String
    let hint: String
}

struct ParsedArguments {
    var positional: [String] = []
    var values: [String: String] = [:]
    var switches: Set<String> = []
    var wantsHelp = false

    init(_ tokens: [String], spec: CommandSpec) throws {
        let known = Dictionary(spec.options.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            i += 1
            if token == "--help" || token == "-h" { wantsHelp = true; continue }
            guard token.hasPrefix("--"), token.count > 2 else {
                positional.append(token); continue
            }
            var name = String(token.dropFirst(2))
            var inlineValue: String? = nil
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = known[name] else {
                throw UsageError(message: "unknown option '--\(name)' for 'irn \(spec.name)'",
                                 hint: "run 'irn \(spec.name) --help' for the options")
            }
            if option.value == nil {
                guard inlineValue == nil else {
                    throw UsageError(message: "option '--\(name)' takes no value",
                                     hint: "write '--\(name)' alone")
                }
                switches.insert(name)
            } else {
                if let inlineValue { values[name] = inlineValue; continue }
                guard i < tokens.count else {
                    throw UsageError(message: "option '--\(name)' needs a value (\(option.value!))",
                                     hint: "for example: irn \(spec.name) --\(name) \(option.value!)")
                }
                values[name] = tokens[i]
                i += 1
            }
        }
        if !wantsHelp && !spec.positionalRange.contains(positional.count) {
            let expected = spec.positionalRange.lowerBound == spec.positionalRange.upperBound
                ? "\(spec.positionalRange.lowerBound)"
                : "\(spec.positionalRange.lowerBound) to \(spec.positionalRange.upperBound)"
            throw UsageError(message: "'irn \(spec.name)' takes \(expected) positional argument(s), got \(positional.count)",
                             hint: "usage: irn \(spec.name) \(spec.usage)")
        }
    }

    func has(_ name: String) -> Bool { switches.contains(name) }

    func string(_ name: String) -> String? { values[name] }

    func requiredString(_ name: String, spec: CommandSpec) throws -> String {
        guard let value = values[name] else {
            throw UsageError(message: "'irn \(spec.name)' needs --\(name)",
                             hint: "usage: irn \(spec.name) \(spec.usage)")
        }
        return value
    }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError(message: "--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'",
                             hint: "for example: --\(name) \(fallback)")
        }
        return value
    }

    func double(_ name: String, default fallback: Double) throws -> Double {
        guard let text = values[name] else { return fallback }
        guard let value = Double(text), value.isFinite else {
            throw UsageError(message: "--\(name) must be a number, got '\(text)'", hint: "for example: --\(name) \(fallback)")
        }
        return value
    }

    /// A comma-separated list of numbers ("1,0.5,1.5,2").
    func doubles(_ name: String, default fallback: [Double]) throws -> [Double] {
        guard let text = values[name] else { return fallback }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == parts.count, !numbers.isEmpty, numbers.allSatisfy({ $0.isFinite }) else {
            throw UsageError(message: "--\(name) must be a comma-separated list of numbers, got '\(text)'",
                             hint: "for example: --\(name) " + fallback.map { "\($0)" }.joined(separator: ","))
        }
        return numbers
    }
}
