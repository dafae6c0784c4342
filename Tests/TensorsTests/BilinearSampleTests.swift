// Point sampling against the reference's displacement-following expression evaluated by NumPy
// (Fixtures/ops/sample/points.npy, made by Fixtures/Generators/ops.py): exact in Double.
import XCTest
import Tensors
import TestSupport

final class BilinearSampleTests: XCTestCase {
    func testMatchesReferenceExpressionExactly() throws {
        let planes = seededTensor(1101, [2, 5, 7])
        var random = SeededRandom(seed: 1102)
        var ys = (0 ..< 24).map { _ in random.nextUnit() * 4 }
        var xs = (0 ..< 24).map { _ in random.nextUnit() * 6 }
        ys += [0, 0, 4, 4, 2, 3]
        xs += [0, 6, 0, 6, 3, 5]
        let expected = try Fixtures.array("ops/sample/points.npy")
        XCTAssertEqual(expected.shape, [2, 30])
        let reference = expected.doubles()
        var actual: [Double] = []
        for plane in 0 ..< 2 {
            for (y, x) in zip(ys, xs) { actual.append(sampleBilinear(planes, plane: plane, y: y, x: x)) }
        }
        XCTAssertEqual(actual, reference)
    }
}
