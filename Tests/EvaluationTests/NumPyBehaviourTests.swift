// NumPy behaviours the metrics depend on, against NumPy itself (Fixtures/evaluation/numpy):
// argsort's order among equal values (introsort, including adversarial inputs that reach its
// heapsort fallback, and NaN) and the exact rounding of np.sum, np.mean and np.nanmean.
import XCTest
import Evaluation

final class NumPyBehaviourTests: XCTestCase {
    /// Consecutive slices of `values` with the given lengths.
    func slices<T>(_ values: [T], _ lengths: [Int]) -> [[T]] {
        var start = 0
        return lengths.map { length in
            defer { start += length }
            return Array(values[start ..< start + length])
        }
    }

    func testArgsortOrderEqualsNumPy() throws {
        let fixture = try Case("numpy/argsort.npz")
        let lengths = try fixture.ints("lengths")
        let cases = slices(try fixture.doubles("values"), lengths)
        let orders = slices(try fixture.ints("orders"), lengths)
        XCTAssertGreaterThan(cases.count, 70)
        for (k, (values, expected)) in zip(cases, orders).enumerated() {
            XCTAssertEqual(NumPyArgsort.ascending(values), expected, "case \(k), \(values.count) values")
            XCTAssertEqual(NumPyArgsort.descending(values), expected.reversed(), "case \(k)")
        }
        print("argsort: \(cases.count) cases, \(lengths.reduce(0, +)) indices equal to NumPy's")
    }

    func testReductionsRoundLikeNumPy() throws {
        let fixture = try Case("numpy/reductions.npz")
        let lengths = try fixture.ints("lengths")
        let cases = slices(try fixture.doubles("values"), lengths)
        let nanAt = slices(try fixture.array("nan").uint8s(), lengths)
        let sums = try fixture.doubles("sum"), means = try fixture.doubles("mean")
        let nanMeans = try fixture.doubles("nanmean"), meansWithNaN = try fixture.doubles("mean_with_nan")
        for (k, values) in cases.enumerated() {
            let withNaN = values.indices.map { nanAt[k][$0] != 0 ? Double.nan : values[$0] }
            assertIdentical(NumPyReductions.sum(values), sums[k], "sum of \(values.count)")
            assertIdentical(NumPyReductions.mean(values), means[k], "mean of \(values.count)")
            assertIdentical(NumPyReductions.nanMean(withNaN), nanMeans[k], "nanmean of \(values.count)")
            assertIdentical(NumPyReductions.mean(withNaN), meansWithNaN[k], "mean with NaN of \(values.count)")
        }
    }
}
