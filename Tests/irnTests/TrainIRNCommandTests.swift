// `irn train-irn`: one --no-augment step on the golden folder (TrainIRNGoldenTests: every head
// parameter and the mean shift equal the reference's train_irn), the loss falling over a short
// run on synthetic images with hand-made relation labels, the checkpoint loading in
// `irn boundary`, and the usage errors.
import XCTest
import Foundation
import Checkpoints
import Codecs
import Networks
import Pipeline
import Tensors
import TestSupport
import Training
@testable import irn

final class TrainIRNCommandTests: CommandTestCase {
    private func writeCheckpoint(_ parameters: [String: Tensor], _ name: String) throws {
        let dict = StateDict(parameters.keys.sorted().map { ($0, CheckpointTensor(parameters[$0]!)) })
        try FileIO.writeAtomically(SafeTensors.write(dict), to: path(name))
    }

    private func makeFolders() throws {
        for name in ["images", "ir_label"] {
            try FileManager.default.createDirectory(atPath: path(name), withIntermediateDirectories: true)
        }
    }

    private func writeSample(id: String, image: Image, labels: LabelMap) throws {
        try ImageFiles.save(image, to: path("images/\(id).png"))
        try ImageFiles.save(Image(width: labels.width, height: labels.height, channels: 1, pixels: labels.values),
                            to: path("ir_label/\(id).png"))
    }

    func testOneStepEqualsReference() throws {
        try checkOneStep(.seen)
    }

    func testOneStepOnUnseenDataEqualsReference() throws {
        try checkOneStep(.unseen)
    }

    func testOneStepWithLearningBackboneEqualsReference() throws {
        try checkOneStep(.backbone)
    }

    private func checkOneStep(_ golden: TrainIRNGolden) throws {
        try makeFolders()
        for k in golden.ids.indices {
            try writeSample(id: golden.ids[k], image: golden.image(k), labels: golden.labels(k))
        }
        try (golden.ids.joined(separator: "\n") + "\n").write(toFile: path("labels.txt"), atomically: true,
                                                                       encoding: .utf8)
        try writeCheckpoint(golden.backboneParameters.merging(golden.headParameters) { a, _ in a },
                            "start.safetensors")
        let result = run(["train-irn", "--images", path("images"), "--labels", path("labels.txt"),
                          "--cam-labels", path("ir_label"), "--backbone", path("start.safetensors"),
                          "--out", path("irn.safetensors"), "--batch-size", "\(golden.ids.count)",
                          "--crop-size", "\(golden.cropSize)", "--lr", "\(golden.learningRate)",
                          "--no-augment", "--max-steps", "1", "--threads", "2"]
                         + (golden.trainsBackbone ? ["--train-backbone"] : []))
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        XCTAssertTrue(result.err.contains { $0.contains("step 1/1, epoch 1/3, loss") }, result.err.joined(separator: "\n"))
        let saved = try NetworkWeights.load(path("irn.safetensors"))
        try golden.assertHeadsMatch(saved)
        // It loads for inference with its narrowed heads and backbone read off the tensors.
        let network = try NetworkWeights.irNetwork(from: path("irn.safetensors"))
        XCTAssertEqual(network.headWidths, golden.widths)
        XCTAssertEqual(network.backbone.configuration, golden.configuration)
        assertClose(saved["mean_shift.running_mean"]!, try Fixtures.tensor("\(golden.folder)/mean_shift.npy"),
                    atol: 1e-5, rtol: 1e-4, "mean shift")
        if golden.trainsBackbone {
            for (name, tensor) in try golden.expectedBackbone() {
                let scale = tensor.scalars.map(abs).max() ?? 0
                assertClose(saved[name] ?? Tensor(shape: [0]), tensor, atol: 1e-4 * scale, rtol: 1e-4, "backbone \(name)")
            }
        } else {
            for (name, tensor) in golden.backboneParameters {
                XCTAssertEqual(saved[name], tensor, "backbone \(name) changed")
            }
        }
    }

    /// Synthetic 80×80 images: grey noise with one or two bright rectangles; the relation
    /// labels mark each rectangle with its class, a one-pixel unsure ring around it.
    static func syntheticSample(_ k: Int) -> (Image, LabelMap) {
        let size = 80
        var random = SeededRandom(seed: 500 + UInt64(k))
        var pixels = (0 ..< size * size * 3).map { _ in UInt8(100 + random.nextInt(in: 0...40)) }
        var labels = [UInt8](repeating: 0, count: size * size)
        let boxes = [(8 + 4 * k, 10, 40, 30 + 2 * k, UInt8(15), [230, 40, 40]),
                     (44, 36 + 3 * k, 28, 34, UInt8(7), [40, 60, 230])]
        for (top, left, height, width, cls, colour) in boxes.prefix(1 + k % 2) {
            for y in max(0, top - 1) ..< min(size, top + height + 1) {
                for x in max(0, left - 1) ..< min(size, left + width + 1) {
                    let inside = y >= top && y < top + height && x >= left && x < left + width
                    labels[y * size + x] = inside ? cls : 255
                    if inside { for c in 0 ..< 3 { pixels[(y * size + x) * 3 + c] = UInt8(colour[c]) } }
                }
            }
        }
        return (Image(width: size, height: size, channels: 3, pixels: pixels), LabelMap(width: size, height: size, values: labels))
    }

    /// The library on a fixed batch of two synthetic images (small backbone, narrowed heads):
    /// the total loss after a few steps is well below the first one.
    func testLossGoesDown() throws {
        let configuration = ResNet50.Configuration(widthMultiplier: 0.125)
        let widths = IRNetHeads.Widths(edge: 8, displacement: [8, 16, 16, 16, 16, 16], merge: 16)
        let backbone = SeededWeights.parameters(for: ResNet50.parameterLayout(prefix: "resnet50.",
                                                                              configuration: configuration), seed: 77)
        let heads = IRNetHeads.initialParameters(levelChannels: configuration.featureChannels, widths: widths, seed: 5)
        var trainer = try IRNetTrainer(backboneParameters: backbone, configuration: configuration, headParameters: heads,
                                       learningRate: 0.1, weightDecay: 1e-4, maxStep: 100)
        let samples = try (0 ..< 2).map { k -> AffinityTrainingSample in
            let (image, labels) = Self.syntheticSample(k)
            return try AffinityTrainingData.sample(image: image, labels: labels, cropSize: 80, labelPath: "synthetic")
        }
        let images = Tensor(shape: [2, 3, 80, 80], scalars: samples.flatMap { $0.image.scalars })
        var totals: [Float] = []
        for _ in 0 ..< Self.lossSteps {
            totals.append(trainer.step(images: images, labelMaps: samples.map { $0.labels.values }).total)
        }
        print("train-irn loss curve (total per step, fixed batch): \(totals)")
        XCTAssertLessThan(totals.last!, 0.7 * totals.first!, "the loss should fall by 30% in \(Self.lossSteps) steps: \(totals)")
    }

    static let lossSteps = 8

    /// A short augmented command run from a torchvision-named backbone with the reference's head
    /// widths: its checkpoint is a complete IRNet that `irn boundary` runs, with the backbone
    /// stored under "resnet50.*" unchanged.
    func testCheckpointLoadsInBoundary() throws {
        try makeFolders()
        let ids = ["synthetic_0", "synthetic_1"]
        for (k, id) in ids.enumerated() {
            let (image, labels) = Self.syntheticSample(k)
            try writeSample(id: id, image: image, labels: labels)
        }
        try (ids.joined(separator: "\n") + "\n").write(toFile: path("labels.txt"), atomically: true, encoding: .utf8)
        let configuration = ResNet50.Configuration(widthMultiplier: 0.125)
        let backbone = SeededWeights.parameters(for: ResNet50.parameterLayout(prefix: "resnet50.",
                                                                              configuration: configuration), seed: 77)
        // Under torchvision's names, as an ImageNet ResNet50 comes (with its classifier "fc.*").
        var torchvision = Dictionary(uniqueKeysWithValues: backbone.map { (String($0.key.dropFirst(9)), $0.value) })
        torchvision["fc.weight"] = Tensor(shape: [3, 512])
        torchvision["fc.bias"] = Tensor(shape: [3])
        try writeCheckpoint(torchvision, "backbone.safetensors")
        let result = run(["train-irn", "--images", path("images"), "--labels", path("labels.txt"),
                          "--cam-labels", path("ir_label"), "--backbone", path("backbone.safetensors"),
                          "--out", path("irn.safetensors"), "--batch-size", "2", "--crop-size", "80",
                          "--epochs", "1", "--seed", "3"])
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        XCTAssertTrue(result.err.contains { $0.contains("step 1/1, epoch 1/1, loss") }, result.err.joined(separator: "\n"))
        let boundary = run(["boundary", "--weights", path("irn.safetensors"), "--image", path("images/synthetic_0.png"),
                            "--out", path("out"), "--crop-size", "80"])
        XCTAssertEqual(boundary.code, 0, boundary.err.joined(separator: "\n"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("out/boundary/synthetic_0.npz")))
        let network = try NetworkWeights.irNetwork(from: path("irn.safetensors"))
        XCTAssertNotEqual(network.meanShift, Tensor(shape: [2]))
        let saved = try NetworkWeights.load(path("irn.safetensors"))
        for (name, tensor) in backbone { XCTAssertEqual(saved[name], tensor, name) }
    }

    /// images/ and ir_label/ with two synthetic samples, labels.txt, and backbone.safetensors: a
    /// seeded ResNet50 of one bottleneck per layer at width 1/16 (returned).
    @discardableResult
    private func writeTwoSyntheticSamplesAndASmallBackbone() throws -> ResNet50.Configuration {
        try makeFolders()
        let ids = (0 ..< 2).map { "synthetic_\($0)" }
        for (k, id) in ids.enumerated() {
            let (image, labels) = Self.syntheticSample(k)
            try writeSample(id: id, image: image, labels: labels)
        }
        try (ids.joined(separator: "\n") + "\n").write(toFile: path("labels.txt"), atomically: true, encoding: .utf8)
        let configuration = ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.0625)
        try writeCheckpoint(SeededWeights.parameters(for: ResNet50.parameterLayout(prefix: "resnet50.",
                                                                                   configuration: configuration), seed: 4),
                            "backbone.safetensors")
        return configuration
    }

    func testPeriodicAndFinalCheckpoints() throws {
        let configuration = try writeTwoSyntheticSamplesAndASmallBackbone()
        // Two steps per epoch, stopped after three: saved at the end of epoch 1, then the final checkpoint.
        let arguments = ["train-irn", "--images", path("images"), "--labels", path("labels.txt"),
                         "--cam-labels", path("ir_label"), "--backbone", path("backbone.safetensors"),
                         "--out", path("irn.safetensors"), "--batch-size", "1", "--crop-size", "80", "--epochs", "2",
                         "--train-backbone"]
        let byEpoch = run(arguments + ["--max-steps", "3"])
        XCTAssertEqual(byEpoch.code, 0, byEpoch.err.joined(separator: "\n"))
        XCTAssertEqual(byEpoch.err.filter { $0.hasPrefix("saved ") }, ["saved \(path("irn.safetensors")) at step 2"])
        let final = try SafeTensors.read(Fixtures.bytes(at: URL(fileURLWithPath: path("irn.safetensors"))))
        XCTAssertEqual(final.metadata["step"], "3")
        XCTAssertEqual(final.metadata["irn"], "train-irn")
        // Every step with --save-every 1 (the last is the final checkpoint, not a periodic one).
        let everyStep = run(arguments + ["--save-every", "1", "--max-steps", "2"])
        XCTAssertEqual(everyStep.code, 0, everyStep.err.joined(separator: "\n"))
        XCTAssertEqual(everyStep.err.filter { $0.hasPrefix("saved ") }.map { $0.components(separatedBy: " ").last! }, ["1"])
        let saved = try NetworkWeights.load(path("irn.safetensors"))
        // The backbone learned, and the file loads as IRNet (its small backbone and the trained heads).
        let start = try NetworkWeights.load(path("backbone.safetensors"))
        XCTAssertNotEqual(saved["resnet50.conv1.weight"], start["resnet50.conv1.weight"])
        let network = try NetworkWeights.irNetwork(from: path("irn.safetensors"))
        XCTAssertEqual(network.backbone.configuration, configuration)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasSuffix(".partial") })
    }

    func testResumedRunsEqualTheUninterruptedRun() throws {
        // Two epochs of two augmented steps; stopped after step 1 (inside an epoch) and after
        // step 2 (at an epoch's end), then resumed: the final checkpoint (mean shift included)
        // equals the straight run's byte for byte (a learning backbone, so it is restored too).
        try writeTwoSyntheticSamplesAndASmallBackbone()
        for backbone in [["--train-backbone"]] {
            func train(_ out: String, _ extra: [String]) -> (code: Int32, err: [String]) {
                run(["train-irn", "--images", path("images"), "--labels", path("labels.txt"),
                     "--cam-labels", path("ir_label"), "--backbone", path("backbone.safetensors"),
                     "--out", path(out), "--batch-size", "1", "--crop-size", "80", "--epochs", "2", "--seed", "9",
                     "--weight-decay", "0.01"] + backbone + extra)
            }
            XCTAssertEqual(train("straight.safetensors", []).code, 0)
            let straight = try Fixtures.bytes(at: URL(fileURLWithPath: path("straight.safetensors")))
            for stop in [1, 2] {
                let name = "stopped\(stop).safetensors"
                XCTAssertEqual(train(name, ["--max-steps", "\(stop)"]).code, 0)
                let resumed = train(name, ["--resume"])
                XCTAssertEqual(resumed.code, 0, resumed.err.joined(separator: "\n"))
                XCTAssertTrue(resumed.err.contains { $0.hasPrefix("resuming \(path(name)) at step \(stop)") },
                              resumed.err.joined(separator: "\n"))
                XCTAssertTrue(try Fixtures.bytes(at: URL(fileURLWithPath: path(name))) == straight, "\(backbone) stopped after step \(stop)")
            }
        }
    }

    func testUsageErrors() throws {
        try makeFolders()
        for (k, id) in ["a", "b"].enumerated() {
            let (image, labels) = Self.syntheticSample(k)
            try writeSample(id: id, image: image, labels: labels)
        }
        try "a\nb\n".write(toFile: path("labels.txt"), atomically: true, encoding: .utf8)
        let common = ["train-irn", "--images", path("images"), "--labels", path("labels.txt"),
                      "--cam-labels", path("ir_label"), "--backbone", path("missing.pth"), "--out", path("o.safetensors")]
        XCTAssertEqual(run(common + ["--crop-size", "40"]).code, 2)
        XCTAssertEqual(run(common + ["--batch-size", "3"]).code, 2)
        XCTAssertEqual(run(common + ["--lr", "-1"]).code, 2)
        XCTAssertEqual(run(["train-irn", "--cam-labels", "x", "--backbone", "w", "--out", "o"]).code, 2)
        XCTAssertEqual(run(common + ["--batch-size", "2"]).code, 1)  // the missing weights file
    }
}
