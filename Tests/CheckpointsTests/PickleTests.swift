// Restricted unpickler against pickles written by CPython (Fixtures/Generators/
// make_checkpoints.py, `plain_pickles`): the same container literal at protocols 1-5 and
// scalars at protocol 0 decode to the literal; every prefix is `truncated`; corrupted bytes
// never crash; each refusal (forbidden globals, bad operands, limits, cycles) has its error.
import XCTest
import Checkpoints
import TestSupport

final class PickleTests: XCTestCase {
    private let torchNames = Unpickler(globals: TorchCheckpoint.allowedGlobals)

    /// One byte per character (Latin-1), so "\u{80}" is the byte 0x80.
    private func latin1(_ text: String) -> [UInt8] { text.unicodeScalars.map { UInt8($0.value) } }

    private func load(_ path: String) throws -> [UInt8] { try Fixtures.bytes("checkpoints/" + path) }

    private func dict(_ pairs: [(PickleValue, PickleValue)]) -> PickleValue {
        var result = PickleDict()
        for (key, value) in pairs { result[key] = value }
        return .dict(result)
    }

    /// The literal `plain_pickles` pickles, written out in Swift.
    private func containerLiteral(protocol version: Int) -> PickleValue {
        let ints: [PickleValue] = [0, 1, -1, 255, 256, 65535, 65536, -(1 << 31), (1 << 31) - 1, 1 << 31, Int.max, Int.min]
            .map { .int($0) } + [.bigInt([0, 0, 0, 0, 0, 0, 0, 0, 1])]
        var pairs: [(PickleValue, PickleValue)] = [
            (.string("ints"), .list(ints)),
            (.string("floats"), .list([0.0, -0.0, 1.5, 1e308, .leastNonzeroMagnitude, .infinity, -1.0 / 3].map { .float($0) })),
            (.string("strings"), .list(["", "abc", "\u{FC}\u{20AC}\u{1D11E}", String(repeating: "x", count: 300)].map { .string($0) })),
            (.string("nested"), .tuple([dict([(.string("k"), .tuple([.int(1), .int(2)]))]), .list([]), .tuple([]), dict([])])),
            (.string("flags"), .list([.bool(true), .bool(false), .none])),
            (.string("tuples"), .list((1...4).map { n in .tuple((1...n).map { .int($0) }) })),
            (.string("shared"), .list([.list([.int(1)]), .list([.int(1)])])),
            (.string("ordered"), dict([(.string("z"), .int(1)), (.string("a"), .int(2))])),
            (.string("long_list"), .list((0..<1200).map { .int($0) })),
            (.string("big_dict"), dict((0..<1100).map { (.int($0), .int(-$0)) })),
        ]
        if version >= 3 {
            pairs.append((.string("bytes"), .list([.bytes([]), .bytes(Array(repeating: [0, 255], count: 130).flatMap { $0 })])))
        }
        return dict(pairs)
    }

    func testContainersAtEveryProtocolEqualTheLiteral() throws {
        for version in 1...5 {
            let bytes = try load("pickles/containers_p\(version).pkl")
            let (value, end) = try torchNames.unpickle(bytes)
            XCTAssertEqual(end, bytes.count, "protocol \(version)")
            XCTAssertEqual(value, containerLiteral(protocol: version), "protocol \(version)")
            // -0.0 == 0.0 for Equatable: check the sign bit separately.
            guard case .dict(let d) = value, case .list(let floats)? = d[string: "floats"],
                  case .float(let negativeZero) = floats[1] else { return XCTFail("no floats") }
            XCTAssertEqual(negativeZero.bitPattern, (-0.0 as Double).bitPattern)
        }
    }

    func testProtocolZeroTextOpcodes() throws {
        let bytes = try load("pickles/scalars_p0.pkl")
        let (value, _) = try Unpickler().unpickle(bytes)
        XCTAssertEqual(value, .tuple([.bool(true), .int(42), .int(-7), .int(1 << 40), .float(2.5), .none, .bool(false)]))
        // -2**70 as CPython writes it at protocol 0 (LONG text) and at protocol 2 (LONG1).
        let text = try Unpickler().unpickle(latin1("L-1180591620717411303424L\n.")).value
        let binary = try Unpickler().unpickle([0x80, 0x02, 0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0xC0, 0x2E]).value
        XCTAssertEqual(text, binary)
        XCTAssertEqual(binary, .bigInt([0, 0, 0, 0, 0, 0, 0, 0, 0xC0]))
    }

    /// Every prefix of the small pickle; for the large ones every prefix in the first 1500
    /// bytes (all opcodes of the literal's head) and every 41st after that.
    func testEveryPrefixIsTruncated() throws {
        for name in ["pickles/scalars_p0.pkl", "pickles/containers_p1.pkl", "pickles/containers_p2.pkl",
                     "pickles/containers_p4.pkl"] {
            let bytes = try load(name)
            for length in Array(0..<min(bytes.count, 1500)) + Array(stride(from: 1500, to: bytes.count, by: 41)) {
                XCTAssertThrowsError(try torchNames.unpickle(Array(bytes[0..<length]))) { error in
                    guard case .truncated? = error as? PickleError else {
                        return XCTFail("\(name) cut at \(length): \(error)")
                    }
                }
            }
        }
    }

    func testCorruptedBytesNeverCrash() throws {
        var outcomes = (values: 0, errors: 0)
        for name in ["pickles/containers_p2.pkl", "pickles/containers_p5.pkl"] {
            let bytes = try load(name)
            let positions = Array(0..<min(bytes.count, 300)) + Array(stride(from: 300, to: bytes.count, by: 97))
            let counts = Corruption.outcomes(of: bytes, positions: positions,
                                             replacements: { [$1 ^ 0xFF, $0 % 2 == 0 ? 0x00 : 0x94] },
                                             isTyped: { $0 is PickleError }) { _ = try torchNames.unpickle($0) }
            outcomes.values += counts.loaded
            outcomes.errors += counts.refused
        }
        XCTAssertGreaterThan(outcomes.errors, 300)
        print("corrupted pickles: \(outcomes.values) still decode, \(outcomes.errors) refused")
    }

    func testForbiddenGlobalsAreNamed() throws {
        let global = latin1("\u{80}\u{2}cos\nsystem\nX\u{2}\u{0}\u{0}\u{0}ls\u{85}R.")
        XCTAssertThrowsError(try torchNames.unpickle(global)) {
            XCTAssertEqual($0 as? PickleError, .forbiddenGlobal(module: "os", name: "system", offset: 2))
        }
        let stack = try load("malicious/os_system_stack_global.pkl")
        XCTAssertThrowsError(try torchNames.unpickle(stack)) {
            XCTAssertEqual($0 as? PickleError, .forbiddenGlobal(module: "os", name: "system", offset: 16))
        }
        XCTAssertEqual(stack[16], 0x93, "offset 16 is the STACK_GLOBAL opcode")
        // A plain unpickler allows no global at all, not even OrderedDict.
        let ordered = try load("pickles/containers_p2.pkl")
        XCTAssertThrowsError(try Unpickler().unpickle(ordered)) {
            guard case .forbiddenGlobal(module: "collections", name: "OrderedDict", offset: _)? = $0 as? PickleError else {
                return XCTFail("\($0)")
            }
        }
    }

    private func assertError(_ bytes: [UInt8], _ expected: PickleError, unpickler: Unpickler = Unpickler(),
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try unpickler.unpickle(bytes), file: file, line: line) {
            XCTAssertEqual($0 as? PickleError, expected, file: file, line: line)
        }
    }

    func testMalformedInstructions() {
        let p2: [UInt8] = [0x80, 0x02]
        assertError(p2 + [0xFF], .unknownOpcode(0xFF, offset: 2))
        assertError(p2 + latin1("a."), .stackUnderflow(opcode: "APPEND", offset: 2))
        assertError(p2 + latin1("K\u{1}t."), .missingMark(opcode: "TUPLE", offset: 4))
        assertError(p2 + latin1("h\u{5}."), .missingMemo(index: 5, offset: 2))
        assertError(p2 + latin1("}K\u{1}a."), .wrongOperand(opcode: "APPEND", expected: "list", found: "dict", offset: 5))
        assertError(p2 + latin1("K\u{1}(\u{85}."), .stackUnderflow(opcode: "TUPLE1", offset: 5))  // below the mark
        assertError(p2 + [0x82, 0x01, 0x2E], .unsupportedOpcode("EXT1", offset: 2))
        assertError(p2 + [0x8F, 0x2E], .unsupportedOpcode("EMPTY_SET", offset: 2))
        assertError([0x80, 0x06, 0x4E, 0x2E], .unsupportedProtocol(6, offset: 0))
        assertError(p2 + [0x8C, 0x02, 0xC3, 0x28, 0x2E], .invalidText("invalid UTF-8 in SHORT_BINUNICODE", offset: 2))
        assertError(p2 + latin1("X\u{FF}\u{FF}\u{FF}\u{7F}abc"), .truncated(offset: 2))
        assertError(p2 + latin1("N"), .truncated(offset: 3))
        assertError(p2 + latin1("Q."), .stackUnderflow(opcode: "BINPERSID", offset: 2))
        assertError(p2 + latin1("X\u{1}\u{0}\u{0}\u{0}0Q."), .unsupportedPersistentID(offset: 8))
        assertError(p2 + latin1("ccollections\nOrderedDict\nK\u{1}\u{85}R."),
                    .badCall(callee: "collections.OrderedDict", reason: "expects no argument or one sequence of pairs", offset: 30),
                    unpickler: torchNames)
    }

    func testCyclesDepthAndBudgetAreBounded() {
        // A list appended to itself has no tree form.
        assertError([0x80, 0x02] + latin1("]q\u{0}h\u{0}a."), .cycle(offset: 8))
        // 150 nested lists exceed the depth limit of 100.
        let deep = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: 150) + [UInt8](repeating: 0x61, count: 149) + [0x2E]
        assertError(deep, .limitExceeded("nesting deeper than 100", offset: deep.count - 1))
        // Doubling shared references 40 times would expand to 2^40 values: stopped by the budget.
        var doubling: [UInt8] = [0x80, 0x02, 0x4B, 0x01]
        for _ in 0..<40 { doubling += [0x71, 0x00, 0x68, 0x00, 0x86] }
        doubling.append(0x2E)
        var small = PickleLimits()
        small.maxValues = 100_000
        assertError(doubling, .limitExceeded("more than 100000 values in the result", offset: doubling.count - 1),
                    unpickler: Unpickler(limits: small))
        // The stack limit.
        var limits = PickleLimits()
        limits.maxStack = 10
        assertError([UInt8](repeating: 0x4E, count: 20) + [0x2E], .limitExceeded("stack deeper than 10", offset: 10),
                    unpickler: Unpickler(limits: limits))
    }

    func testAllowedNamesBecomeObjectRecordsWithState() throws {
        let type = PickleGlobal("m", "C")
        let unpickler = Unpickler(globals: [type: .name])
        let bytes: [UInt8] = [0x80, 0x02] + latin1("cm\nC\n)R}X\u{1}\u{0}\u{0}\u{0}kK\u{7}sb.")
        let (value, _) = try unpickler.unpickle(bytes)
        var state = PickleDict()
        state[.string("k")] = .int(7)
        XCTAssertEqual(value, .object(PickleObject(type: type, arguments: [], state: .dict(state))))
    }

    func testConsecutivePicklesReportWhereTheyEnd() throws {
        let first: [UInt8] = [0x80, 0x02, 0x4B, 0x05, 0x2E]
        let second: [UInt8] = [0x80, 0x02, 0x4E, 0x2E]
        let bytes = first + second
        let (a, end) = try Unpickler().unpickle(bytes)
        let (b, end2) = try Unpickler().unpickle(bytes, at: end)
        XCTAssertEqual([a, b], [.int(5), .none])
        XCTAssertEqual([end, end2], [first.count, bytes.count])
    }
}
