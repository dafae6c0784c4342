// Connected components against scikit-image's measure.label (Fixtures/instances/components,
// made by Fixtures/Generators/instances.py): exact labels for both connectivities on seeded
// random masks and hand-made ones (checkerboard, spiral, combs, diagonals, single pixels, empty,
// full); and union-find against the flood-fill twin on 300 seeded random geometries.
import XCTest
import Instances
import Tensors
import TestSupport

final class ConnectedComponentsTests: XCTestCase {
    /// (case, seed, height, width, probability): the generator's RANDOM_MASKS.
    static let randomMasks: [(String, UInt64, Int, Int, Float)] = [
        ("random_a", 201, 16, 21, 0.5),
        ("random_b", 202, 23, 17, 0.35),
        ("random_c", 203, 9, 40, 0.6),
        ("row", 204, 1, 33, 0.5),
        ("column", 205, 29, 1, 0.5),
        ("percolating", 206, 30, 30, 0.45),
    ]
    static let storedMasks = ["checkerboard", "spiral", "combs", "diagonals", "single_pixel",
                              "lonely_pixel", "empty", "full"]

    func testMatchesScikitImage() throws {
        var cases: [(String, [Bool], Int, Int)] = []
        for (name, seed, height, width, probability) in Self.randomMasks {
            cases.append((name, seededMask(seed, count: height * width, probability: probability), height, width))
        }
        for name in Self.storedMasks {
            let (mask, shape) = try goldenBools("components/\(name)_mask.npy")
            cases.append((name, mask, shape[0], shape[1]))
        }
        var checked = 0
        for (name, mask, height, width) in cases {
            for connectivity in Connectivity.allCases {
                let (expected, shape) = try goldenInt32s("components/\(name)_c\(connectivity.rawValue).npy")
                XCTAssertEqual(shape, [height, width], name)
                let result = labelComponents(of: mask, height: height, width: width, connectivity: connectivity)
                XCTAssertTrue(result.labels == expected, "\(name) c\(connectivity.rawValue): \(firstDifference(result.labels, expected))")
                XCTAssertEqual(result.count, Int(expected.max() ?? 0), name)
                let sizes = (1 ... max(result.count, 1)).map { l in expected.filter { $0 == Int32(l) }.count }
                XCTAssertEqual(result.sizes, result.count == 0 ? [] : sizes, name)
                checked += 1
            }
        }
        print("components: \(checked) scikit-image labellings matched exactly")
    }

    func testUnionFindEqualsFloodFillOnRandomGeometries() {
        var random = SeededRandom(seed: 2601)
        for trial in 0 ..< 300 {
            let height = random.int(in: 0 ... 37), width = random.int(in: 0 ... 41)
            let probability = random.nextUnit()
            let mask = (0 ..< height * width).map { _ in random.nextUnit() < probability }
            for connectivity in Connectivity.allCases {
                let fast = labelComponents(of: mask, height: height, width: width, connectivity: connectivity)
                let naive = labelComponentsNaive(of: mask, height: height, width: width, connectivity: connectivity)
                XCTAssertEqual(fast, naive, "trial \(trial) \(height)×\(width) p \(probability) \(connectivity)")
            }
            // Regions of several values, as the detection step labels its shape map.
            let values = (0 ..< height * width).map { _ in Int32(random.int(in: 0 ... 3)) }
            for connectivity in Connectivity.allCases {
                let fast = labelRegions(of: values, height: height, width: width, connectivity: connectivity)
                let naive = labelRegionsNaive(of: values, height: height, width: width, connectivity: connectivity)
                XCTAssertEqual(fast, naive, "regions trial \(trial) \(height)×\(width) \(connectivity)")
            }
        }
    }

    func testEveryPixelItsOwnRegionWhenValuesAllDiffer() {
        let values = (1 ... 35).map { Int32($0) }
        let result = labelRegions(of: values, height: 5, width: 7, connectivity: .eight)
        XCTAssertEqual(result.labels, values)
        XCTAssertEqual(result.sizes, [Int](repeating: 1, count: 35))
    }
}
