// Helpers for the Evaluation golden tests: reading a case archive (Fixtures/evaluation/*.npz,
// written by Fixtures/Generators/evaluation.py from chainercv and the IRNet reference) into a
// dictionary, and comparing float64 results with a tolerance where NaN must meet NaN.
import XCTest
import Codecs
import Evaluation
import TestSupport

/// The arrays of one fixture archive by name.
struct Case {
    let name: String
    let arrays: [String: NPYArray]

    init(_ relativePath: String) throws {
        name = relativePath
        arrays = Dictionary(uniqueKeysWithValues: try NPZ.decode(Fixtures.bytes("evaluation/" + relativePath))
            .map { ($0.name, $0.array) })
    }

    func has(_ key: String) -> Bool { arrays[key] != nil }

    func array(_ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> NPYArray {
        guard let array = arrays[key] else {
            XCTFail("\(name): no array \(key)", file: file, line: line)
            throw CaseError.missing(key)
        }
        return array
    }

    func doubles(_ key: String) throws -> [Double] { try array(key).doubles() }
    func double(_ key: String) throws -> Double { try array(key).doubles()[0] }
    func ints(_ key: String) throws -> [Int] { try array(key).int64s().map { Int($0) } }
    func int(_ key: String) throws -> Int { try ints(key)[0] }
}

enum CaseError: Error { case missing(String) }

/// Largest |difference| seen by `assertDoubles` in this test run (printed by the tests).
nonisolated(unsafe) var largestDifferenceSeen = 0.0

/// Element-wise |actual − expected| ≤ tolerance, NaN only where NaN is expected.
func assertDoubles(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-9,
                   _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("count \(actual.count) != expected \(expected.count) \(message())", file: file, line: line)
        return
    }
    var failures: [String] = []
    for i in actual.indices {
        let a = actual[i], e = expected[i]
        if a.isNaN || e.isNaN {
            if a.isNaN != e.isNaN { failures.append("[\(i)]: \(a) vs \(e)") }
            continue
        }
        let difference = abs(a - e)
        largestDifferenceSeen = max(largestDifferenceSeen, difference)
        if !(difference <= tolerance) { failures.append("[\(i)]: \(a) vs \(e) (|diff| \(difference))") }
    }
    if !failures.isEmpty {
        XCTFail("\(failures.count) of \(actual.count) values differ beyond \(tolerance): "
                + failures.prefix(5).joined(separator: "; ") + " \(message())", file: file, line: line)
    }
}

func assertDouble(_ actual: Double, _ expected: Double, tolerance: Double = 1e-9,
                  _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    assertDoubles([actual], [expected], tolerance: tolerance, message(), file: file, line: line)
}

/// Same bits (NaN meets any NaN): for values NumPy's own arithmetic produced.
func assertIdentical(_ actual: Double, _ expected: Double, _ message: @autoclosure () -> String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
    if actual.isNaN && expected.isNaN { return }
    XCTAssertEqual(actual.bitPattern, expected.bitPattern, "\(actual) vs \(expected) \(message())",
                   file: file, line: line)
}
