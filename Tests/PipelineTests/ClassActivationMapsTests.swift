// Multi-scale CAMs against the reference's make_cam step (Fixtures/Generators/make_cam.py):
// a 45×58 crop of a real photograph, scales 1, 0.5, 1.5, 2, classes cat and dog, the CAM
// network at width 0.25 with seeded weights (the same rule in Swift and Python). Both the
// stride-4 maps and high_res must agree within 1e-4 of each map's peak (which is ~1).
import XCTest
import Codecs
import Networks
@testable import Pipeline
import Tensors
import TestSupport

/// Seeded width-0.25 networks of the make_cam goldens (WEIGHT_SEED 2019 in networks.py).
enum MakeCAMGoldens {
    static let configuration = ResNet50.Configuration(widthMultiplier: 0.25)
    static let camParameters = SeededWeights.parameters(
        for: CAMNetwork.parameterLayout(configuration: configuration), seed: 2019)
    static let irnParameters = SeededWeights.parameters(
        for: IRNetwork.parameterLayout(configuration: configuration), seed: 2019)

    static func photo() throws -> Image {
        try ImageFiles.load(Fixtures.url("make_cam/chelsea_45x58.png").path)
    }

    /// Largest |actual − expected| over the largest |expected|, and a whole-tensor check.
    static func assertMatches(_ actual: Tensor, _ expected: Tensor, _ name: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, expected.shape, name, file: file, line: line)
        guard actual.shape == expected.shape else { return }
        let error = maxErrorRelativeToPeak(actual.scalars, expected.scalars)
        print("\(name): max error relative to peak \(error)")
        let peak = expected.scalars.map(abs).max() ?? 0
        assertClose(actual, expected, atol: 1e-4 * peak, rtol: 0, name, file: file, line: line)
    }
}

final class ClassActivationMapsTests: XCTestCase {
    func testMatchesReferenceMakeCAM() throws {
        let network = try CAMNetwork(parameters: MakeCAMGoldens.camParameters,
                                     configuration: MakeCAMGoldens.configuration)
        let photo = try MakeCAMGoldens.photo()
        var seen: [Double] = []
        let result = classActivationMaps(of: photo, network: network, keys: [7, 11],
                                         scales: [1.0, 0.5, 1.5, 2.0]) { _, scale in seen.append(scale) }
        XCTAssertEqual(seen, [1.0, 0.5, 1.5, 2.0])
        XCTAssertEqual(result.keys, try Fixtures.array("make_cam/cam_keys.npy").int64s().map { Int($0) })
        XCTAssertEqual([result.height, result.width], [45, 58])
        MakeCAMGoldens.assertMatches(result.cam, try Fixtures.tensor("make_cam/cam_cam.npy"), "cam")
        let highRes = try XCTUnwrap(result.highRes)
        MakeCAMGoldens.assertMatches(highRes, try Fixtures.tensor("make_cam/cam_high_res.npy"), "high_res")
    }

    func testStridedLengthIsTheReferenceRule() {
        // get_strided_size: (side − 1) // 4 + 1.
        XCTAssertEqual([1, 4, 5, 8, 9, 45, 58, 375, 500].map { stridedLength($0) }, [1, 1, 2, 2, 3, 12, 15, 94, 125])
    }

    func testStridedUpLengthIsTheReferenceRule() {
        // get_strided_up_size(size, 16): ((side − 1) // 16 + 1) * 16.
        XCTAssertEqual([1, 16, 17, 45, 58, 375, 500].map { stridedUpLength($0) }, [16, 16, 32, 48, 64, 384, 512])
    }

    func testNormalisationDividesByMaximumPlusEpsilon() {
        let maps = Tensor(shape: [2, 1, 3], scalars: [0, 2, 4, 0, 0, 0])
        let result = normalizedByMaximum(maps)
        let divisor = Float(4) + Float(1e-5)
        XCTAssertEqual(result.scalars, [0, 2 / divisor, 4 / divisor, 0, 0, 0])
    }
}
