// Pickle: a restricted reader of Python pickles (protocols 0-5 as torch.save writes them; see
// CPython's pickletools for the instruction set). Nothing is executed: a pickle may only name
// globals on the caller's allowlist, every other name is refused with `forbiddenGlobal` as
// soon as it is read, and calls to allowed names are interpreted by Swift closures. Part of
// Checkpoints (TorchCheckpoint uses it with TorchGlobals' allowlist). Every read is bounds
// checked and the stack, memo, value count and nesting depth are limited.

/// Why a pickle could not be read. Offsets are byte positions in the input array.
public enum PickleError: Error, Equatable, Sendable {
    /// The input ended inside an instruction, or before STOP.
    case truncated(offset: Int)
    /// A byte that is no pickle opcode.
    case unknownOpcode(UInt8, offset: Int)
    /// A valid opcode this reader does not support (sets, extension registry, buffers...).
    case unsupportedOpcode(String, offset: Int)
    case unsupportedProtocol(Int, offset: Int)
    /// The pickle names a global that is not on the allowlist.
    case forbiddenGlobal(module: String, name: String, offset: Int)
    case stackUnderflow(opcode: String, offset: Int)
    case missingMark(opcode: String, offset: Int)
    case missingMemo(index: Int, offset: Int)
    /// An operand of the wrong kind (appending to a dict, calling a string...).
    case wrongOperand(opcode: String, expected: String, found: String, offset: Int)
    /// Invalid UTF-8, or a text line that is no number.
    case invalidText(String, offset: Int)
    /// One of `PickleLimits` was reached.
    case limitExceeded(String, offset: Int)
    /// The object graph contains itself, so it has no value-tree form.
    case cycle(offset: Int)
    /// An allowed callable (or the persistent-id loader) refused its arguments.
    case badCall(callee: String, reason: String, offset: Int)
    /// A persistent id the caller gave no meaning to.
    case unsupportedPersistentID(offset: Int)
}

/// Thrown by the closures of `Unpickler.Role.function` and `Unpickler.persistentLoad` when
/// their arguments make no sense; reported as `PickleError.badCall` with the offset.
public struct PickleCallFailure: Error, Equatable, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Bounds on the work one pickle may cause.
public struct PickleLimits: Sendable {
    /// Values created or expanded into the result (shared references count once per use).
    public var maxValues = 4_000_000
    /// Entries on the stack plus open marks.
    public var maxStack = 1_000_000
    /// Memo entries.
    public var maxMemo = 1_000_000
    /// Nesting depth of the resulting value tree.
    public var maxDepth = 100

    public init() {}
}

/// The restricted unpickler: an allowlist of globals with their meaning, a persistent-id
/// loader, and limits.
public struct Unpickler {
    /// What an allowed global means.
    public enum Role {
        /// It may be named; a call to it yields a `PickleValue.object` record.
        case name
        /// A call to it is interpreted by this closure, given the call's arguments.
        case function(([PickleValue]) throws -> PickleValue)
    }

    public var globals: [PickleGlobal: Role]
    /// Gives meaning to persistent ids (PERSID/BINPERSID); nil refuses them.
    public var persistentLoad: ((PickleValue) throws -> PickleValue)?
    public var limits: PickleLimits

    public init(globals: [PickleGlobal: Role] = [:],
                persistentLoad: ((PickleValue) throws -> PickleValue)? = nil,
                limits: PickleLimits = PickleLimits()) {
        self.globals = globals
        self.persistentLoad = persistentLoad
        self.limits = limits
    }

    /// Reads the pickle that starts at `start` up to its STOP; returns its value and the offset
    /// just past STOP (where a following pickle would start).
    public func unpickle(_ bytes: [UInt8], at start: Int = 0) throws -> (value: PickleValue, end: Int) {
        precondition(start >= 0 && start <= bytes.count, "start \(start) is outside the input")
        let machine = PickleMachine(bytes: bytes, start: start, unpickler: self)
        return try machine.run()
    }
}
