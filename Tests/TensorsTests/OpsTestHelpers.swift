// Helpers shared by the tensor-op tests: seeded inputs that match Fixtures/Generators/ops.py,
// seeded random geometry for fast-versus-naive sweeps, and an error report that the golden
// tests print so the observed precision is visible in the log.
import XCTest
import Tensors
import TestSupport

/// The input the generator builds with `SeededRandom(seed).symmetric(shape, scale)`.
func seededTensor(_ seed: UInt64, _ shape: [Int], scale: Float = 2) -> Tensor {
    var random = SeededRandom(seed: seed)
    return random.tensor(shape: shape, scale: scale)
}

extension SeededRandom {
    /// A uniformly drawn integer in `range` (modulo bias is irrelevant for test geometry).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// Largest |a − e| and largest |a − e| / |e| (over elements with |e| > 1e-3).
func maxErrors(_ actual: Tensor, _ expected: Tensor) -> (absolute: Float, relative: Float) {
    guard actual.shape == expected.shape else { return (.infinity, .infinity) }
    var absolute: Float = 0, relative: Float = 0
    for (a, e) in zip(actual.scalars, expected.scalars) where !(a.isNaN && e.isNaN) && a != e {
        let d = abs(a - e)
        absolute = max(absolute, d.isNaN ? .infinity : d)
        if abs(e) > 1e-3 { relative = max(relative, d / abs(e)) }
    }
    return (absolute, relative)
}

/// Compares a whole tensor with its golden and prints the largest errors seen.
func assertGolden(_ actual: Tensor, _ expected: Tensor, atol: Float, rtol: Float, _ label: String,
                  file: StaticString = #filePath, line: UInt = #line) {
    let (absolute, relative) = maxErrors(actual, expected)
    print("golden \(label): max |diff| \(absolute), max rel \(relative)")
    assertClose(actual, expected, atol: atol, rtol: rtol, label, file: file, line: line)
}
