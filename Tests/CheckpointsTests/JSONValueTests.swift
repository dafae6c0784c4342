// JSONValue: parsing RFC 8259 texts (every escape, surrogate pairs, exact integers, ordered
// members), refusing malformed ones with an offset, bounding depth, and writing compact text
// that parses back to the same value.
import XCTest
import Checkpoints

final class JSONValueTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    func testValues() throws {
        let value = try parse(#" { "b": [1, -0, 2.5, -1e3, 9007199254740993, true, false, null], "a": "x\"\\\/\b\f\n\r\t\u00e9\ud834\udd1e€", "": {} } "#)
        guard case .object(let object) = value else { return XCTFail("\(value)") }
        XCTAssertEqual(object.keys, ["b", "a", ""])
        XCTAssertEqual(object["b"], .array([.integer(1), .integer(0), .number(2.5), .number(-1000), .integer(9007199254740993),
                                            .bool(true), .bool(false), .null]))
        XCTAssertEqual(object["a"], .string("x\"\\/\u{8}\u{C}\n\r\t\u{E9}\u{1D11E}€"))
        XCTAssertEqual(object[""], .object(JSONObject()))
        XCTAssertEqual(try JSONValue.parse(Array(value.serialized.utf8)), value)
        XCTAssertEqual(JSONValue.string("a\u{1}\"").serialized, #""a\u0001\"""#)
    }

    func testMalformedTexts() {
        let cases: [(String, JSONError)] = [
            ("", .malformed("unexpected end", offset: 0)),
            ("{", .malformed("expected a member name", offset: 1)),
            ("[1,]", .malformed("unexpected character", offset: 3)),
            ("[1 2]", .malformed("expected ',' or ']'", offset: 3)),
            ("01", .malformed("leading zero", offset: 2)),
            ("1.", .malformed("expected fraction digits", offset: 2)),
            ("\"a", .malformed("unterminated string", offset: 2)),
            ("\"\\x\"", .malformed("unknown escape", offset: 2)),
            ("\"\\ud834\"", .malformed("lone high surrogate", offset: 7)),
            ("\"\\udd1e\"", .malformed("lone low surrogate", offset: 7)),
            ("\"\u{1}\"", .malformed("control character in string", offset: 1)),
            ("{\"a\":1,\"a\":2}", .duplicateKey("a", offset: 7)),
            ("1e999", .malformed("number out of range", offset: 0)),
            ("[] x", .malformed("text after the value", offset: 3)),
            ("tru", .malformed("expected 'true'", offset: 0)),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try parse(text), text) { XCTAssertEqual($0 as? JSONError, expected, text) }
        }
        XCTAssertThrowsError(try JSONValue.parse([0x22, 0xC3, 0x28, 0x22])) {
            XCTAssertEqual($0 as? JSONError, .malformed("invalid UTF-8", offset: 0))
        }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try parse(deep)) { XCTAssertEqual($0 as? JSONError, .tooDeep(offset: 65)) }
    }
}
