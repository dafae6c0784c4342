// PathIndex against the reference's own PathIndex (Fixtures/Generators/random_walk.py runs
// jiwoon-ahn/irn's misc/indexing.py): direction order, paths, and the flat source, destination
// and path index arrays for radius 5 and 10 on several map sizes, compared element by element.
import XCTest
import Propagation
import TestSupport

final class PathIndexTests: XCTestCase {
    private let cases: [(radius: Int, height: Int, width: Int, withPaths: Bool)] = [
        (5, 12, 17, false), (5, 7, 11, true), (10, 11, 20, true), (10, 14, 23, false),
    ]

    private func ints(_ name: String) throws -> [Int] {
        try Fixtures.array("propagation/\(name).npy").int64s().map { Int($0) }
    }

    func testDirectionsAndPathsEqualReference() throws {
        for (radius, height, width, _) in cases {
            let stem = "path_index_r\(radius)_\(height)x\(width)"
            let index = PathIndex(radius: radius)
            let directions = try ints("\(stem)_directions")
            XCTAssertEqual(index.directions.flatMap { [$0.dy, $0.dx] }, directions, stem)
            let paths = try ints("\(stem)_paths")
            var expected = [Int]()
            for (d, path) in index.paths.enumerated() {
                for point in path { expected += [d, point.dy, point.dx] }
            }
            XCTAssertEqual(expected, paths, stem)
            XCTAssertEqual(index.radiusFloor, radius - 1)
        }
    }

    func testDirectionCountsAndGroups() {
        // 34 directions for radius 5 (4 horizontal + 9 + 9 + 7 + 5 below), grouped by path length.
        let index = PathIndex(radius: 5)
        XCTAssertEqual(index.directions.count, 34)
        XCTAssertEqual(index.groups.map(\.count), [2, 2, 4, 2, 4, 2, 8, 6, 4])
        for group in index.groups {
            XCTAssertEqual(Set(group.map { index.paths[$0].count }).count, 1)
        }
        for (d, path) in index.paths.enumerated() {
            XCTAssertEqual(path.first, index.directions[d])
            XCTAssertTrue(path.contains(PixelOffset(dy: 0, dx: 0)))
        }
        XCTAssertTrue(PathIndex(radius: 1).directions.isEmpty)
    }

    func testIndexArraysEqualReference() throws {
        for (radius, height, width, withPaths) in cases {
            let stem = "path_index_r\(radius)_\(height)x\(width)"
            let index = PathIndex(radius: radius)
            XCTAssertEqual(index.sourceIndices(height: height, width: width), try ints("\(stem)_sources"), stem)
            XCTAssertEqual(index.destinationIndices(height: height, width: width).flatMap { $0 },
                           try ints("\(stem)_destinations"), stem)
            if withPaths {
                // The reference keeps one [directions, points, sources] array per path-length
                // group; concatenated in group order this is our direction-major flattening.
                let flat = index.pathIndices(height: height, width: width).flatMap { $0.flatMap { $0 } }
                XCTAssertEqual(flat, try ints("\(stem)_path_indices"), stem)
            }
        }
    }
}
