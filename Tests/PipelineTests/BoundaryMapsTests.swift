// Boundary maps against the reference's EdgeDisplacement on the same 45×58 photograph as the
// CAM goldens (Fixtures/Generators/make_cam.py): IRNet at width 0.25 with seeded weights,
// crop size 64 (a module parameter of the reference; 512 in its pipeline, used by the
// end-to-end check). Edge and displacement within 1e-4 of each array's peak.
import XCTest
import Networks
import Pipeline
import Tensors
import TestSupport

final class BoundaryMapsTests: XCTestCase {
    func testMatchesReferenceEdgeDisplacement() throws {
        let network = try IRNetwork(parameters: MakeCAMGoldens.irnParameters,
                                    configuration: MakeCAMGoldens.configuration)
        let result = boundaryMaps(of: try MakeCAMGoldens.photo(), network: EdgeDisplacement(network: network, cropSize: 64))
        MakeCAMGoldens.assertMatches(result.edge, try Fixtures.tensor("make_cam/boundary_edge.npy"), "edge")
        MakeCAMGoldens.assertMatches(result.displacement, try Fixtures.tensor("make_cam/boundary_dp.npy"), "dp")
    }
}
