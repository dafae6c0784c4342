// Release timing of the dense CRF on the input saved by Benchmarks/densecrf_reference.py
// (375×500, 21 labels, IRNet's relation-mining preset), beside pydensecrf's time printed by that
// script. Runs only when IRN_DENSECRF_BENCH names the saved folder; it also checks that the
// labels agree with pydensecrf's on that input.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest
import Codecs
import Tensors
import TestSupport
import Propagation

final class DenseCRFBenchmarkTests: XCTestCase {
    func testRelationMiningTiming() throws {
        guard let folder = ProcessInfo.processInfo.environment["IRN_DENSECRF_BENCH"] else {
            throw XCTSkip("set IRN_DENSECRF_BENCH (see Benchmarks/densecrf_reference.py)")
        }
        func load(_ name: String) throws -> NPYArray {
            try NPY.decode(Fixtures.bytes(at: URL(fileURLWithPath: folder).appendingPathComponent(name)))
        }
        let image = try load("image.npy"), labelArray = try load("labels.npy"), reference = try load("map.npy")
        let height = image.shape[0], width = image.shape[1], labelCount = 21
        let labels = labelArray.data.map(Int.init)
        /// CPU time of the whole process (all threads), in milliseconds.
        func processorTime() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) * 1000 }
        var times: [Double] = []
        var processor: [Double] = []
        var map: [Int] = []
        var vertices: [Int] = []
        for _ in 0 ..< 3 {
            let cpuStart = processorTime()
            let start = DispatchTime.now().uptimeNanoseconds
            let crf = DenseCRF(labels: labels, labelCount: labelCount, rgb: image.data, width: width,
                               height: height, parameters: .relationMining)
            let built = DispatchTime.now().uptimeNanoseconds
            map = crf.map(iterations: 10)
            let end = DispatchTime.now().uptimeNanoseconds
            times.append(Double(end - start) / 1e6)
            processor.append(processorTime() - cpuStart)
            vertices = crf.kernels.map { $0.lattice.vertexCount }
            print("DenseCRF build \((built - start) / 1_000_000) ms, inference \((end - built) / 1_000_000) ms")
        }
        let agreeing = zip(map, reference.data).filter { $0 == Int($1) }.count
        let all = times.map { String(Int($0.rounded())) }.joined(separator: ", ")
        let best = times.indices.min { times[$0] < times[$1] }!
        print("DenseCRF relation mining \(height)x\(width), \(labelCount) labels, 10 iterations: "
              + "best of 3 \(Int(times[best].rounded())) ms (CPU \(Int(processor[best].rounded())) ms; all: \(all) ms); "
              + "lattice vertices \(vertices); "
              + "labels agree with pydensecrf on \(agreeing)/\(map.count) pixels")
        XCTAssertGreaterThanOrEqual(Double(agreeing) / Double(map.count), 0.98)
    }
}
