// The networks at width multiplier 0.25 (stem 16, planes 16/32/64/128) against the reference
// modules built with the same narrowed channels (networks.py, reduced_width_cases). Cheap
// enough to cover every output: x1…x5, logits and CAMs of a flipped pair and of two
// independent images, IRNet's raw branches, EdgeDisplacement within and beyond the crop size.
// Tolerance: max |error| at most 1e-4 of each reference tensor's largest |value|.
import XCTest
import Tensors
import Networks
import TestSupport

final class ReducedWidthGoldenTests: XCTestCase {
    func testBackboneFeatures() throws {
        let features = NetworkGoldens.quarterCAM.backbone.features(NetworkGoldens.image(seed: 12, height: 50, width: 66))
        let levels = [features.x1, features.x2, features.x3, features.x4, features.x5]
        XCTAssertEqual(levels.map { $0.shape[1] }, NetworkGoldens.quarterWidth.featureChannels)
        for (index, level) in levels.enumerated() {
            assertMatchesReference(level, try NetworkGoldens.expected("quarter_features_x\(index + 1)"),
                                   "quarter x\(index + 1)")
        }
    }

    func testLogitsAndClassActivationMaps() throws {
        let network = NetworkGoldens.quarterCAM
        for (name, seed, height, width, flipped) in [("48x56", 21 as UInt64, 48, 56, true), ("34x42", 22, 34, 42, false)] {
            let pair = NetworkGoldens.pair(seed: seed, height: height, width: width, flipped: flipped)
            assertMatchesReference(network.logits(pair), try NetworkGoldens.expected("quarter_cam_\(name)_logits"),
                                   "quarter logits \(name)")
            assertMatchesReference(network.classActivationMaps(pair),
                                   try NetworkGoldens.expected("quarter_cam_\(name)_cams"), "quarter CAM \(name)")
        }
    }

    func testIRNetworkBranches() throws {
        let output = NetworkGoldens.quarterIRN(NetworkGoldens.pair(seed: 31, height: 40, width: 56, flipped: false))
        assertMatchesReference(output.boundaryLogits, try NetworkGoldens.expected("quarter_irn_40x56_edge"),
                               "quarter edge logits")
        assertMatchesReference(output.displacement, try NetworkGoldens.expected("quarter_irn_40x56_dp"),
                               "quarter displacement")
    }

    /// The displacement of the first image alone equals, bit for bit, its field in the whole batch.
    func testDisplacementOfTheFirstImageOnly() {
        let pair = NetworkGoldens.pair(seed: 31, height: 40, width: 56, flipped: false)
        let both = NetworkGoldens.quarterIRN(pair)
        let first = NetworkGoldens.quarterIRN(pair, displacementImages: 1)
        XCTAssertEqual(first.boundaryLogits.scalars, both.boundaryLogits.scalars)
        XCTAssertEqual(first.displacement.shape, [1] + both.displacement.shape.dropFirst())
        XCTAssertEqual(first.displacement.scalars, Array(both.displacement.scalars.prefix(first.displacement.count)))
    }

    func testEdgeDisplacementWithinCropSize() throws {
        let inference = EdgeDisplacement(network: NetworkGoldens.quarterIRN, cropSize: 64)
        let (boundary, displacement) = inference(NetworkGoldens.pair(seed: 42, height: 50, width: 58))
        assertMatchesReference(boundary, try NetworkGoldens.expected("quarter_edisp_50x58_crop64_boundary"),
                               "quarter boundary")
        assertMatchesReference(displacement, try NetworkGoldens.expected("quarter_edisp_50x58_crop64_dp"),
                               "quarter displacement")
    }

    /// A 58-row image with crop size 48 is padded to 64 rows (next multiple of 16) and 48 columns;
    /// the reference Net run on the same padding gives the golden.
    func testEdgeDisplacementBeyondCropSize() throws {
        let inference = EdgeDisplacement(network: NetworkGoldens.quarterIRN, cropSize: 48)
        XCTAssertEqual(inference.paddedLength(58), 64)
        XCTAssertEqual(inference.paddedLength(30), 48)
        XCTAssertEqual(inference.paddedLength(48), 48)
        XCTAssertEqual(inference.paddedLength(49), 64)
        let (boundary, displacement) = inference(NetworkGoldens.pair(seed: 43, height: 58, width: 30))
        assertMatchesReference(boundary, try NetworkGoldens.expected("quarter_edisp_58x30_crop48_boundary"),
                               "quarter boundary beyond crop")
        assertMatchesReference(displacement, try NetworkGoldens.expected("quarter_edisp_58x30_crop48_dp"),
                               "quarter displacement beyond crop")
    }
}
