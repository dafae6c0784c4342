// Relation mining against the reference label step (Fixtures/Generators/relation_mining.py):
// three photo crops with synthetic CAMs; the two CRF-refined maps and the combined ir_label must
// agree with the reference's on at least 98% of the pixels (pydensecrf's lattice and ours sum in
// different orders, so near-ties may flip), and the small helpers must match it exactly.
import XCTest
import Codecs
import Pipeline
import Propagation
import Tensors
import TestSupport

final class RelationMiningTests: XCTestCase {
    static let cases = ["chelsea", "coffee", "astronaut"]

    private func image(_ name: String) throws -> Image {
        let array = try Fixtures.array("relation_mining/\(name)_image.npy")
        XCTAssertEqual(array.dtype, .uint8)
        return Image(width: array.shape[1], height: array.shape[0], channels: 3, pixels: array.uint8s())
    }

    private func agreement(_ a: [UInt8], _ b: [UInt8]) -> (count: Int, fraction: Double) {
        let count = zip(a, b).filter { $0 == $1 }.count
        return (count, Double(count) / Double(max(b.count, 1)))
    }

    func testLabelsAgreeWithReference() throws {
        for name in Self.cases {
            let photo = try image(name)
            let (keys, highRes) = try MaskFiles.loadCAM(Fixtures.url("relation_mining/\(name)_cam.npz").path)
            let mining = RelationMining()
            let (fg, bg) = mining.confidentMaps(image: photo, highRes: highRes, keys: keys)
            let labels = RelationMining.combine(foreground: fg, background: bg)
            for (label, ours) in [("fg", fg), ("bg", bg), ("ir_label", labels)] {
                let reference = try Fixtures.array("relation_mining/\(name)_\(label).npy").uint8s()
                XCTAssertEqual(ours.count, reference.count)
                let (count, fraction) = agreement(ours, reference)
                print("relation mining \(name) \(label): \(count)/\(reference.count) pixels agree (\(fraction * 100)%)")
                XCTAssertGreaterThanOrEqual(fraction, 0.98, "\(name) \(label)")
            }
        }
    }

    func testArgmaxWithConstantBackgroundBreaksTiesLikeNumPy() {
        // Scores equal to the background lose to it; equal channels go to the lower one.
        // Expected values: NumPy's argmax of np.pad(cam, ((1, 0), (0, 0), (0, 0)), constant t).
        let cam = Tensor(shape: [2, 1, 4], scalars: [0.3, 0.5, 0.1, 0.7, 0.2, 0.5, 0.3, 0.9])
        XCTAssertEqual(RelationMining.argmaxWithBackground(cam, background: 0.3), [0, 1, 0, 2])
        XCTAssertEqual(RelationMining.argmaxWithBackground(cam, background: 0.95), [0, 0, 0, 0])
    }

    func testCombineRule() {
        // fg class wins; both background → 0; only bg-confident sees a class → 255 (the
        // reference's three assignments give [3, 0, 255, 5] on these maps).
        XCTAssertEqual(RelationMining.combine(foreground: [3, 0, 0, 5], background: [3, 0, 7, 0]), [3, 0, 255, 5])
    }

    func testNoClassesGivesBackgroundEverywhere() throws {
        let photo = try image("chelsea")
        let empty = Tensor(shape: [0, photo.height, photo.width], scalars: [])
        XCTAssertEqual(RelationMining().labels(image: photo, highRes: empty, keys: []),
                       [UInt8](repeating: 0, count: photo.width * photo.height))
    }
}
