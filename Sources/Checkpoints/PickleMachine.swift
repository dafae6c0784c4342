// PickleMachine: the interpreter behind `Unpickler`, one instance per pickle. Python objects
// live in a flat arena (`nodes`) addressed by index, so shared and mutable containers behave
// as in Python (a memoized dict filled later is the same dict) without recursive teardown;
// at STOP the result is frozen into a PickleValue tree under a value budget and depth limit.
// Opcode semantics follow CPython's pickle.py / pickletools; see Pickle+Opcodes.swift.

final class PickleMachine {
    enum Node {
        case value(PickleValue, size: Int)
        case list([Int])
        case tuple([Int])
        case dict(DictNode)
        case object(type: PickleGlobal, arguments: [PickleValue], size: Int, state: Int?)
    }

    struct DictNode {
        var keys: [PickleValue] = []
        var values: [Int] = []
        var positions: [PickleValue: Int] = [:]

        mutating func set(_ key: PickleValue, _ value: Int) {
            if let position = positions[key] {
                values[position] = value
            } else {
                positions[key] = keys.count
                keys.append(key)
                values.append(value)
            }
        }
    }

    let bytes: [UInt8]
    var position: Int
    let unpickler: Unpickler
    let limits: PickleLimits
    var nodes: [Node] = []
    var stack: [Int] = []
    var marks: [Int] = []
    var memo: [Int: Int] = [:]
    var budget: Int
    var visiting: Set<Int> = []
    /// Offset and name of the instruction being executed, for errors.
    var at = 0
    var opcode = PickleOpcode.stop
    var opcodeName: String { opcode.name }

    init(bytes: [UInt8], start: Int, unpickler: Unpickler) {
        self.bytes = bytes
        self.position = start
        self.unpickler = unpickler
        self.limits = unpickler.limits
        self.budget = unpickler.limits.maxValues
    }

    // MARK: - Reading operands

    func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else { throw PickleError.truncated(offset: at) }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    func littleEndian(_ size: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for (k, byte) in try take(size).enumerated() { value |= UInt64(byte) << (8 * UInt64(k)) }
        return value
    }

    /// A byte count read from the input, which can never exceed what is left of it.
    func length(_ size: Int) throws -> Int {
        let value = try littleEndian(size)
        guard value <= UInt64(bytes.count - position) else { throw PickleError.truncated(offset: at) }
        return Int(value)
    }

    func line() throws -> ArraySlice<UInt8> {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw PickleError.truncated(offset: at) }
        defer { position = end + 1 }
        return bytes[position..<end]
    }

    func text(_ raw: ArraySlice<UInt8>) throws -> String {
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw PickleError.invalidText("invalid UTF-8 in \(opcodeName)", offset: at)
        }
        return string
    }

    func decimal(_ raw: ArraySlice<UInt8>) throws -> Int {
        var digits = try text(raw)
        if digits.hasSuffix("L") { digits.removeLast() }
        guard let value = Int(digits) else {
            throw PickleError.invalidText("'\(digits.prefix(40))' is no integer", offset: at)
        }
        return value
    }

    /// An INT/LONG text line ("-12", "123L") of any size: Int when it fits, else `.bigInt`.
    func decimalInteger(_ raw: ArraySlice<UInt8>) throws -> PickleValue {
        var digits = raw
        if digits.last == UInt8(ascii: "L") { digits.removeLast() }
        if let value = Int(try text(digits)) { return .int(value) }
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits.removeFirst() }
        guard !digits.isEmpty, digits.count <= 4096,
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw PickleError.invalidText("'\(String(decoding: raw.prefix(40), as: UTF8.self))' is no integer", offset: at)
        }
        var magnitude: [UInt8] = [0]  // little-endian, grown by repeated ×10 + digit
        for digit in digits {
            var carry = UInt16(digit - UInt8(ascii: "0"))
            for k in magnitude.indices {
                let product = UInt16(magnitude[k]) * 10 + carry
                magnitude[k] = UInt8(truncatingIfNeeded: product)
                carry = product >> 8
            }
            if carry > 0 { magnitude.append(UInt8(carry)) }
        }
        magnitude.append(0)  // room for the sign bit
        if negative {  // two's complement: invert and add one
            var carry: UInt16 = 1
            for k in magnitude.indices {
                let sum = UInt16(~magnitude[k]) + carry
                magnitude[k] = UInt8(truncatingIfNeeded: sum)
                carry = sum >> 8
            }
        }
        return integer(magnitude[...])
    }

    /// A LONG1/LONG4 payload: little-endian two's complement, Int when it fits.
    func integer(_ raw: ArraySlice<UInt8>) -> PickleValue {
        var digits = Array(raw)
        guard let top = digits.last else { return .int(0) }
        let fill: UInt8 = top & 0x80 != 0 ? 0xFF : 0
        while digits.count > 1, digits[digits.count - 1] == fill,
              (digits[digits.count - 2] & 0x80 != 0) == (fill == 0xFF) { digits.removeLast() }
        guard digits.count <= 8 else { return .bigInt(digits) }
        var value: UInt64 = fill == 0xFF ? ~0 : 0
        for (k, byte) in digits.enumerated() {
            value &= ~(0xFF << (8 * UInt64(k)))
            value |= UInt64(byte) << (8 * UInt64(k))
        }
        return .int(Int(Int64(bitPattern: value)))
    }

    // MARK: - Arena, stack, memo

    func add(_ node: Node) throws -> Int {
        guard nodes.count < limits.maxValues else {
            throw PickleError.limitExceeded("more than \(limits.maxValues) values", offset: at)
        }
        nodes.append(node)
        return nodes.count - 1
    }

    func push(_ ref: Int) throws {
        guard stack.count + marks.count < limits.maxStack else {
            throw PickleError.limitExceeded("stack deeper than \(limits.maxStack)", offset: at)
        }
        stack.append(ref)
    }

    func push(_ value: PickleValue) throws {
        try push(add(.value(value, size: 1)))
    }

    /// Pops the top of the stack; items below the last MARK are out of reach, as in Python.
    func pop() throws -> Int {
        guard stack.count > (marks.last ?? 0) else {
            throw PickleError.stackUnderflow(opcode: opcodeName, offset: at)
        }
        return stack.removeLast()
    }

    func top() throws -> Int {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else {
            throw PickleError.stackUnderflow(opcode: opcodeName, offset: at)
        }
        return top
    }

    /// The items pushed since the last MARK, removing them and the mark.
    func popMark() throws -> [Int] {
        guard let mark = marks.popLast() else { throw PickleError.missingMark(opcode: opcodeName, offset: at) }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    func remember(_ index: Int) throws {
        guard index >= 0 else { throw PickleError.invalidText("negative memo index", offset: at) }
        guard memo.count < limits.maxMemo || memo[index] != nil else {
            throw PickleError.limitExceeded("more than \(limits.maxMemo) memo entries", offset: at)
        }
        memo[index] = try top()
    }

    func recall(_ index: Int) throws {
        guard let ref = memo[index] else { throw PickleError.missingMemo(index: index, offset: at) }
        try push(ref)
    }

    func describe(_ ref: Int) -> String {
        switch nodes[ref] {
        case .value(let value, _): return value.kind
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .object(let type, _, _, _): return "\(type) object"
        }
    }

    func wrong(_ expected: String, _ ref: Int) -> PickleError {
        .wrongOperand(opcode: opcodeName, expected: expected, found: describe(ref), offset: at)
    }

    // MARK: - Freezing into values

    func charge(_ count: Int) throws {
        budget -= count
        guard budget >= 0 else {
            throw PickleError.limitExceeded("more than \(limits.maxValues) values in the result", offset: at)
        }
    }

    func freeze(_ ref: Int, depth: Int = 0) throws -> PickleValue {
        guard depth <= limits.maxDepth else {
            throw PickleError.limitExceeded("nesting deeper than \(limits.maxDepth)", offset: at)
        }
        if case .value(let value, let size) = nodes[ref] {
            try charge(size)
            return value
        }
        guard visiting.insert(ref).inserted else { throw PickleError.cycle(offset: at) }
        defer { visiting.remove(ref) }
        try charge(1)
        switch nodes[ref] {
        case .value: preconditionFailure("handled above")
        case .list(let refs): return .list(try refs.map { try freeze($0, depth: depth + 1) })
        case .tuple(let refs): return .tuple(try refs.map { try freeze($0, depth: depth + 1) })
        case .dict(let node):
            var dict = PickleDict()
            for (key, value) in zip(node.keys, node.values) { dict[key] = try freeze(value, depth: depth + 1) }
            return .dict(dict)
        case .object(let type, let arguments, let size, let state):
            try charge(size)
            return .object(PickleObject(type: type, arguments: arguments,
                                        state: try state.map { try freeze($0, depth: depth + 1) }))
        }
    }

    /// Size of a value made by a callable, for the budget (depth is bounded by construction).
    func size(of value: PickleValue) -> Int {
        switch value {
        case .list(let items), .tuple(let items): return items.reduce(1) { $0 + size(of: $1) }
        case .dict(let dict): return dict.entries.reduce(1) { $0 + size(of: $1.key) + size(of: $1.value) }
        case .object(let object):
            return object.arguments.reduce(1) { $0 + size(of: $1) } + (object.state.map(size(of:)) ?? 0)
        default: return 1
        }
    }

    /// Turns a callable's result into a node; dicts and lists stay mutable containers.
    func node(for value: PickleValue) throws -> Int {
        switch value {
        case .dict(let dict):
            var node = DictNode()
            for (key, item) in dict.entries { node.set(key, try add(.value(item, size: size(of: item)))) }
            return try add(.dict(node))
        case .list(let items):
            return try add(.list(items.map { try add(.value($0, size: size(of: $0))) }))
        default:
            return try add(.value(value, size: size(of: value)))
        }
    }

    // MARK: - Container mutation (the slot is emptied first so the array stays uniquely owned)

    func appendItems(_ items: [Int], to ref: Int) throws {
        guard case .list(var list) = nodes[ref] else { throw wrong("list", ref) }
        nodes[ref] = .value(.none, size: 1)
        list.append(contentsOf: items)
        nodes[ref] = .list(list)
    }

    func setItems(_ items: [Int], in ref: Int) throws {
        guard items.count % 2 == 0 else { throw PickleError.stackUnderflow(opcode: opcodeName, offset: at) }
        guard case .dict(var dict) = nodes[ref] else { throw wrong("dict", ref) }
        nodes[ref] = .value(.none, size: 1)
        defer { nodes[ref] = .dict(dict) }
        for pair in stride(from: 0, to: items.count, by: 2) {
            let key = try freeze(items[pair])
            switch key {
            case .list, .dict: throw PickleError.wrongOperand(opcode: opcodeName, expected: "hashable key",
                                                             found: key.kind, offset: at)
            default: dict.set(key, items[pair + 1])
            }
        }
    }

    // MARK: - Globals and calls

    func resolve(_ module: String, _ name: String) throws -> PickleValue {
        let global = PickleGlobal(module, name)
        guard unpickler.globals[global] != nil else {
            throw PickleError.forbiddenGlobal(module: module, name: name, offset: at)
        }
        return .global(global)
    }

    func call(_ callableRef: Int, _ argumentsRef: Int) throws -> Int {
        guard case .value(.global(let callee), _) = nodes[callableRef], let role = unpickler.globals[callee] else {
            throw wrong("an allowed global", callableRef)
        }
        let before = budget
        guard case .tuple(let arguments) = try freeze(argumentsRef) else { throw wrong("argument tuple", argumentsRef) }
        switch role {
        case .name:
            return try add(.object(type: callee, arguments: arguments, size: before - budget, state: nil))
        case .function(let function):
            do {
                return try node(for: function(arguments))
            } catch let failure as PickleCallFailure {
                throw PickleError.badCall(callee: callee.description, reason: failure.reason, offset: at)
            }
        }
    }

    func build(state stateRef: Int, into ref: Int) throws {
        switch nodes[ref] {
        case .object(let type, let arguments, let size, _):
            nodes[ref] = .object(type: type, arguments: arguments, size: size, state: stateRef)
        case .dict:
            break  // instance attributes of a dict subclass (an OrderedDict's `_metadata`): dropped
        default:
            throw wrong("object", ref)
        }
    }

    func persistent(_ idRef: Int) throws -> PickleValue {
        guard let load = unpickler.persistentLoad else { throw PickleError.unsupportedPersistentID(offset: at) }
        let id = try freeze(idRef)
        do {
            return try load(id)
        } catch let failure as PickleCallFailure {
            throw PickleError.badCall(callee: "persistent_load", reason: failure.reason, offset: at)
        }
    }

    // MARK: - The loop

    func run() throws -> (value: PickleValue, end: Int) {
        while true {
            at = position
            guard position < bytes.count else { throw PickleError.truncated(offset: at) }
            let byte = bytes[position]
            position += 1
            guard let opcode = PickleOpcode(rawValue: byte) else { throw PickleError.unknownOpcode(byte, offset: at) }
            self.opcode = opcode
            if opcode == .stop {
                return (try freeze(try pop()), position)
            }
            try execute(opcode)
        }
    }
}
