// assertClose: whole-tensor comparison for golden tests, |actual - expected| <= atol + rtol*|expected|
// element by element. On failure it reports how many elements differ, the worst one (index,
// both values, difference) and the first few differing elements, so a mismatch is diagnosable
// from the log alone. Shapes must match exactly.
import XCTest
import Tensors

public func assertClose(_ actual: Tensor, _ expected: Tensor, atol: Float, rtol: Float,
                        _ message: @autoclosure () -> String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
    guard actual.shape == expected.shape else {
        XCTFail("shape \(actual.shape) != expected \(expected.shape) \(message())", file: file, line: line)
        return
    }
    assertClose(actual.scalars, expected.scalars, atol: atol, rtol: rtol, shape: expected.shape,
                message(), file: file, line: line)
}

public func assertClose(_ actual: [Float], _ expected: [Float], atol: Float, rtol: Float,
                        shape: [Int]? = nil, _ message: @autoclosure () -> String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("count \(actual.count) != expected \(expected.count) \(message())", file: file, line: line)
        return
    }
    var failures = 0
    var worst = -1
    var worstExcess: Float = 0
    var firstFailures: [Int] = []
    for i in actual.indices {
        let a = actual[i], e = expected[i]
        let bound = atol + rtol * abs(e)
        let difference = abs(a - e)
        let bad = !(difference <= bound) && !(a.isNaN && e.isNaN) && !(a == e)
        if bad {
            failures += 1
            if firstFailures.count < 5 { firstFailures.append(i) }
            let excess = difference.isNaN ? .infinity : difference - bound
            if worst < 0 || excess > worstExcess { worst = i; worstExcess = excess }
        }
    }
    guard failures > 0 else { return }
    func place(_ i: Int) -> String {
        guard let shape, !shape.isEmpty else { return "[\(i)]" }
        var rest = i
        var index = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return "\(index)"
    }
    let listing = firstFailures.map { "\(place($0)): \(actual[$0]) vs \(expected[$0])" }.joined(separator: "; ")
    XCTFail("""
        \(failures) of \(actual.count) elements differ beyond atol \(atol) + rtol \(rtol)·|ref|; \
        worst at \(place(worst)): \(actual[worst]) vs \(expected[worst]) \
        (|diff| \(abs(actual[worst] - expected[worst]))); first: \(listing) \(message())
        """, file: file, line: line)
}

/// Largest |actual - expected| divided by the largest |expected| (the "relative to the largest
/// value" error used by the network goldens).
public func maxErrorRelativeToPeak(_ actual: [Float], _ expected: [Float]) -> Float {
    precondition(actual.count == expected.count)
    var peak: Float = 0, worst: Float = 0
    for i in actual.indices {
        peak = max(peak, abs(expected[i]))
        worst = max(worst, abs(actual[i] - expected[i]))
    }
    return peak > 0 ? worst / peak : worst
}
