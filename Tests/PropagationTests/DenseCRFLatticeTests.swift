// The fast permutohedral filter (flat hash table, gathered splat, SIMD blocks, threads) against
// its plain-loop twin on seeded random features and values, plus structural checks of the
// embedding (weights form a partition of unity, vertices are distinct lattice points).
import XCTest
import Tensors
import TestSupport
@testable import Propagation

final class DenseCRFLatticeTests: XCTestCase {
    /// Seeded features spread over a few lattice cells per axis, and values in [-1, 1).
    private func randomCase(points: Int, dimension: Int, channels: Int, spread: Float, seed: UInt64)
        -> (features: [Float], values: [Float]) {
        var random = SeededRandom(seed: seed)
        let features = (0 ..< points * dimension).map { _ in random.nextSymmetric(scale: spread) }
        let values = (0 ..< points * channels).map { _ in random.nextSymmetric(scale: 1) }
        return (features, values)
    }

    func testFastFilterEqualsPlainLoops() {
        // (points, dimension, channels, spread, origin vertices): sizes that are no multiple of 8
        // or 4, one point, channel counts on both sides of densecrf's two-channel switch, and
        // large enough cases for the threaded paths.
        let cases: [(Int, Int, Int, Float, Bool)] = [
            (1, 2, 1, 3, false), (7, 1, 3, 2, false), (50, 2, 2, 4, true), (333, 3, 9, 5, true),
            (129, 5, 21, 3, false), (2_501, 2, 3, 20, true), (1_501, 5, 11, 6, false),
        ]
        for (index, (n, d, c, spread, origin)) in cases.enumerated() {
            let (features, values) = randomCase(points: n, dimension: d, channels: c, spread: spread,
                                                seed: UInt64(100 + index))
            let lattice = PermutohedralLattice(features: features, dimension: d, addingOriginVertices: origin)
            let fast = lattice.filter(values, channels: c)
            let naive = PermutohedralLattice.naiveFilter(features: features, dimension: d, values: values,
                                                         channels: c, addingOriginVertices: origin)
            // Same operations in the same order: equal to the last bit.
            assertClose(fast, naive, atol: 0, rtol: 0, shape: [n, c], "case \(index): N \(n), d \(d), C \(c)")
        }
    }

    func testOriginVerticesChangeTheBlurOnlyNearTheOrigin() {
        // Features far from the origin: the extra vertices are isolated and change nothing.
        var random = SeededRandom(seed: 9)
        let features = (0 ..< 30 * 2).map { _ in 40 + random.nextSymmetric(scale: 3) }
        let values = (0 ..< 30).map { _ in random.nextUnit() }
        let plain = PermutohedralLattice(features: features, dimension: 2)
        let padded = PermutohedralLattice(features: features, dimension: 2, addingOriginVertices: true)
        XCTAssertEqual(padded.vertexCount, plain.vertexCount + 3)
        assertClose(padded.filter(values, channels: 1), plain.filter(values, channels: 1), atol: 0, rtol: 0)
    }

    func testFilterBufferBudgetSplitsChannelsWithoutChangingResults() {
        // 40 channels need 40 lanes per vertex; results must not depend on how many lanes a
        // pass handles, and a pass of eight lanes is the same arithmetic as a pass of forty.
        let (features, values) = randomCase(points: 400, dimension: 3, channels: 40, spread: 4, seed: 77)
        let lattice = PermutohedralLattice(features: features, dimension: 3)
        let all = lattice.filter(values, channels: 40)
        for c in [0, 13, 39] {
            let single = lattice.filter((0 ..< 400).map { values[$0 * 40 + c] }, channels: 1)
            let column = (0 ..< 400).map { all[$0 * 40 + c] }
            // One channel is sliced as (w·v)·alpha, many as (w·alpha)·v: equal up to rounding.
            assertClose(column, single, atol: 1e-6, rtol: 1e-6, "channel \(c)")
        }
    }

    func testEmbeddingWeightsSumToOneAndVerticesAreDistinct() {
        for d in [1, 2, 5, 7] {
            let (features, _) = randomCase(points: 200, dimension: d, channels: 1, spread: 10, seed: UInt64(d))
            let lattice = PermutohedralLattice(features: features, dimension: d)
            XCTAssertLessThanOrEqual(lattice.vertexCount, 200 * (d + 1))
            for i in 0 ..< 200 {
                let weights = lattice.pointWeights[i * (d + 1) ..< (i + 1) * (d + 1)]
                let rows = Set(lattice.pointRows[i * (d + 1) ..< (i + 1) * (d + 1)])
                XCTAssertEqual(weights.reduce(0, +), 1, accuracy: 1e-5, "d \(d), point \(i)")
                XCTAssertTrue(weights.allSatisfy { $0 >= -1e-6 }, "d \(d), point \(i): \(weights)")
                XCTAssertEqual(rows.count, d + 1, "d \(d), point \(i): vertices must be distinct")
                XCTAssertTrue(rows.allSatisfy { $0 >= 1 && Int($0) <= lattice.vertexCount })
            }
            // Every splat list entry points back at a point that names the vertex.
            for v in 0 ..< lattice.vertexCount {
                for e in Int(lattice.splatStarts[v]) ..< Int(lattice.splatStarts[v + 1]) {
                    let p = Int(lattice.splatPoints[e])
                    XCTAssertTrue(lattice.pointRows[p * (d + 1) ..< (p + 1) * (d + 1)].contains(Int32(v + 1)))
                }
            }
            // Blur neighbours are mutual: forward of v along j has v as its backward neighbour.
            let m = lattice.vertexCount
            for j in 0 ... d {
                for v in 0 ..< m {
                    let forward = Int(lattice.blurNeighbours[2 * (j * m + v)])
                    if forward > 0 {
                        XCTAssertEqual(Int(lattice.blurNeighbours[2 * (j * m + forward - 1) + 1]), v + 1)
                    }
                }
            }
        }
    }
}
