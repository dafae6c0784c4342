// One IRNet training step against the reference's train_irn on CPU
// (Fixtures/Generators/train_irn_step.py): a seeded width-0.25 backbone with narrowed heads,
// two seeded images (96×96 and 88×92, the second padded by the top-left crop) with hand-made
// relation labels, no augmentation, lr 0.1 (displacement branch 1.0), weight decay 1e-4.
// Checked: the stride-4 label maps (exact), the four loss terms and their total, EVERY head
// parameter after the step, and the mean shift after it — through the library here and through
// `irn train-irn --no-augment --max-steps 1` on the same files in TrainIRNCommandTests. A second
// case ("unseen": three other images larger than the crop, seeded labels, other head widths and
// learning rate) was added after the implementation passed the first. A third ("backbone": a
// width-1/16 backbone with one bottleneck per layer, 128 crops) is --train-backbone: the reference
// without the detach of x1…x5, the backbone in the boundary branch's group; EVERY backbone
// parameter is compared too.
// Tolerance: |Δ| ≤ 1e-4·max|expected| + 1e-4·|expected| per tensor.
import XCTest
import Codecs
import Networks
import Pipeline
import Tensors
import TestSupport
import Training

/// One case of Fixtures/Generators/train_irn_step.py (its CASES).
struct TrainIRNGolden {
    let folder: String
    let seed: UInt64
    let widths: IRNetHeads.Widths
    let ids: [String]
    let sizes: [(Int, Int)]
    let imageSeed: UInt64
    let cropSize: Int
    let learningRate: Double
    let maxStep: Int
    var configuration = ResNet50.Configuration(widthMultiplier: 0.25)
    var trainsBackbone = false

    /// The case the implementation was developed on.
    static let seen = TrainIRNGolden(
        folder: "train_irn", seed: 808, widths: IRNetHeads.Widths(edge: 8, displacement: [8, 16, 32, 32, 32, 32], merge: 32),
        ids: ["2007_000001", "2007_000002"], sizes: [(96, 96), (88, 92)], imageSeed: 100, cropSize: 96,
        learningRate: 0.1, maxStep: 3)
    /// Three other images (larger than the crop), other widths and learning rate.
    static let unseen = TrainIRNGolden(
        folder: "train_irn/unseen", seed: 909, widths: IRNetHeads.Widths(edge: 4, displacement: [8, 16, 16, 16, 16, 16], merge: 16),
        ids: ["2008_000011", "2008_000012", "2008_000013"], sizes: [(100, 84), (72, 120), (80, 80)], imageSeed: 200,
        cropSize: 80, learningRate: 0.05, maxStep: 5)
    /// The backbone learns too (no detach), a small backbone.
    static let backbone = TrainIRNGolden(
        folder: "train_irn/backbone", seed: 707, widths: IRNetHeads.Widths(edge: 4, displacement: [8, 16, 16, 16, 16, 16], merge: 16),
        ids: ["2009_000021", "2009_000022"], sizes: [(132, 120), (120, 136)], imageSeed: 300,
        cropSize: 128, learningRate: 0.05, maxStep: 4,
        configuration: ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.0625), trainsBackbone: true)

    var backboneParameters: [String: Tensor] {
        SeededWeights.parameters(for: ResNet50.parameterLayout(prefix: "resnet50.", configuration: configuration),
                                 seed: seed)
    }

    var headParameters: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, shape) in IRNetHeads.parameterShapes(levelChannels: configuration.featureChannels,
                                                        widths: widths).all {
            result[name] = SeededWeights.tensor(named: name, shape: shape, seed: seed)
        }
        return result
    }

    /// Image k: one SeededRandom unit per sample (seed imageSeed + k), floor(u·256).
    func image(_ k: Int) -> Image {
        let (height, width) = sizes[k]
        var random = SeededRandom(seed: imageSeed + UInt64(k))
        let pixels = (0 ..< height * width * 3).map { _ in UInt8(random.nextUnit() * 256) }
        return Image(width: width, height: height, channels: 3, pixels: pixels)
    }

    func labels(_ k: Int) throws -> LabelMap {
        let array = try Fixtures.array("\(folder)/labels_\(ids[k]).npy")
        return LabelMap(width: array.shape[1], height: array.shape[0], values: array.floats().map { UInt8($0) })
    }

    /// Every head tensor after the step, by name.
    func expectedHeads() throws -> [(name: String, tensor: Tensor)] {
        let flat = try Fixtures.tensor("\(folder)/updated_heads.npy").scalars
        var offset = 0
        var result: [(String, Tensor)] = []
        for (name, shape) in IRNetHeads.parameterShapes(levelChannels: configuration.featureChannels,
                                                        widths: widths).all {
            let count = shape.reduce(1, *)
            result.append((name, Tensor(shape: shape, scalars: Array(flat[offset ..< offset + count]))))
            offset += count
        }
        precondition(offset == flat.count, "updated_heads.npy holds \(flat.count) values, the heads \(offset)")
        return result
    }

    /// Every backbone parameter after the step (the backbone case), by name.
    func expectedBackbone() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, array) in try NPZ.decode(Fixtures.bytes("\(folder)/updated_backbone.npz")) {
            result[name] = Tensor(shape: array.shape, scalars: array.floats())
        }
        return result
    }

    /// Compares every head parameter; returns the largest relative difference
    /// (max |Δ| / max |expected|) over all tensors.
    @discardableResult
    func assertHeadsMatch(_ parameters: [String: Tensor], file: StaticString = #filePath, line: UInt = #line) throws -> Float {
        var worst: Float = 0
        for (name, expected) in try expectedHeads() {
            guard let actual = parameters[name] else {
                XCTFail("no parameter \(name)", file: file, line: line)
                continue
            }
            let scale = expected.scalars.map(abs).max() ?? 0
            assertClose(actual, expected, atol: 1e-4 * scale, rtol: 1e-4, name, file: file, line: line)
            if actual.shape == expected.shape {
                let difference = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
                worst = max(worst, difference / max(scale, .leastNormalMagnitude))
            }
        }
        return worst
    }
}

final class TrainIRNGoldenTests: XCTestCase {
    func testOneStepEqualsReference() throws {
        try check(.seen)
    }

    func testOneStepOnUnseenDataEqualsReference() throws {
        try check(.unseen)
    }

    func testOneStepWithLearningBackboneEqualsReference() throws {
        try check(.backbone)
    }

    private func check(_ golden: TrainIRNGolden) throws {
        let count = golden.ids.count, crop = golden.cropSize
        let samples = try (0 ..< count).map {
            try AffinityTrainingData.sample(image: golden.image($0), labels: golden.labels($0),
                                            cropSize: crop, labelPath: "labels \($0)")
        }
        let reduced = try Fixtures.array("\(golden.folder)/reduced_labels.npy")
        XCTAssertEqual(samples.flatMap { $0.labels.values }, reduced.floats().map { UInt8($0) })
        XCTAssertEqual(samples.map { [$0.labels.height, $0.labels.width] },
                       Array(repeating: [crop / 4, crop / 4], count: count))

        var trainer = try IRNetTrainer(backboneParameters: golden.backboneParameters,
                                       configuration: golden.configuration, headParameters: golden.headParameters,
                                       learningRate: golden.learningRate, weightDecay: 1e-4, maxStep: golden.maxStep,
                                       trainsBackbone: golden.trainsBackbone)
        XCTAssertEqual(trainer.heads.widths, golden.widths)
        let images = Tensor(shape: [count, 3, crop, crop], scalars: samples.flatMap { $0.image.scalars })
        let terms = trainer.step(images: images, labelMaps: samples.map { $0.labels.values })
        let expectedTerms = try Fixtures.tensor("\(golden.folder)/terms.npy")
        assertClose([terms.positiveAffinity, terms.negativeAffinity, terms.foregroundDisplacement,
                     terms.backgroundDisplacement, terms.total], expectedTerms.scalars, atol: 1e-6, rtol: 1e-5,
                    "loss terms")
        let worst = try golden.assertHeadsMatch(trainer.heads.parameters)
        print("train-irn golden step (\(golden.folder)): largest max|Δ|/max|expected| over the head tensors \(worst); terms \(terms)")
        if golden.trainsBackbone {
            let expected = try golden.expectedBackbone()
            let actual = trainer.backboneParameters
            var worstBackbone: Float = 0, changed = 0
            for (name, tensor) in expected.sorted(by: { $0.key < $1.key }) {
                guard let value = actual[name] else { XCTFail("no backbone parameter \(name)"); continue }
                let scale = tensor.scalars.map(abs).max() ?? 0
                assertClose(value, tensor, atol: 1e-4 * scale, rtol: 1e-4, name)
                let difference = zip(value.scalars, tensor.scalars).map { abs($0 - $1) }.max() ?? 0
                worstBackbone = max(worstBackbone, difference / max(scale, .leastNormalMagnitude))
                if golden.backboneParameters[name] != tensor { changed += 1 }
            }
            // Every parameter the reference trains, and it moved them all.
            let trainable = ResNet50.parameterLayout(prefix: "resnet50.", configuration: golden.configuration).entries
                .filter { !$0.name.hasSuffix(".running_mean") && !$0.name.hasSuffix(".running_var") }.count
            XCTAssertEqual(expected.count, trainable)
            XCTAssertEqual(changed, trainable)
            print("train-irn golden step (\(golden.folder)): \(expected.count) backbone tensors, largest max|Δ|/max|expected| \(worstBackbone)")
        }

        // The mean shift: the top-left crop of each image, mean over pixels, then over images.
        let means = (0 ..< count).map {
            trainer.meanDisplacement(AffinityTrainingData.topLeftCrop(golden.image($0), cropSize: crop))
        }
        trainer.setMeanShift(imageMeans: means)
        assertClose(trainer.meanShift, try Fixtures.tensor("\(golden.folder)/mean_shift.npy"), atol: 1e-5, rtol: 1e-4,
                    "mean shift")
        XCTAssertEqual(trainer.stateDict()["mean_shift.running_mean"], trainer.meanShift)
    }
}
