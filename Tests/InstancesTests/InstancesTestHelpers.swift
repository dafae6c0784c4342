// Helpers shared by the instance-extraction tests: reading the goldens of
// Fixtures/Generators/instances.py (integer and boolean arrays), rebuilding its seeded inputs,
// and seeded random geometry for the fast-versus-naive sweeps.
import XCTest
import Codecs
import Tensors
import TestSupport

/// A golden array under Fixtures/instances/ and its shape.
func goldenArray(_ path: String) throws -> NPYArray {
    try Fixtures.array("instances/" + path)
}

/// Integer golden (any integer dtype) as Int32 values, with its shape.
func goldenInt32s(_ path: String) throws -> (values: [Int32], shape: [Int]) {
    let array = try goldenArray(path)
    return (array.int64s().map { Int32($0) }, array.shape)
}

/// Boolean golden as Bool values, with its shape.
func goldenBools(_ path: String) throws -> (values: [Bool], shape: [Int]) {
    let array = try goldenArray(path)
    XCTAssertEqual(array.dtype, .bool, path)
    return (array.uint8s().map { $0 != 0 }, array.shape)
}

/// Float32 golden as a tensor.
func goldenTensor(_ path: String) throws -> Tensor {
    try Fixtures.tensor("instances/" + path)
}

/// The generator's `SeededRandom(seed).symmetric(shape, scale)`.
func seededTensor(_ seed: UInt64, _ shape: [Int], scale: Float) -> Tensor {
    var random = SeededRandom(seed: seed)
    return random.tensor(shape: shape, scale: scale)
}

/// The generator's `SeededRandom(seed).unit(count) < float32(probability)`.
func seededMask(_ seed: UInt64, count: Int, probability: Float) -> [Bool] {
    var random = SeededRandom(seed: seed)
    return (0 ..< count).map { _ in random.nextUnit() < probability }
}

extension SeededRandom {
    /// A uniformly drawn integer in `range` (modulo bias is irrelevant for test geometry).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// Index and values of the first difference between two equal-length arrays, for messages.
func firstDifference<T: Equatable>(_ actual: [T], _ expected: [T]) -> String {
    guard actual.count == expected.count else { return "count \(actual.count) vs \(expected.count)" }
    guard let i = actual.indices.first(where: { actual[$0] != expected[$0] }) else { return "none" }
    let differing = actual.indices.filter { actual[$0] != expected[$0] }.count
    return "\(differing) differ, first at \(i): \(actual[i]) vs \(expected[i])"
}
