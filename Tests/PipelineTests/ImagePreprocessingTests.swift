// CAM input preprocessing against the reference's computation (Fixtures/Generators/
// pillow_resize.py): the rescaled size rule (np.round, ties to even), the ImageNet
// normalisation done in float64 and stored float32, channel-major, stacked with the flip.
import XCTest
import Codecs
import Pipeline
import Tensors
import TestSupport

final class ImagePreprocessingTests: XCTestCase {
    func testRescaledSizesFollowNumPyRounding() throws {
        let table = try Fixtures.array("pillow_resize/rescaled_sizes.npy")
        XCTAssertEqual(table.shape[1], 5)
        let values = table.doubles()
        for row in 0..<table.shape[0] {
            let r = Array(values[(row * 5)..<(row * 5 + 5)])
            let size = rescaledSize(height: Int(r[0]), width: Int(r[1]), scale: r[2])
            XCTAssertEqual([size.height, size.width], [Int(r[3]), Int(r[4])],
                           "\(Int(r[0]))x\(Int(r[1])) at scale \(r[2])")
        }
        // 375 · 1.5 = 562.5 goes to the even neighbour, as np.round does.
        XCTAssertEqual(rescaledSize(height: 375, width: 500, scale: 1.5).height, 562)
    }

    func testCAMInputEqualsTheReferenceTensor() throws {
        let crop = try Fixtures.array("pillow_resize/photo_crop.npy")
        let image = Image(width: crop.shape[1], height: crop.shape[0], channels: 3, pixels: crop.uint8s())
        let expected = try Fixtures.tensor("pillow_resize/photo_cam_input_scale050.npy")
        XCTAssertEqual(expected.shape, [2, 3, 24, 32])
        let batch = preprocessForCAM(image, scale: 0.5)
        assertClose(batch, expected, atol: 0, rtol: 0, "CAM input at scale 0.5")
        let single = normalizeImageNet(rescaleLikeReference(image, scale: 0.5))
        XCTAssertEqual(single.shape, [1, 3, 24, 32])
        assertClose(single.scalars, Array(expected.scalars.prefix(3 * 24 * 32)), atol: 0, rtol: 0)
        let pair = imageAndFlip(rescaleLikeReference(image, scale: 0.5))
        XCTAssertEqual(pair, batch)
    }

    func testFlipMirrorsEachRow() {
        let image = Image(width: 3, height: 2, channels: 3, pixels: (0..<18).map { UInt8($0 * 13) })
        let pair = imageAndFlip(image)
        XCTAssertEqual(pair.shape, [2, 3, 2, 3])
        for c in 0..<3 {
            for y in 0..<2 {
                for x in 0..<3 {
                    XCTAssertEqual(pair[1, c, y, x], pair[0, c, y, 2 - x])
                    let v = Double(image[x, y, c])
                    let want = Float((v / 255 - imageNetMean[c]) / imageNetStandardDeviation[c])
                    XCTAssertEqual(pair[0, c, y, x], want)
                }
            }
        }
    }
}
