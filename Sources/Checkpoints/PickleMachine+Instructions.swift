// PickleMachine instructions: what each supported pickle opcode does to the stack, memo and
// arena (semantics of CPython's pickle.Unpickler, documented opcode by opcode in pickletools).
// Part of Checkpoints. Refused: sets, the extension registry (EXT1/2/4 resolve globals behind
// the allowlist's back), INST/OBJ, out-of-band buffers and the quoted-string text opcodes.

extension PickleMachine {
    func execute(_ opcode: PickleOpcode) throws {
        switch opcode {
        case .proto:
            let version = Int(try take(1).first!)
            guard version <= 5 else { throw PickleError.unsupportedProtocol(version, offset: at) }
        case .frame:
            _ = try length(8)  // framing only groups opcodes; the frame must fit in the input
        case .stop:
            preconditionFailure("STOP is handled by run()")

        // Scalars.
        case .none: try push(.none)
        case .newtrue: try push(.bool(true))
        case .newfalse: try push(.bool(false))
        case .int:
            let raw = try line()
            if raw.elementsEqual("00".utf8) { try push(.bool(false)) }
            else if raw.elementsEqual("01".utf8) { try push(.bool(true)) }
            else { try push(try decimalInteger(raw)) }
        case .long: try push(try decimalInteger(try line()))
        case .binint: try push(.int(Int(Int32(bitPattern: UInt32(try littleEndian(4))))))
        case .binint1: try push(.int(Int(try littleEndian(1))))
        case .binint2: try push(.int(Int(try littleEndian(2))))
        case .long1: try push(integer(try take(try length(1))))
        case .long4:
            let count = Int(Int32(bitPattern: UInt32(try littleEndian(4))))
            guard count >= 0 else { throw PickleError.invalidText("negative LONG4 length", offset: at) }
            try push(integer(try take(count)))
        case .float:
            let raw = try text(try line())
            guard let value = Double(raw) else { throw PickleError.invalidText("'\(raw.prefix(40))' is no float", offset: at) }
            try push(.float(value))
        case .binfloat:
            var bits: UInt64 = 0
            for byte in try take(8) { bits = bits << 8 | UInt64(byte) }  // big-endian
            try push(.float(Double(bitPattern: bits)))

        // Strings and bytes.
        case .binunicode: try push(.string(try text(try take(try length(4)))))
        case .shortBinunicode: try push(.string(try text(try take(try length(1)))))
        case .binunicode8: try push(.string(try text(try take(try length(8)))))
        case .binstring: try push(.string(try text(try take(try length(4)))))  // torch.load decodes as UTF-8
        case .shortBinstring: try push(.string(try text(try take(try length(1)))))
        case .binbytes: try push(.bytes(Array(try take(try length(4)))))
        case .shortBinbytes: try push(.bytes(Array(try take(try length(1)))))
        case .binbytes8, .bytearray8: try push(.bytes(Array(try take(try length(8)))))

        // Containers.
        case .emptyList: try push(try add(.list([])))
        case .emptyTuple: try push(try add(.tuple([])))
        case .emptyDict: try push(try add(.dict(DictNode())))
        case .list: try push(try add(.list(try popMark())))
        case .tuple: try push(try add(.tuple(try popMark())))
        case .tuple1:
            let a = try pop()
            try push(try add(.tuple([a])))
        case .tuple2:
            let b = try pop(), a = try pop()
            try push(try add(.tuple([a, b])))
        case .tuple3:
            let c = try pop(), b = try pop(), a = try pop()
            try push(try add(.tuple([a, b, c])))
        case .dict:
            let items = try popMark()
            let ref = try add(.dict(DictNode()))
            try setItems(items, in: ref)
            try push(ref)
        case .append:
            let item = try pop()
            try appendItems([item], to: try top())
        case .appends:
            let items = try popMark()
            try appendItems(items, to: try top())
        case .setitem:
            let value = try pop(), key = try pop()
            try setItems([key, value], in: try top())
        case .setitems:
            let items = try popMark()
            try setItems(items, in: try top())

        // Stack and memo.
        case .mark:
            guard stack.count + marks.count < limits.maxStack else {
                throw PickleError.limitExceeded("stack deeper than \(limits.maxStack)", offset: at)
            }
            marks.append(stack.count)
        case .pop:
            if stack.count > (marks.last ?? 0) { _ = try pop() } else { _ = try popMark() }
        case .popMark: _ = try popMark()
        case .dup: try push(try top())
        case .put: try remember(try decimal(try line()))
        case .binput: try remember(Int(try littleEndian(1)))
        case .longBinput: try remember(Int(try littleEndian(4)))
        case .memoize: try remember(memo.count)
        case .get: try recall(try decimal(try line()))
        case .binget: try recall(Int(try littleEndian(1)))
        case .longBinget: try recall(Int(try littleEndian(4)))

        // Names and calls.
        case .global:
            let module = try text(try line()), name = try text(try line())
            try push(try resolve(module, name))
        case .stackGlobal:
            let nameRef = try pop(), moduleRef = try pop()
            guard case .value(.string(let module), _) = nodes[moduleRef] else { throw wrong("module name", moduleRef) }
            guard case .value(.string(let name), _) = nodes[nameRef] else { throw wrong("global name", nameRef) }
            try push(try resolve(module, name))
        case .reduce, .newobj:
            let arguments = try pop(), callable = try pop()
            try push(try call(callable, arguments))
        case .newobjEx:
            let keywords = try pop(), arguments = try pop(), callable = try pop()
            guard case .dict(let node) = nodes[keywords], node.keys.isEmpty else { throw wrong("empty keyword dict", keywords) }
            try push(try call(callable, arguments))
        case .build:
            let state = try pop()
            try build(state: state, into: try top())
        case .persid:
            let id = try add(.value(.string(try text(try line())), size: 1))
            try push(try persistent(id))
        case .binpersid:
            try push(try persistent(try pop()))

        case .string, .unicode, .emptySet, .additems, .frozenset, .ext1, .ext2, .ext4, .inst, .obj,
             .nextBuffer, .readonlyBuffer:
            throw PickleError.unsupportedOpcode(opcode.name, offset: at)
        }
    }
}
