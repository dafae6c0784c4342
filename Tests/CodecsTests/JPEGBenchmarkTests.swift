// JPEG decode throughput on the shared photographs (megapixels per second, best of N runs),
// for Docs/Benchmarks.md. Runs only with IRN_BENCH=1, in a release build:
//   IRN_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter JPEGBenchmarkTests
// Each timed decode is also checked against the libjpeg-turbo reference, so a fast wrong
// decoder cannot report a number.
import Foundation
import XCTest
import Codecs
import TestSupport

final class JPEGBenchmarkTests: XCTestCase {
    func testDecodeThroughput() throws {
        guard ProcessInfo.processInfo.environment["IRN_BENCH"] == "1" else {
            throw XCTSkip("set IRN_BENCH=1 (and build with -c release) to time the JPEG decoder")
        }
        guard let shared = Fixtures.sharedTestData?.appendingPathComponent("jpeg") else {
            throw XCTSkip("../shared/testdata/jpeg is absent")
        }
        let runs = Int(ProcessInfo.processInfo.environment["IRN_BENCH_RUNS"] ?? "") ?? 50
        var lines: [String] = []
        for photo in ["astronaut", "chelsea", "coffee"] {
            for variant in ["q95_420_base", "q95_420_prog", "q95_444_base", "q50_420_base"] {
                lines.append(try time("\(photo)_\(variant)", shared, runs))
            }
        }
        lines.append(try time("camera_gray_q90_base", shared, runs))
        print("JPEG decode, best of \(runs):\n" + lines.joined(separator: "\n"))
    }

    private func time(_ stem: String, _ root: URL, _ runs: Int) throws -> String {
        let bytes = try Fixtures.bytes(at: root.appendingPathComponent("\(stem).jpg"))
        let reference = try NPY.decode(Fixtures.bytes(at: root.appendingPathComponent("ref/\(stem).rgb.npy")))
        var best = Double.infinity
        var image = try JPEG.decode(bytes)
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            image = try JPEG.decode(bytes)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        XCTAssertEqual(image.rgb().pixels, reference.uint8s(), stem)
        let megapixels = Double(image.width * image.height) / 1e6
        return "\(stem).jpg\t\(image.width)x\(image.height)\t\(String(format: "%.2f", best)) ms\t"
            + String(format: "%.0f", megapixels / (best / 1000)) + " MP/s"
    }
}
