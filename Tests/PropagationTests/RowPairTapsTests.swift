// RowPairTaps: the kernel's visiting order must cover each stencil offset of each of the two rows
// exactly once, with the right input position, and run from far taps to near ones.
import XCTest
@testable import Propagation

final class RowPairTapsTests: XCTestCase {
    func testEveryNeighbourOfBothRowsIsVisitedOnce() {
        for radius in [1, 2, 3, 5, 10] {
            let neighbours = RandomWalk.stencil(PathIndex(radius: radius))
            XCTAssertEqual(neighbours.count, 2 * PathIndex(radius: radius).directions.count + 1)
            XCTAssertEqual(Set(neighbours).count, neighbours.count)
            let taps = RowPairTaps(neighbours: neighbours)
            var seenA = [Int](), seenB = [Int]()
            for tap in taps.onlyA + taps.both {
                XCTAssertEqual(neighbours[tap.a], PixelOffset(dy: tap.dy, dx: tap.dx))
                seenA.append(tap.a)
            }
            for tap in taps.onlyB + taps.both {
                XCTAssertEqual(neighbours[tap.b], PixelOffset(dy: tap.dy - 1, dx: tap.dx))
                seenB.append(tap.b)
            }
            XCTAssertEqual(seenA.sorted(), Array(neighbours.indices), "radius \(radius)")
            XCTAssertEqual(seenB.sorted(), Array(neighbours.indices), "radius \(radius)")
            XCTAssertTrue(taps.onlyA.allSatisfy { $0.b == -1 } && taps.onlyB.allSatisfy { $0.a == -1 })
            XCTAssertEqual(taps.vectorsPerBlock, 2 * neighbours.count)
            // The pixel itself comes last for both rows (radius 1 has no shared taps).
            if radius > 1 {
                let last = taps.both.suffix(2).map { [$0.dy, $0.dx] }
                XCTAssertEqual(Set(last), Set([[0, 0], [1, 0]]), "radius \(radius)")
            }
        }
    }
}
