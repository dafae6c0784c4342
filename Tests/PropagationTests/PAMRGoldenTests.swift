// PAMR against the reference PyTorch module (visinf/1-stage-wseg, models/mods/pamr.py) on the
// goldens of Fixtures/Generators/pamr.py: a real photograph crop normalised the way the
// reference's training step feeds PAMR, with stride-4, odd-sized and full-size softmax masks
// (10 iterations, dilations 1, 2, 4, 8, 12, 24), and small seeded cases with 1, 2 and 3
// iterations, other dilation sets, four image channels, one-row images and images smaller
// than the largest dilation. Both the fast kernels and the naive twin are checked.
import XCTest
import Tensors
import TestSupport
import Propagation

final class PAMRGoldenTests: XCTestCase {
    /// Whole-tensor tolerance against PyTorch: |ours − ref| ≤ atol + rtol·|ref|.
    private let atol: Float = 1e-5, rtol: Float = 1e-4

    /// PHOTO_CASES of pamr.py: (case, mask shape).
    private let photoCases: [(String, [Int])] = [
        ("s4_k3", [1, 3, 16, 20]), ("odd_k4", [1, 4, 13, 17]), ("full_k2", [1, 2, 64, 80]),
    ]

    /// RANDOM_CASES of pamr.py: (case, image seed, image shape, mask seed, mask shape,
    /// iterations, dilations, name of the case whose weights file holds this image's weights).
    private let randomCases: [(String, UInt64, [Int], UInt64, [Int], Int, [Int], String)] = [
        ("small_iter1", 1201, [2, 3, 9, 11], 1202, [2, 3, 5, 6], 1, [1, 2, 4, 8, 12, 24], "small_iter1"),
        ("small_iter3", 1201, [2, 3, 9, 11], 1202, [2, 3, 5, 6], 3, [1, 2, 4, 8, 12, 24], "small_iter1"),
        ("tiny_iter3", 1203, [1, 3, 5, 4], 1204, [1, 2, 5, 4], 3, [1, 2, 4, 8, 12, 24], "tiny_iter3"),
        ("four_channels_d13", 1205, [1, 4, 7, 6], 1206, [1, 5, 3, 3], 2, [1, 3], "four_channels_d13"),
        ("row_d2", 1207, [1, 3, 1, 13], 1208, [1, 2, 1, 4], 3, [2, 1], "row_d2"),
    ]

    /// The crop as the reference's training step hands it to PAMR (pamr.py `pipeline_image`):
    /// x / 255, then (x − mean) / std, then x · std + mean, each step rounded to Float32 with
    /// the constants rounded from Double as PyTorch does.
    private func photoImage() throws -> Tensor {
        let crop = try Fixtures.array("pamr/photo_crop.npy")
        XCTAssertEqual(crop.shape, [64, 80, 3])
        let pixels = crop.uint8s()
        let mean: [Double] = [0.485, 0.456, 0.406], std: [Double] = [0.229, 0.224, 0.225]
        var image = Tensor(shape: [1, 3, 64, 80])
        for c in 0 ..< 3 {
            let m = Float(mean[c]), s = Float(std[c])
            for p in 0 ..< 64 * 80 {
                var value = Float(pixels[p * 3 + c]) / 255
                value = (value - m) / s
                value = value * s + m
                image.scalars[c * 64 * 80 + p] = value
            }
        }
        return image
    }

    func testPhotoImageMatchesReferencePipeline() throws {
        let expected = try Fixtures.tensor("pamr/photo_image.npy")
        assertClose(try photoImage(), expected, atol: 0, rtol: 0, "normalise + denorm chain")
    }

    func testPhotoCropMatchesPyTorch() throws {
        let image = try photoImage()
        let pamr = PAMR()
        for (name, shape) in photoCases {
            let mask = try Fixtures.tensor("pamr/photo_\(name)_mask.npy")
            XCTAssertEqual(mask.shape, shape)
            let expected = try Fixtures.tensor("pamr/photo_\(name)_out.npy")
            XCTAssertEqual(expected.shape, [1, shape[1], 64, 80])
            let fast = pamr.refine(image: image, mask: mask)
            report("photo \(name) fast", fast, expected)
            assertClose(fast, expected, atol: atol, rtol: rtol, "photo \(name) fast")
            if name == "s4_k3" {  // the naive twin is slow in debug builds: one case is enough
                let naive = pamr.refineNaive(image: image, mask: mask)
                report("photo \(name) naive", naive, expected)
                assertClose(naive, expected, atol: atol, rtol: rtol, "photo \(name) naive")
            }
        }
    }

    func testSeededCasesMatchPyTorch() throws {
        for (name, imageSeed, imageShape, maskSeed, maskShape, iterations, dilations, weightsName)
            in randomCases {
            let image = seeded(imageSeed, imageShape), mask = seeded(maskSeed, maskShape)
            let pamr = PAMR(iterations: iterations, dilations: dilations)
            let expected = try Fixtures.tensor("pamr/random_\(name)_out.npy")
            XCTAssertEqual(expected.shape, [maskShape[0], maskShape[1], imageShape[2], imageShape[3]])
            let fast = pamr.refine(image: image, mask: mask)
            report("\(name) fast", fast, expected)
            assertClose(fast, expected, atol: atol, rtol: rtol, "\(name) fast")
            assertClose(pamr.refineNaive(image: image, mask: mask), expected, atol: atol, rtol: rtol,
                        "\(name) naive")

            let weights = try Fixtures.tensor("pamr/random_\(weightsName)_weights.npy")
            XCTAssertEqual(weights.shape, [imageShape[0], 8 * dilations.count, imageShape[2], imageShape[3]])
            report("\(name) weights", pamr.affinities(image: image), weights)
            assertClose(pamr.affinities(image: image), weights, atol: 1e-6, rtol: 1e-5, "\(name) weights")
            assertClose(pamr.affinitiesNaive(image: image), weights, atol: 1e-6, rtol: 1e-5,
                        "\(name) naive weights")
        }
    }

    /// SeededRandom(seed).symmetric(shape, 1), the generator's inputs.
    private func seeded(_ seed: UInt64, _ shape: [Int]) -> Tensor {
        var random = SeededRandom(seed: seed)
        return random.tensor(shape: shape, scale: 1)
    }

    /// Prints the largest absolute and relative errors, so the observed precision is visible.
    private func report(_ label: String, _ actual: Tensor, _ expected: Tensor) {
        guard actual.shape == expected.shape else { return }
        var absolute: Float = 0, relative: Float = 0
        for (a, e) in zip(actual.scalars, expected.scalars) {
            absolute = max(absolute, abs(a - e))
            if abs(e) > 1e-3 { relative = max(relative, abs(a - e) / abs(e)) }
        }
        print("PAMR golden \(label): max |diff| \(absolute), max rel \(relative)")
    }
}
