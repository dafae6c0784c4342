// Golden tests of the dense CRF against pydensecrf (Fixtures/Generators/densecrf.py): whole
// probability maps Q [K, H, W] and their argmax on photo crops, with IRNet's relation-mining
// preset and with other parameter sets, plus the unary energies of pydensecrf.utils.
import XCTest
import Codecs
import Tensors
import TestSupport
import Propagation

final class DenseCRFGoldenTests: XCTestCase {
    /// Loads a case's image as interleaved RGB bytes with its size.
    private func image(_ name: String) throws -> (rgb: [UInt8], width: Int, height: Int) {
        let array = try Fixtures.array("densecrf/\(name)_image.npy")
        XCTAssertEqual(array.dtype, .uint8)
        XCTAssertEqual(array.shape.count, 3)
        return (array.data, array.shape[1], array.shape[0])
    }

    private func labels(_ relativePath: String) throws -> [Int] {
        let array = try Fixtures.array(relativePath)
        XCTAssertEqual(array.dtype, .uint8)
        return array.data.map(Int.init)
    }

    /// Compares Q and its argmax with the reference; returns (label agreement, max |ΔQ|).
    @discardableResult
    private func compare(_ crf: DenseCRF, iterations: Int, case name: String,
                         file: StaticString = #filePath, line: UInt = #line) throws -> (Double, Float) {
        let expected = try Fixtures.tensor("densecrf/\(name)_probabilities.npy")
        let expectedMap = try labels("densecrf/\(name)_map.npy")
        let q = crf.infer(iterations: iterations)
        let map = DenseCRF.labels(fromProbabilities: q)
        let agreeing = zip(map, expectedMap).filter { $0 == $1 }.count
        let agreement = Double(agreeing) / Double(map.count)
        let worst = zip(q.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
        print("\(name): labels agree on \(agreeing)/\(map.count) pixels (\(agreement * 100)%), max |ΔQ| \(worst)")
        XCTAssertGreaterThanOrEqual(agreement, 0.98, "\(name) label agreement", file: file, line: line)
        assertClose(q, expected, atol: 1e-5, rtol: 0, "\(name) probabilities", file: file, line: line)
        return (agreement, worst)
    }

    func testRelationMiningPresetOnColourClusters() throws {
        let (rgb, width, height) = try image("chelsea_irn")
        let input = try labels("densecrf/chelsea_irn_labels.npy")
        let crf = DenseCRF(labels: input, labelCount: 3, rgb: rgb, width: width, height: height,
                           parameters: .relationMining)
        try compare(crf, iterations: 10, case: "chelsea_irn")
    }

    func testRelationMiningPresetOnCAMLabelsWithOddPixelCount() throws {
        let (rgb, width, height) = try image("coffee_irn")
        XCTAssertNotEqual((width * height) % 4, 0, "this case exercises the origin vertices")
        let input = try labels("densecrf/coffee_irn_labels.npy")
        let crf = DenseCRF(labels: input, labelCount: 4, rgb: rgb, width: width, height: height,
                           parameters: .relationMining)
        try compare(crf, iterations: 10, case: "coffee_irn")
    }

    func testRelationMiningPresetWithTwoLabels() throws {
        // One foreground class: densecrf filters two-channel values on its scalar path.
        let (rgb, width, height) = try image("camera_two")
        let input = try labels("densecrf/camera_two_labels.npy")
        let crf = DenseCRF(labels: input, labelCount: 2, rgb: rgb, width: width, height: height,
                           parameters: .relationMining)
        try compare(crf, iterations: 10, case: "camera_two")
    }

    func testGeneralParametersWithUnsureLabel() throws {
        let (rgb, width, height) = try image("astronaut_general")
        let input = try labels("densecrf/astronaut_general_labels.npy")
        XCTAssertTrue(input.contains(0), "the case needs unsure pixels")
        let parameters = DenseCRFParameters(gaussianSXY: 5, gaussianCompat: 4, bilateralSXY: 30, bilateralSRGB: 13,
                                            bilateralCompat: 6, iterations: 5, gtProbability: 0.6, zeroUnsure: true)
        let crf = DenseCRF(labels: input, labelCount: 3, rgb: rgb, width: width, height: height,
                           parameters: parameters)
        try compare(crf, iterations: parameters.iterations, case: "astronaut_general")
    }

    func testProbabilityUnaryWithAnisotropicGaussian() throws {
        let (rgb, width, height) = try image("rocket_softmax")
        let softmax = try Fixtures.tensor("densecrf/rocket_softmax_softmax.npy")
        var crf = DenseCRF(width: width, height: height, labelCount: 5)
        crf.setUnary(fromProbabilities: softmax)
        crf.addGaussian(sx: 2, sy: 4, compat: 2)
        crf.addBilateral(sxy: 20, srgb: 9, rgb: rgb, compat: 5)
        try compare(crf, iterations: 8, case: "rocket_softmax")
    }

    func testBilateralFromTensorEqualsBilateralFromBytes() throws {
        let (rgb, width, height) = try image("rocket_softmax")
        let n = width * height
        var planes = [Float](repeating: 0, count: 3 * n)
        for i in 0 ..< n { for c in 0 ..< 3 { planes[c * n + i] = Float(rgb[3 * i + c]) } }
        var a = DenseCRF(width: width, height: height, labelCount: 2)
        var b = a
        a.addBilateral(sxy: 20, srgb: 9, rgb: rgb, compat: 5)
        b.addBilateral(sxy: 20, srgb: 9, image: Tensor(shape: [3, height, width], scalars: planes), compat: 5)
        XCTAssertEqual(a.kernels[0].features, b.kernels[0].features)
    }

    func testUnaryFromLabels() throws {
        let values = try labels("densecrf/unary_labels.npy")
        var crf = DenseCRF(width: 7, height: 6, labelCount: 4)
        crf.setUnary(fromLabels: values.map { min($0, 3) }, gtProbability: 0.7, zeroUnsure: false)
        assertClose(crf.unary, try Fixtures.tensor("densecrf/unary_labels_plain.npy").scalars, atol: 0, rtol: 0)
        crf.setUnary(fromLabels: values, gtProbability: 0.6, zeroUnsure: true)
        assertClose(crf.unary, try Fixtures.tensor("densecrf/unary_labels_unsure.npy").scalars, atol: 0, rtol: 0)
    }

    func testUnaryFromProbabilities() throws {
        let probabilities = try Fixtures.tensor("densecrf/unary_softmax_input.npy")
        XCTAssertEqual(probabilities.shape, [4, 6, 7])
        var crf = DenseCRF(width: 7, height: 6, labelCount: 4)
        crf.setUnary(fromProbabilities: probabilities)
        assertClose(crf.unary, try Fixtures.tensor("densecrf/unary_softmax_plain.npy").scalars, atol: 0, rtol: 2e-7)
        crf.setUnary(fromProbabilities: probabilities, scale: 0.8)
        assertClose(crf.unary, try Fixtures.tensor("densecrf/unary_softmax_scaled.npy").scalars, atol: 0, rtol: 2e-7)
    }
}
