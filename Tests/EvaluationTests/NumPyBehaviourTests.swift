// NumPy behaviours the metrics depend on, against NumPy itself (Fixtures/evaluation/numpy):
// argsort's order among equal values (introsort, including adversarial inputs that reach its
// heapsort fallback, and NaN) and the exact rounding of np.sum, np.mean and np.nanmean.
import XCTest
import Evaluation

final class NumPyBehaviourTests: XCTestCase {
    func testArgsortOrderEqualsNumPy() throws {
        let fixture = try Case("numpy/argsort.npz")
        let count = try fixture.int("count")
        XCTAssertGreaterThan(count, 70)
        var compared = 0
        for k in 0..<count {
            let values = try fixture.doubles("v\(k)")
            let expected = try fixture.ints("o\(k)")
            XCTAssertEqual(NumPyArgsort.ascending(values), expected, "case \(k), \(values.count) values")
            XCTAssertEqual(NumPyArgsort.descending(values), expected.reversed(), "case \(k)")
            compared += values.count
        }
        print("argsort: \(count) cases, \(compared) indices equal to NumPy's")
    }

    func testReductionsRoundLikeNumPy() throws {
        let fixture = try Case("numpy/reductions.npz")
        let count = try fixture.int("count")
        for k in 0..<count {
            let values = try fixture.doubles("v\(k)"), withNaN = try fixture.doubles("n\(k)")
            assertIdentical(NumPyReductions.sum(values), try fixture.double("sum\(k)"), "sum, \(values.count) values")
            assertIdentical(NumPyReductions.mean(values), try fixture.double("mean\(k)"), "mean, \(values.count)")
            assertIdentical(NumPyReductions.nanMean(withNaN), try fixture.double("nanmean\(k)"), "nanmean, \(values.count)")
            assertIdentical(NumPyReductions.mean(withNaN), try fixture.double("mean_with_nan\(k)"), "mean with NaN")
        }
    }
}
