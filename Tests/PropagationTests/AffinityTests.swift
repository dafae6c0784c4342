// Affinity against the reference's edge_to_affinity (1 − max-pool of the boundary along each
// path) on seeded boundary maps, for radius 5 and 10, in the reference's cropped layout. The max
// and 1 − x are exact in Float32, so the comparison is exact.
import XCTest
import Propagation
import Tensors
import TestSupport

final class AffinityTests: XCTestCase {
    static func unitMap(seed: UInt64, height: Int, width: Int, cubed: Bool = false) -> Tensor {
        var random = SeededRandom(seed: seed)
        var values = [Float](repeating: 0, count: height * width)
        for i in values.indices {
            let u = random.nextUnit()
            values[i] = cubed ? u * u * u : u
        }
        return Tensor(shape: [height, width], scalars: values)
    }

    func testCroppedAffinitiesEqualReference() throws {
        for (radius, height, width, seed) in [(5, 12, 17, 21), (10, 14, 23, 22)] {
            let boundary = Self.unitMap(seed: UInt64(seed), height: height, width: width)
            let affinity = Affinity(boundary: boundary, pathIndex: PathIndex(radius: radius))
            let expected = try Fixtures.tensor("propagation/affinity_r\(radius)_\(height)x\(width)_seed\(seed).npy")
            assertClose(affinity.croppedToSources(), expected, atol: 0, rtol: 0, "radius \(radius)")
        }
    }

    func testEveryInsidePairMatchesPathMaximum() {
        // Whole planes, including pairs near the borders the cropped layout leaves out.
        let boundary = Self.unitMap(seed: 5, height: 6, width: 9)
        let index = PathIndex(radius: 4)
        let affinity = Affinity(boundary: boundary, pathIndex: index)
        XCTAssertEqual(affinity.values.shape, [index.directions.count, 6, 9])
        var inside = 0
        for (d, path) in index.paths.enumerated() {
            for y in 0..<6 {
                for x in 0..<9 {
                    let target = index.directions[d]
                    let isInside = (0..<6).contains(y + target.dy) && (0..<9).contains(x + target.dx)
                    XCTAssertEqual(affinity.isInside(direction: d, y: y, x: x), isInside)
                    let expected: Float = isInside
                        ? 1 - path.map { boundary[y + $0.dy, x + $0.dx] }.max()! : 0
                    XCTAssertEqual(affinity.values[d, y, x], expected, "direction \(d) at (\(y), \(x))")
                    if isInside { inside += 1 }
                }
            }
        }
        XCTAssertGreaterThan(inside, 0)
    }
}
