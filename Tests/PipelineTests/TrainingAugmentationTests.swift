// TrainingAugmentation against the reference's imutils transforms (training_augmentation.py):
// the same draws give the same normalised CHW crops (whole tensors) and the same label crops
// (exact), for the CAM recipe (resize long, flip, random crop), the IRN recipe (rescale with a
// label map, with and without flip) and the --no-augment top-left crop with padding. Also:
// seeded draws stay in the reference's ranges and repeat with the seed.
import XCTest
import Codecs
import Tensors
import Pipeline
import TestSupport

final class TrainingAugmentationTests: XCTestCase {
    private func inputs() throws -> (image: Image, label: Image) {
        let image = try ImageFiles.decode(Fixtures.bytes("make_cam/chelsea_45x58.png")).rgb()
        let array = try Fixtures.array("training_augmentation/label.npy")
        let label = Image(width: array.shape[1], height: array.shape[0], channels: 1, pixels: array.uint8s())
        return (image, label)
    }

    private func check(_ sample: TrainingSample, _ name: String, label: Bool,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try Fixtures.tensor("training_augmentation/\(name)_image.npy")
        // Both sides compute (v/255 − mean)/std in Double and round once: equal up to 1 ulp.
        assertClose(sample.image, expected, atol: 1e-6, rtol: 1e-6, name, file: file, line: line)
        if label {
            let expectedLabel = try Fixtures.array("training_augmentation/\(name)_label.npy")
            XCTAssertEqual(sample.label.map { [$0.height, $0.width] }, expectedLabel.shape, file: file, line: line)
            XCTAssertEqual(sample.label?.pixels, expectedLabel.uint8s(), "\(name) label", file: file, line: line)
        }
    }

    func testCAMRecipeMatchesReference() throws {
        let (image, _) = try inputs()
        let augmentation = TrainingAugmentation.cam(cropSize: 56, resizeLong: 40...80)
        let sample = augmentation.apply(image: image, draws: AugmentationDraws(longSide: 70, flip: true,
                                                                                 cropLeft: 9, cropTop: 1))
        try check(sample, "cam", label: false)
    }

    func testIRNRecipeMatchesReference() throws {
        let (image, label) = try inputs()
        let augmentation = TrainingAugmentation.irn(cropSize: 32)
        let scale = 0.5 + 0.23 * (1.5 - 0.5)
        let sample = augmentation.apply(image: image, label: label,
                                        draws: AugmentationDraws(scale: scale, flip: false, cropLeft: 7, cropTop: 1))
        try check(sample, "irn", label: true)
        let flipped = TrainingAugmentation.irn(cropSize: 48).apply(
            image: image, label: label,
            draws: AugmentationDraws(scale: 0.5 + 0.71 * (1.5 - 0.5), flip: true, cropLeft: 13, cropTop: 5))
        try check(flipped, "irn_flip", label: true)
    }

    func testNoAugmentIsTopLeftCrop() throws {
        let (image, label) = try inputs()
        var random = SeededRandom(seed: 3)
        let sample = TrainingAugmentation.none(cropSize: 64).apply(image: image, label: label, random: &random)
        try check(sample, "none", label: true)
        // It draws nothing.
        var untouched = SeededRandom(seed: 3)
        XCTAssertEqual(random.next(), untouched.next())
    }

    func testSeededDrawsStayInRangeAndRepeat() throws {
        let augmentation = TrainingAugmentation.cam(cropSize: 512)
        var random = SeededRandom(seed: 5)
        var longSides = Set<Int>(), flips = Set<Bool>()
        for _ in 0..<400 {
            let draws = augmentation.draw(height: 375, width: 500, random: &random)
            let long = try XCTUnwrap(draws.longSide)
            XCTAssert((320...640).contains(long))
            longSides.insert(long)
            flips.insert(draws.flip)
            // Long side `long` on the width: the crop ranges of imutils.get_random_crop_box.
            let height = Int((375.0 * Double(long) / 500).rounded(.toNearestOrEven))
            XCTAssert((0...abs(long - 512)).contains(draws.cropLeft), "\(draws)")
            XCTAssert((0...abs(height - 512)).contains(draws.cropTop), "\(draws)")
        }
        XCTAssertEqual(flips, [true, false])
        XCTAssertGreaterThan(longSides.count, 200)
        var first = SeededRandom(seed: 9), second = SeededRandom(seed: 9)
        let image = try inputs().image
        let a = TrainingAugmentation.cam(cropSize: 40, resizeLong: 30...90).apply(image: image, random: &first)
        let b = TrainingAugmentation.cam(cropSize: 40, resizeLong: 30...90).apply(image: image, random: &second)
        XCTAssertEqual(a.image, b.image)
        XCTAssertEqual(a.image.shape, [3, 40, 40])
    }

    func testUniformIntegersAreUnbiasedAcrossSmallRanges() {
        var random = SeededRandom(seed: 1)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 { counts[random.nextInt(in: 0...2)] += 1 }
        // Each count is Binomial(30000, 1/3): mean 10000, sd ≈ 82; ±500 is beyond 6 sd.
        for count in counts { XCTAssert(abs(count - 10_000) < 500, "\(counts)") }
    }
}
