// Timing of PAMR on the full-size inputs of Benchmarks/pamr_reference.py (a 375×500 photograph,
// 21 stride-4 masks, 10 iterations, default dilations), which also writes the reference
// PyTorch output; the result is compared with it as a whole tensor. Runs only when
// PAMR_BENCH_DIR names the folder that script wrote (it sets it when it runs this test in a
// release build); otherwise it is skipped with a message.
import Foundation
import XCTest
import Tensors
import Codecs
import TestSupport
import Propagation

final class PAMRBenchmarkTests: XCTestCase {
    func testTimingAgainstReferenceOutput() throws {
        guard let folder = ProcessInfo.processInfo.environment["PAMR_BENCH_DIR"] else {
            throw XCTSkip("PAMR_BENCH_DIR is not set: run Benchmarks/pamr_reference.py")
        }
        func load(_ name: String) throws -> Tensor {
            let array = try NPY.decode(Fixtures.bytes(at: URL(fileURLWithPath: folder)
                .appendingPathComponent(name + ".npy")))
            return Tensor(shape: array.shape, scalars: array.floats())
        }
        let image = try load("image"), mask = try load("mask"), expected = try load("expected")
        let pamr = PAMR()

        /// Wall-clock and process CPU milliseconds of `body` (CPU time counts every thread, and
        /// is less disturbed than wall time when other work shares the machine).
        func milliseconds(_ body: () -> Void) -> (wall: Double, cpu: Double) {
            func cpuNow() -> Double {
                var time = timespec()
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
                return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
            }
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = cpuNow()
            body()
            return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6, cpuNow() - cpuStart)
        }
        var refined = pamr.refine(image: image, mask: mask)  // warm-up
        var totals: [(wall: Double, cpu: Double)] = [], weights: [(wall: Double, cpu: Double)] = []
        for _ in 0 ..< 5 {
            totals.append(milliseconds { refined = pamr.refine(image: image, mask: mask) })
            weights.append(milliseconds { _ = pamr.affinities(image: image) })
        }
        func median(_ values: [(wall: Double, cpu: Double)]) -> String {
            let wall = values.map(\.wall).sorted()[values.count / 2]
            let cpu = values.map(\.cpu).sorted()[values.count / 2]
            return String(format: "%.1f ms wall, %.1f ms CPU", wall, cpu)
        }
        print("PAMR bench (Swift): image \(image.shape), mask \(mask.shape): refine median "
              + "\(median(totals)) (wall runs \(totals.map { String(format: "%.1f", $0.wall) })); "
              + "affinities alone median \(median(weights))")
        var worst: Float = 0
        for (a, e) in zip(refined.scalars, expected.scalars) { worst = max(worst, abs(a - e)) }
        print("PAMR bench (Swift): max |diff| to the reference output \(worst)")
        assertClose(refined, expected, atol: 1e-5, rtol: 1e-4, "375×500, K = 21")
    }
}
