// Centroid refinement against the reference's find_centroids_with_refinement run by NumPy
// (Fixtures/instances/refinement): the float32 points just before rounding and the rounded
// centroids must be equal exactly. Seeded random fields, a hand-made field of touching
// instances, a smooth field, a field whose points stop at exact halves (round half to even),
// one-pixel / one-row / one-column maps and 0, 1, 7 and 300 steps. Then fast = naive.
import XCTest
import Instances
import Tensors
import TestSupport

/// A refinement case: its field (seeded or stored) and step count.
struct RefinementCase {
    let name: String
    let field: () throws -> Tensor
    let steps: Int

    /// (case, seed, height, width, scale, steps): the generator's RANDOM_FIELDS, then the
    /// stored fields.
    static let all: [RefinementCase] = {
        let seeded: [(String, UInt64, Int, Int, Float, Int)] = [
            ("random_s3", 311, 13, 11, 3.0, 300),
            ("random_s15", 312, 9, 31, 15.0, 300),
            ("random_s1_7steps", 313, 14, 10, 1.0, 7),
            ("random_one_step", 314, 6, 8, 4.0, 1),
            ("random_zero_steps", 315, 3, 4, 4.0, 0),
            ("one_pixel", 316, 1, 1, 2.0, 300),
            ("one_row", 317, 1, 7, 2.0, 300),
            ("one_column", 318, 6, 1, 2.0, 300),
        ]
        var cases = seeded.map { name, seed, height, width, scale, steps in
            RefinementCase(name: name, field: { seededTensor(seed, [2, height, width], scale: scale) }, steps: steps)
        }
        for name in ["handmade", "smooth", "halves"] {
            cases.append(RefinementCase(name: name, field: { try goldenTensor("refinement/\(name)_dp.npy") }, steps: 300))
        }
        return cases
    }()
}

final class CentroidRefinementTests: XCTestCase {
    func testPositionsAndCentroidsEqualReference() throws {
        for item in RefinementCase.all {
            let field = try item.field()
            let expected = try goldenTensor("refinement/\(item.name)_positions.npy")
            let positions = centroidPositions(following: field, steps: item.steps)
            XCTAssertEqual(positions.shape, expected.shape, item.name)
            XCTAssertTrue(positions.scalars == expected.scalars,
                          "\(item.name): \(firstDifference(positions.scalars, expected.scalars))")
            let naive = centroidPositionsNaive(following: field, steps: item.steps)
            XCTAssertTrue(naive.scalars == expected.scalars,
                          "\(item.name) naive: \(firstDifference(naive.scalars, expected.scalars))")

            let (reference, shape) = try goldenInt32s("refinement/\(item.name)_centroids.npy")
            XCTAssertEqual(shape, field.shape, item.name)
            let centroids = findCentroids(displacement: field, steps: item.steps)
            XCTAssertTrue(centroids.rows + centroids.columns == reference,
                          "\(item.name): \(firstDifference(centroids.rows + centroids.columns, reference))")
        }
    }

    func testHalvesFieldExercisesRoundHalfToEven() throws {
        // The golden must contain exact halves, or the case would not test the rounding rule.
        let positions = try goldenTensor("refinement/halves_positions.npy")
        let halves = positions.scalars.filter { $0 != $0.rounded(.down) && ($0 * 2).rounded() == $0 * 2 }
        XCTAssertGreaterThan(halves.count, 20)
        let oddBelow = halves.filter { Int($0.rounded(.down)) % 2 == 1 }
        XCTAssertFalse(oddBelow.isEmpty, "no half above an odd integer: rounding up never tested")
    }

    func testFastEqualsNaiveOnRandomGeometries() {
        var random = SeededRandom(seed: 2701)
        for trial in 0 ..< 220 {
            // Every tenth trial runs the reference's 300 steps on a smaller map.
            let long = trial % 10 == 0
            let height = random.int(in: 1 ... (long ? 11 : 23)), width = random.int(in: 1 ... (long ? 13 : 29))
            let scale = [0.3, 1, 2.5, 6, 40][random.int(in: 0 ... 4)] as Float
            let steps = long ? 300 : random.int(in: 0 ... 40)
            var field = random.tensor(shape: [2, height, width], scale: scale)
            if trial % 7 == 3 {
                // Quantised fields: many exact integer and half positions and fixed points.
                field.scalars = field.scalars.map { ($0 * 2).rounded() / 2 }
            }
            let fast = centroidPositions(following: field, steps: steps)
            let naive = centroidPositionsNaive(following: field, steps: steps)
            XCTAssertEqual(fast, naive, "trial \(trial): \(height)×\(width) scale \(scale) steps \(steps): "
                           + firstDifference(fast.scalars, naive.scalars))
        }
    }
}
