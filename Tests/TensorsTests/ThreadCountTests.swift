// Results must not depend on Parallelism.threadCount: each output element is computed by one
// worker with a summation order fixed by the k-slicing alone, so GEMM and conv2d outputs are
// bit-identical for 1, 2, 3 and 5 threads.
import XCTest
@testable import Tensors

final class ThreadCountTests: XCTestCase {
    private func withThreads<T>(_ count: Int, _ body: () -> T) -> T {
        let saved = Parallelism.threadCount
        Parallelism.threadCount = count
        defer { Parallelism.threadCount = saved }
        return body()
    }

    func testGEMMIsBitIdenticalForAnyThreadCount() {
        // Large enough for the parallel path (m·n·k ≥ 2^21) and several k-slices; m = 131 is one
        // row block (tasks pack their own B), m = 307 several (B packed and shared).
        for (m, n, k) in [(131, 203, 517), (307, 150, 300)] {
            var random = SeededRandom(seed: 77)
            let a = random.tensor(shape: [m, k], scale: 1).scalars
            let b = random.tensor(shape: [n, k], scale: 1).scalars
            let bias = random.tensor(shape: [m], scale: 1).scalars
            func run() -> [Float] {
                var c = [Float](repeating: 0, count: m * n)
                gemm(transposeB: true, m: m, n: n, k: k, alpha: 0.75, a: a, lda: k, b: b, ldb: k,
                     c: &c, ldc: n, rowBias: bias, activation: .relu)
                return c
            }
            let reference = withThreads(1) { run() }
            for threads in [2, 3, 5] {
                let result = withThreads(threads) { run() }
                XCTAssertTrue(result.elementsEqual(reference) { $0.bitPattern == $1.bitPattern },
                              "GEMM \(m)×\(n)×\(k) with \(threads) threads differs from 1 thread")
            }
            XCTAssertGreaterThan(reference.filter { $0 > 0 }.count, m * n / 4)
        }
    }

    func testConvIsBitIdenticalForAnyThreadCount() {
        var random = SeededRandom(seed: 78)
        let input = random.tensor(shape: [2, 24, 30, 27], scale: 1)
        let weight = random.tensor(shape: [160, 24, 3, 3], scale: 0.2)
        let bias = random.tensor(shape: [160], scale: 0.1)
        func run() -> Tensor {
            conv2d(input, weight: weight, bias: bias, stride: (1, 1), padding: (1, 1), activation: .relu)
        }
        let reference = withThreads(1) { run() }
        for threads in [2, 3] {
            let result = withThreads(threads) { run() }
            XCTAssertTrue(result.scalars.elementsEqual(reference.scalars) { $0.bitPattern == $1.bitPattern },
                          "conv2d with \(threads) threads differs from 1 thread")
        }
    }
}
