// `irn refine`, `irn crf` and `irn mine-relations` end to end: files in, files out. Refine's
// probabilities equal the library's PAMR on the image / 255 and stay within PyTorch's golden;
// its PNG is their argmax. crf with the irn preset reproduces pydensecrf's labels on a photo
// crop; mine-relations writes the reference's ir_label PNG; bad inputs give the right exit code.
import XCTest
import Foundation
import Codecs
import Pipeline
import Propagation
import Tensors
import TestSupport
@testable import irn

final class RefinementCommandsTests: CommandTestCase {

    /// Writes an [H, W, 3] uint8 fixture as a PNG and returns the image.
    private func writePhoto(_ fixture: String, as name: String) throws -> Image {
        let array = try Fixtures.array(fixture)
        let image = Image(width: array.shape[1], height: array.shape[0], channels: 3, pixels: array.uint8s())
        try Data(PNG.encode(image)).write(to: folder.appendingPathComponent(name))
        return image
    }

    private func argmax(_ t: Tensor) -> [UInt8] {
        let k = t.shape[0], n = t.shape[1] * t.shape[2]
        return (0 ..< n).map { i in
            var best = 0
            for c in 1 ..< k where t.scalars[c * n + i] > t.scalars[best * n + i] { best = c }
            return UInt8(best)
        }
    }

    private func readRefined(_ stem: String) throws -> (prob: Tensor, classes: [Int64], png: PNGRaster) {
        let arrays = try NPZ.decode(Fixtures.bytes(at: folder.appendingPathComponent("out/refined/\(stem).npz")))
        let prob = arrays.first { $0.name == "prob" }!.array
        let classes = arrays.first { $0.name == "classes" }!.array.int64s()
        let png = try PNG.decodeRaster(Fixtures.bytes(at: folder.appendingPathComponent("out/refined/\(stem).png")))
        return (Tensor(shape: prob.shape, scalars: prob.floats()), classes, png)
    }

    func testRefineFloatMaskMatchesPAMR() throws {
        let image = try writePhoto("pamr/photo_crop.npy", as: "cat.png")
        let maskURL = Fixtures.url("pamr/photo_s4_k3_mask.npy")   // [1, 3, 16, 20]
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", maskURL.path, "--out", path("out")]).code, 0)
        let (prob, classes, png) = try readRefined("cat")
        let mask = try Fixtures.tensor("pamr/photo_s4_k3_mask.npy")
        let library = PAMR().refine(image: MaskRefinement.imageTensor(image), mask: mask)
        XCTAssertEqual(prob.scalars, library.scalars, "CLI output equals the library call exactly")
        XCTAssertEqual(prob.shape, [3, 64, 80])
        // PyTorch's golden saw the image through normalise + denormalise (≤ 3.2e-8 from c / 255).
        let golden = try Fixtures.tensor("pamr/photo_s4_k3_out.npy")
        assertClose(prob.reshaped([1, 3, 64, 80]), golden, atol: 1e-5, rtol: 1e-4, "refine vs PyTorch PAMR")
        XCTAssertEqual(classes, [0, 1, 2])
        XCTAssertEqual(png.header.colorType, .indexed)
        XCTAssertEqual(png.samples8, argmax(prob))
    }

    func testRefineCAMArchiveWithBackgroundMapsChannelsToClasses() throws {
        _ = try writePhoto("pamr/photo_crop.npy", as: "cat.png")
        let mask = try Fixtures.array("pamr/photo_s4_k3_mask.npy")
        let cam = NPYArray(dtype: .float32, shape: [3, 16, 20], data: mask.data)
        try Data(NPZ.encode([("keys", NPYArray(int64: [2, 7, 14], shape: [3])), ("high_res", cam),
                             ("cam", cam)])).write(to: folder.appendingPathComponent("cat_cam.npz"))
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("cat_cam.npz"), "--background", "0.25",
                            "--iterations", "3", "--dilations", "1,2", "--out", path("out")]).code, 0)
        let (prob, classes, png) = try readRefined("cat")
        XCTAssertEqual(classes, [0, 3, 8, 15])
        let padded = MaskRefinement.prependingBackground(Tensor(shape: [3, 16, 20], scalars: mask.floats()), value: 0.25)
        let image = try ImageFiles.load(path("cat.png"))
        let expected = PAMR(iterations: 3, dilations: [1, 2]).refine(image: MaskRefinement.imageTensor(image),
                                                                     mask: padded.reshaped([1, 4, 16, 20]))
        XCTAssertEqual(prob.scalars, expected.scalars)
        XCTAssertEqual(png.samples8, argmax(prob).map { UInt8(classes[Int($0)]) })
    }

    func testRefineLabelPNGIsOneHotWithUniformIgnore() throws {
        let image = try writePhoto("pamr/photo_crop.npy", as: "cat.png")
        // A 20x16 label map: classes 0, 1, 4 in bands and an ignored (255) block.
        var labels = [UInt8](repeating: 0, count: 20 * 16)
        for y in 0 ..< 16 { for x in 0 ..< 20 { labels[y * 20 + x] = x < 7 ? 0 : (x < 14 ? 1 : 4) } }
        for y in 5 ..< 9 { for x in 5 ..< 12 { labels[y * 20 + x] = 255 } }
        let labelImage = Image(width: 20, height: 16, channels: 1, pixels: labels)
        try Data(PNG.encodeIndexed(labelImage)).write(to: folder.appendingPathComponent("labels.png"))
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("labels.png"), "--out", path("out")]).code, 0)
        let (prob, classes, png) = try readRefined("cat")
        XCTAssertEqual(classes, [0, 1, 2, 3, 4])
        var oneHot = [Float](repeating: 0, count: 5 * 320)
        for (i, l) in labels.enumerated() {
            if l == 255 { for c in 0 ..< 5 { oneHot[c * 320 + i] = 0.2 } } else { oneHot[Int(l) * 320 + i] = 1 }
        }
        let expected = PAMR().refine(image: MaskRefinement.imageTensor(image),
                                     mask: Tensor(shape: [1, 5, 16, 20], scalars: oneHot))
        XCTAssertEqual(prob.scalars, expected.scalars)
        XCTAssertEqual(png.samples8, argmax(prob))
    }

    func testRefineErrors() throws {
        _ = try writePhoto("pamr/photo_crop.npy", as: "cat.png")
        let mask = Fixtures.url("pamr/photo_s4_k3_mask.npy").path
        let big = Fixtures.url("pamr/photo_s4_k3_out.npy").path   // 64x80: fits exactly
        let out = path("out")
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--out", out]).code, 2, "missing --mask")
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", mask, "--dilations", "1,x", "--out", out]).code, 2)
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", mask, "--dilations", "0", "--out", out]).code, 2)
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", mask, "--iterations", "-1", "--out", out]).code, 2)
        // A mask larger than the image.
        let large = NPYArray(float32: [Float](repeating: 0.5, count: 2 * 65 * 80), shape: [2, 65, 80])
        try Data(NPY.encode(large)).write(to: folder.appendingPathComponent("large.npy"))
        let tooLarge = run(["refine", "--image", path("cat.png"), "--mask", path("large.npy"), "--out", out])
        XCTAssertEqual(tooLarge.code, 1)
        XCTAssertTrue(tooLarge.err[0].contains("does not fit the image"), tooLarge.err[0])
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", big, "--iterations", "0", "--out", out]).code, 0)
        // Non-finite values, integer arrays, unknown formats.
        let nan = NPYArray(float32: [.nan, 1, 0, 1], shape: [1, 2, 2])
        try Data(NPY.encode(nan)).write(to: folder.appendingPathComponent("nan.npy"))
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("nan.npy"), "--out", out]).code, 1)
        try Data(NPY.encode(NPYArray(int32: [1, 2, 3, 4], shape: [1, 2, 2]))).write(to: folder.appendingPathComponent("int.npy"))
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("int.npy"), "--out", out]).code, 1)
        try Data("hello".utf8).write(to: folder.appendingPathComponent("text.npz"))
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("text.npz"), "--out", out]).code, 1)
        // An archive with two unnamed candidates needs --array (usage); a missing name too.
        let a = NPYArray(float32: [0, 1, 1, 0], shape: [1, 2, 2])
        try Data(NPZ.encode([("x", a), ("y", a)])).write(to: folder.appendingPathComponent("two.npz"))
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("two.npz"), "--out", out]).code, 2)
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("two.npz"), "--array", "z", "--out", out]).code, 2)
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("two.npz"), "--array", "y", "--out", out]).code, 0)
        // A truncated archive.
        var bytes = NPZ.encode([("x", a)])
        bytes.removeLast(10)
        try Data(bytes).write(to: folder.appendingPathComponent("cut.npz"))
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("cut.npz"), "--out", out]).code, 1)
        // An RGB PNG is not a label map.
        XCTAssertEqual(run(["refine", "--image", path("cat.png"), "--mask", path("cat.png"), "--out", out]).code, 1)
    }

    func testCRFWithIRNPresetMatchesPydensecrf() throws {
        _ = try writePhoto("densecrf/chelsea_irn_image.npy", as: "crop.png")
        let labels = try Fixtures.array("densecrf/chelsea_irn_labels.npy")
        let labelImage = Image(width: labels.shape[1], height: labels.shape[0], channels: 1, pixels: labels.uint8s())
        try Data(PNG.encode(labelImage)).write(to: folder.appendingPathComponent("labels.png"))
        XCTAssertEqual(run(["crf", "--image", path("crop.png"), "--labels", path("labels.png"), "--label-count", "3",
                            "--out", path("out")]).code, 0)
        let ours = try PNG.decodeRaster(Fixtures.bytes(at: folder.appendingPathComponent("out/crf/crop.png"))).samples8
        let reference = try Fixtures.array("densecrf/chelsea_irn_map.npy").uint8s()
        let agree = zip(ours, reference).filter { $0 == $1 }.count
        print("irn crf chelsea_irn: \(agree)/\(reference.count) labels agree with pydensecrf")
        XCTAssertGreaterThanOrEqual(Double(agree) / Double(reference.count), 0.98)
        // Usage errors: both inputs, tuning without custom, bad preset.
        XCTAssertEqual(run(["crf", "--image", path("crop.png"), "--labels", path("labels.png"), "--prob", "x.npz", "--out", path("o")]).code, 2)
        XCTAssertEqual(run(["crf", "--image", path("crop.png"), "--labels", path("labels.png"), "--iterations", "3", "--out", path("o")]).code, 2)
        XCTAssertEqual(run(["crf", "--image", path("crop.png"), "--labels", path("labels.png"), "--preset", "x", "--out", path("o")]).code, 2)
        XCTAssertEqual(run(["crf", "--image", path("crop.png"), "--labels", path("labels.png"), "--label-count", "2", "--out", path("o")]).code, 1)
        // A label map of another size.
        let small = Image(width: 4, height: 4, channels: 1, pixels: [UInt8](repeating: 1, count: 16))
        try Data(PNG.encode(small)).write(to: folder.appendingPathComponent("small.png"))
        XCTAssertEqual(run(["crf", "--image", path("crop.png"), "--labels", path("small.png"), "--out", path("o")]).code, 1)
    }

    func testCRFProbabilitiesEqualTheLibrary() throws {
        let image = try writePhoto("pamr/photo_crop.npy", as: "cat.png")
        let golden = try Fixtures.array("pamr/photo_s4_k3_out.npy")
        let prob = NPYArray(dtype: .float32, shape: [3, 64, 80], data: golden.data)
        try Data(NPZ.encode([("prob", prob)])).write(to: folder.appendingPathComponent("p.npz"))
        XCTAssertEqual(run(["crf", "--image", path("cat.png"), "--prob", path("p.npz"), "--preset", "custom",
                            "--iterations", "4", "--bilateral-srgb", "9", "--out", path("out")]).code, 0)
        var parameters = DenseCRFParameters.relationMining
        parameters.iterations = 4
        parameters.bilateralSRGB = 9
        let expected = CRFLabelRefinement.refine(image: image, probabilities: Tensor(shape: [3, 64, 80], scalars: prob.floats()),
                                                 parameters: parameters)
        let ours = try PNG.decodeRaster(Fixtures.bytes(at: folder.appendingPathComponent("out/crf/cat.png"))).samples8
        XCTAssertEqual(ours, expected)
    }

    func testMineRelationsWritesReferenceLabels() throws {
        _ = try writePhoto("relation_mining/chelsea_image.npy", as: "chelsea.png")
        let cam = Fixtures.url("relation_mining/chelsea_cam.npz").path
        XCTAssertEqual(run(["mine-relations", "--image", path("chelsea.png"), "--cam", cam, "--out", path("out")]).code, 0)
        let ours = try PNG.decodeRaster(Fixtures.bytes(at: folder.appendingPathComponent("out/ir_label/chelsea.png")))
        let reference = try PNG.decodeRaster(Fixtures.bytes("relation_mining/chelsea_ir_label.png"))
        XCTAssertEqual(ours.header, reference.header, "8-bit greyscale like the reference's imageio output")
        let agree = zip(ours.samples8, reference.samples8).filter { $0 == $1 }.count
        print("irn mine-relations chelsea: \(agree)/\(reference.samples8.count) labels agree with the reference")
        XCTAssertGreaterThanOrEqual(Double(agree) / Double(reference.samples8.count), 0.98)
        // A CAM of another size, a CAM without keys, a missing file.
        _ = try writePhoto("pamr/photo_crop.npy", as: "cat.png")
        XCTAssertEqual(run(["mine-relations", "--image", path("cat.png"), "--cam", cam, "--out", path("out")]).code, 1)
        let a = NPYArray(float32: [Float](repeating: 0.5, count: 64 * 80), shape: [1, 64, 80])
        try Data(NPZ.encode([("high_res", a)])).write(to: folder.appendingPathComponent("nokeys.npz"))
        XCTAssertEqual(run(["mine-relations", "--image", path("cat.png"), "--cam", path("nokeys.npz"), "--out", path("out")]).code, 1)
        XCTAssertEqual(run(["mine-relations", "--image", path("cat.png"), "--cam", path("none.npz"), "--out", path("out")]).code, 1)
        XCTAssertEqual(run(["mine-relations", "--image", path("cat.png"), "--out", path("out")]).code, 2)
    }
}
