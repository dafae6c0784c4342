// The full-width ResNet50 (25M seeded parameters), CAM network and IRNet against the reference
// PyTorch modules (Fixtures/Generators/networks.py, full_width_cases). Inputs are small so the
// debug build stays quick: one backbone pass of a 34×42 pair gives x1…x5, the training logits
// and the inference CAM; EdgeDisplacement pads a 34×42 pair to 48×48. Tolerance: max |error|
// at most 1e-4 of each reference tensor's largest |value|.
import XCTest
import Tensors
import Networks
import TestSupport

final class FullWidthGoldenTests: XCTestCase {
    func testBackboneFeaturesLogitsAndCAM() throws {
        let network = NetworkGoldens.fullCAM
        let pair = NetworkGoldens.pair(seed: 11, height: 34, width: 42, flipped: false)
        let features = network.backbone.features(pair)
        let levels = [features.x1, features.x2, features.x3, features.x4, features.x5]
        for (index, level) in levels.enumerated() {
            assertMatchesReference(firstImage(of: level), try NetworkGoldens.expected("full_features_x\(index + 1)"),
                                   "full x\(index + 1)")
        }
        assertMatchesReference(network.logits(features: features.x5),
                               try NetworkGoldens.expected("full_cam_34x42_logits"), "full logits")
        assertMatchesReference(network.classActivationMaps(features: features.x5),
                               try NetworkGoldens.expected("full_cam_34x42_cams"), "full CAM")
    }

    func testEdgeDisplacement() throws {
        let inference = EdgeDisplacement(network: NetworkGoldens.fullIRN, cropSize: 48)
        let (boundary, displacement) = inference(NetworkGoldens.pair(seed: 41, height: 34, width: 42))
        assertMatchesReference(boundary, try NetworkGoldens.expected("full_edisp_34x42_crop48_boundary"),
                               "full boundary")
        assertMatchesReference(displacement, try NetworkGoldens.expected("full_edisp_34x42_crop48_dp"),
                               "full displacement")
    }
}

/// The first image of a batch, as a batch of one.
func firstImage(of batch: Tensor) -> Tensor {
    let size = batch.count / batch.shape[0]
    return Tensor(shape: [1] + batch.shape.dropFirst(), scalars: Array(batch.scalars[0 ..< size]))
}
