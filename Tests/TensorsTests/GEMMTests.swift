// The blocked GEMM against its naive twin (GEMM+Naive.swift) on seeded random geometries:
// sizes from 1 to ~300 that are no multiple of the 6×16 tile or the blockings, both transposes,
// alpha/beta, leading dimensions wider than the matrix, and the fused bias/ReLU epilogue.
import XCTest
@testable import Tensors
import TestSupport

final class GEMMTests: XCTestCase {
    /// A size between 1 and `limit`, log-uniform so small and odd sizes are frequent.
    private func size(_ random: inout SeededRandom, limit: Int) -> Int {
        let logLimit = Float(limit).squareRoot()
        let root = 1 + random.nextUnit() * (logLimit - 1)
        return max(1, min(limit, Int(root * root)))
    }

    private func pick<T>(_ values: [T], _ random: inout SeededRandom) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }

    struct Case: CustomStringConvertible {
        var m = 1, n = 1, k = 1, transposeA = false, transposeB = false
        var lda = 1, ldb = 1, ldc = 1, alpha: Float = 1, beta: Float = 0
        var bias = false, activation = Activation.identity
        var description: String {
            "m \(m) n \(n) k \(k) tA \(transposeA) tB \(transposeB) lda \(lda) ldb \(ldb) ldc \(ldc) "
                + "alpha \(alpha) beta \(beta) bias \(bias) \(activation)"
        }
    }

    private func randomCase(_ random: inout SeededRandom) -> Case {
        var c = Case()
        c.m = size(&random, limit: 300)
        c.n = size(&random, limit: 300)
        c.k = size(&random, limit: 300)
        c.transposeA = random.next() % 2 == 0
        c.transposeB = random.next() % 2 == 0
        c.lda = (c.transposeA ? c.m : c.k) + pick([0, 0, 1, 7], &random)
        c.ldb = (c.transposeB ? c.k : c.n) + pick([0, 0, 3, 16], &random)
        c.ldc = c.n + pick([0, 0, 5], &random)
        c.alpha = pick([1, 1, -0.5, 2], &random)
        c.beta = pick([0, 0, 1, 0.25], &random)
        c.bias = random.next() % 2 == 0
        c.activation = random.next() % 2 == 0 ? .relu : .identity
        return c
    }

    /// Runs one case through both GEMMs and compares; the tolerance covers the different
    /// summation grouping (k-slices) and FMA rounding: k ulps-ish of the operand scale.
    private func check(_ c: Case, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) -> Float {
        var random = SeededRandom(seed: seed)
        let aRows = c.transposeA ? c.k : c.m, bRows = c.transposeB ? c.n : c.k
        let a = random.tensor(shape: [aRows * c.lda], scale: 1).scalars
        let b = random.tensor(shape: [bRows * c.ldb], scale: 1).scalars
        let c0 = random.tensor(shape: [c.m * c.ldc], scale: 1).scalars
        let bias = c.bias ? random.tensor(shape: [c.m], scale: 1).scalars : nil
        var fast = c0, naive = c0
        gemm(transposeA: c.transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, alpha: c.alpha,
             a: a, lda: c.lda, b: b, ldb: c.ldb, beta: c.beta, c: &fast, ldc: c.ldc,
             rowBias: bias, activation: c.activation)
        gemmNaive(transposeA: c.transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, alpha: c.alpha,
                  a: a, lda: c.lda, b: b, ldb: c.ldb, beta: c.beta, c: &naive, ldc: c.ldc,
                  rowBias: bias, activation: c.activation)
        // Padding columns between n and ldc must be untouched.
        for i in 0..<c.m {
            for j in c.n..<c.ldc where fast[i * c.ldc + j] != c0[i * c.ldc + j] {
                XCTFail("column \(j) of row \(i) beyond n was written: \(c)", file: file, line: line)
                return .infinity
            }
        }
        let atol = Float(c.k) * 2e-7 * max(1, abs(c.alpha)) + 1e-6
        assertClose(fast, naive, atol: atol, rtol: 1e-5, shape: [c.m, c.ldc], "\(c)", file: file, line: line)
        return zip(fast, naive).map { abs($0 - $1) }.max() ?? 0
    }

    func testMatchesNaiveOnRandomGeometries() {
        var random = SeededRandom(seed: 2024)
        var worst: Float = 0
        let count = 220
        for index in 0..<count {
            let c = randomCase(&random)
            worst = max(worst, check(c, seed: UInt64(1000 + index)))
        }
        print("GEMM vs naive: \(count) geometries, max |difference| \(worst)")
    }

    func testTileAndBlockBoundaries() {
        // Sizes around the 6×16 tile, the 144-row block, the 256-deep k-slice (several slices,
        // so bias and ReLU must wait for the last one) and an uneven column split.
        let sizes: [(Int, Int, Int)] = [(1, 1, 1), (6, 16, 1), (7, 17, 257), (5, 15, 513), (145, 33, 300),
                                        (12, 32, 256), (13, 1, 600), (1, 40, 777), (150, 200, 40)]
        for (index, (m, n, k)) in sizes.enumerated() {
            var c = Case()
            c.m = m; c.n = n; c.k = k; c.lda = k; c.ldb = n; c.ldc = n
            c.bias = true; c.activation = .relu; c.beta = 0.5
            _ = check(c, seed: UInt64(50 + index))
        }
    }

    func testColumnBlocksAndRowBands() {
        // Deep products: B is packed in several column blocks (n beyond the packed-B budget for
        // this k) and A in several row bands (m beyond the packed-A budget).
        let k = 2000
        let columnBlock = GEMMBlocking.packedBLimit / k / 16 * 16
        let bandRows = GEMMBlocking.packedALimit / (6 * k) / 24 * 24 * 6
        for (index, (m, n)) in [(8, columnBlock + 37), (bandRows + 13, 20)].enumerated() {
            var c = Case()
            c.m = m; c.n = n; c.k = k; c.lda = k; c.ldb = n; c.ldc = n
            c.bias = true; c.activation = .relu; c.beta = 1
            _ = check(c, seed: UInt64(80 + index))
        }
    }

    func testBetaZeroIgnoresNaNInC() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [1, 0, 0, 1]
        var c = [Float](repeating: .nan, count: 4)
        gemm(m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2, beta: 0, c: &c, ldc: 2)
        XCTAssertEqual(c, a)
    }

    func testZeroDepthScalesCAndAppliesEpilogue() {
        // k = 0: C = act(beta·C + bias), the same as the naive twin.
        let cInit: [Float] = [1, -2, 3, -4, 5, -6]
        var fast = cInit, naive = cInit
        gemm(m: 2, n: 3, k: 0, a: [], lda: 1, b: [], ldb: 3, beta: 2, c: &fast, ldc: 3,
             rowBias: [0.5, -0.5], activation: .relu)
        gemmNaive(m: 2, n: 3, k: 0, a: [], lda: 1, b: [], ldb: 3, beta: 2, c: &naive, ldc: 3,
                  rowBias: [0.5, -0.5], activation: .relu)
        XCTAssertEqual(fast, naive)
        XCTAssertEqual(fast, [2.5, 0, 6.5, 0, 9.5, 0])
    }
}
