// Instance CAMs against the reference's separte_score_by_mask (PyTorch float32 broadcast
// multiply; Fixtures/instances/detection/handmade_instance_cams.npy), on the hand-made
// field's instance map and synthetic CAMs: equal exactly, shape [K, M, h, w].
import XCTest
import Instances
import Tensors
import TestSupport

final class InstanceScoresTests: XCTestCase {
    func testHandmadeInstanceCAMsEqualReference() throws {
        let field = try goldenTensor("refinement/handmade_dp.npy")
        let cams = try goldenTensor("detection/handmade_cams.npy")
        let expected = try goldenTensor("detection/handmade_instance_cams.npy")
        let instances = clusterCentroids(findCentroids(displacement: field), displacement: field)
        let result = separateScores(cams, by: instances)
        XCTAssertEqual(result.shape, expected.shape)
        assertClose(result, expected, atol: 0, rtol: 0, "instance CAMs")
        // Class-major flattening: channel c·M + m is CAM c inside instance m.
        let plane = field.shape[1] * field.shape[2]
        let flat = result.reshaped([result.shape[0] * result.shape[1], field.shape[1], field.shape[2]])
        let c = 1, m = 2, channel = c * instances.count + m
        let mask = instances.mask(of: m)
        for p in 0 ..< plane {
            XCTAssertEqual(flat.scalars[channel * plane + p], mask[p] ? cams.scalars[c * plane + p] : 0)
        }
    }
}
