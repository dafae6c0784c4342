// Centroid clustering against the reference's cluster_centroids (compress_range + to_one_hot)
// run by NumPy and scikit-image (Fixtures/instances/clusters): the one-hot instance masks and
// their number must be equal exactly, fed with the reference's own rounded centroids and, end
// to end, with ours. Cases are the refinement cases (Fixtures/instances/refinement).
import XCTest
import Instances
import Tensors
import TestSupport

final class CentroidClusteringTests: XCTestCase {
    func testInstanceMapsEqualReference() throws {
        for item in RefinementCase.all {
            let field = try item.field()
            let height = field.shape[1], width = field.shape[2]
            let (expected, shape) = try goldenBools("clusters/\(item.name)_onehot.npy")
            let (reference, _) = try goldenInt32s("refinement/\(item.name)_centroids.npy")
            let count = height * width
            let referenceCentroids = Centroids(height: height, width: width, rows: Array(reference[..<count]),
                                               columns: Array(reference[count...]))
            let fromReference = clusterCentroids(referenceCentroids, displacement: field)
            XCTAssertEqual([fromReference.count, height, width], shape, item.name)
            XCTAssertTrue(fromReference.oneHot() == expected, "\(item.name): \(firstDifference(fromReference.oneHot(), expected))")

            let ours = clusterCentroids(findCentroids(displacement: field, steps: item.steps), displacement: field)
            XCTAssertEqual(ours, fromReference, item.name)
            for instance in 0 ..< ours.count {
                XCTAssertEqual(ours.mask(of: instance), Array(expected[instance * count ..< (instance + 1) * count]))
            }
        }
    }

    func testStrayPixelsFormInstanceZero() throws {
        // In the hand-made field the background lands outside every cluster: those pixels are
        // instance 0 of the reference's map, and every other instance lands in a weak cluster.
        let field = try goldenTensor("refinement/handmade_dp.npy")
        let (expected, shape) = try goldenBools("clusters/handmade_onehot.npy")
        let centroids = findCentroids(displacement: field)
        let map = clusterCentroids(centroids, displacement: field)
        XCTAssertEqual(map.count, shape[0])
        XCTAssertTrue(map.oneHot() == expected)
        let weak = weakDisplacementMask(field)
        for p in map.indices.indices {
            XCTAssertEqual(weak[centroids.landingIndex(of: p)], map.indices[p] != 0, "pixel \(p)")
        }
    }
}
