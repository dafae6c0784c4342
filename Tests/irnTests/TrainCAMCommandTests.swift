// `irn train-cam` end to end: one --no-augment step from a seeded checkpoint on the golden batch
// (Fixtures/train_cam: three photos, labels.txt) gives the reference's parameters after its step
// (train_cam_step.py) within 1e-4 relative, every other tensor unchanged; a scratch run's
// checkpoint loads in CAMNetwork with the same logits as the training network and `irn cam`
// turns it into the same CAMs as the library; a VOC folder trains with augmentation, labels
// from its annotations, reproducibly for a seed; dataset and option mistakes are reported.
import XCTest
import Foundation
import Codecs
import Networks
import Pipeline
import Tensors
import Training
import TestSupport
@testable import irn

final class TrainCAMCommandTests: CommandTestCase {
    private var images: String { Fixtures.url("train_cam/images").path }
    private var labels: String { Fixtures.url("train_cam/labels.txt").path }

    private func npz(_ path: String) throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, array) in try NPZ.decode(Fixtures.bytes(at: URL(fileURLWithPath: path))) {
            result[name] = Tensor(shape: array.shape, scalars: array.floats())
        }
        return result
    }

    func testOneNoAugmentStepMatchesReference() throws {
        let configuration = ResNet50.Configuration(blockCounts: [1, 1, 2, 2], widthMultiplier: 0.0625)
        let initial = SeededWeights.parameters(for: CAMNetwork.parameterLayout(configuration: configuration), seed: 2019)
        try TrainingCheckpoints.save(initial, to: path("seeded.safetensors"), metadata: [:])
        let result = run(["train-cam", "--images", images, "--labels", labels, "--weights", path("seeded.safetensors"),
                          "--no-augment", "--crop-size", "48", "--batch-size", "3", "--max-steps", "1",
                          "--lr", "0.1", "--weight-decay", "1e-4", "--threads", "2", "--out", path("cam.safetensors")])
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        let after = try NetworkWeights.load(path("cam.safetensors"))
        let expected = try npz(Fixtures.url("train_cam/reference_after.npz").path)
        XCTAssertEqual(Set(after.keys), Set(initial.keys))
        var worst = 0.0
        for (name, value) in after {
            if let reference = expected[name] {
                assertClose(value, reference, atol: 1e-7, rtol: 1e-4, "\(name) after one step")
                worst = max(worst, zip(value.scalars, reference.scalars)
                    .map { Double(abs($0 - $1)) / (Double(abs($1)) + 1e-6) }.max() ?? 0)
            } else {
                XCTAssertEqual(value, initial[name], "\(name) changed, the reference's did not")
            }
        }
        print("train-cam --max-steps 1: \(expected.count) updated tensors, max relative difference \(worst)")
        XCTAssert(result.err.contains { $0.contains("step 1/1") }, result.err.joined(separator: "\n"))
    }

    func testScratchCheckpointLoadsInIrnCam() throws {
        let result = run(["train-cam", "--images", images, "--labels", labels, "--init", "scratch", "--width", "0.0625",
                          "--train-backbone", "--crop-size", "32", "--resize-long", "24,40", "--batch-size", "2",
                          "--epochs", "2", "--seed", "3", "--out", path("scratch.safetensors")])
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        // 3 images, batch 2: one step per epoch, two epochs.
        XCTAssert(result.err.contains { $0.contains("step 2/2") }, result.err.joined(separator: "\n"))
        let tensors = try NetworkWeights.load(path("scratch.safetensors"))
        let network = try NetworkWeights.camNetwork(from: path("scratch.safetensors"))
        let configuration = network.backbone.configuration
        XCTAssertEqual(configuration.widthMultiplier, 0.0625)
        // The saved tensors are the trained ones: the folded inference network and the unfolded
        // training network agree on the logits.
        let trainer = CAMTrainer(stateDict: tensors, configuration: configuration, maxStep: 1)
        let batch = try Fixtures.tensor("train_cam/inputs.npy")
        assertClose(network.logits(batch), trainer.logits(batch), atol: 1e-5, rtol: 1e-4, "folded vs unfolded logits")
        // irn cam runs on it and writes what the library computes.
        let photo = Fixtures.url("train_cam/images/chelsea.png").path
        let cam = run(["cam", "--weights", path("scratch.safetensors"), "--image", photo, "--classes", "cat",
                       "--scales", "1,0.5", "--out", path("out")])
        XCTAssertEqual(cam.code, 0, cam.err.joined(separator: "\n"))
        let written = try npz(path("out/cam/chelsea.npz"))
        let expected = classActivationMaps(of: try ImageFiles.load(photo).rgb(), network: network, keys: [7],
                                           scales: [1, 0.5])
        XCTAssertEqual(written["cam"], expected.cam)
        XCTAssertEqual(written["high_res"], expected.highRes)
        XCTAssertEqual(expected.cam.shape, [1, 12, 15])
        XCTAssert(expected.cam.scalars.allSatisfy(\.isFinite))
    }

    func testCustomClassesAndBlocksLoadInIrnCam() throws {
        let custom = path("custom.txt")
        try "2007_000032 thing animal\nchelsea animal\nstreet-scene thing vehicle\n"
            .write(toFile: custom, atomically: true, encoding: .utf8)
        let result = run(["train-cam", "--images", images, "--labels", custom, "--class-names", "animal,thing,vehicle",
                          "--init", "scratch", "--width", "0.0625", "--blocks", "1,2,1,1", "--train-backbone",
                          "--crop-size", "32", "--batch-size", "3", "--epochs", "1", "--out", path("custom.safetensors")])
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        let network = try NetworkWeights.camNetwork(from: path("custom.safetensors"))
        XCTAssertEqual(network.classCount, 3)
        XCTAssertEqual(network.backbone.configuration.blockCounts, [1, 2, 1, 1])
        let photo = Fixtures.url("train_cam/images/chelsea.png").path
        let image = try ImageFiles.load(photo).rgb()
        // Names from the checkpoint's metadata, from --class-names, or indices.
        for (arguments, key) in [(["--classes", "Vehicle"], 2), (["--classes", "y", "--class-names", "x,y,z"], 1),
                                 (["--classes", "0"], 0)] {
            let out = path("out\(key)")
            let cam = run(["cam", "--weights", path("custom.safetensors"), "--image", photo, "--scales", "1",
                           "--out", out] + arguments)
            XCTAssertEqual(cam.code, 0, cam.err.joined(separator: "\n"))
            let written = try npz(out + "/cam/chelsea.npz")
            let expected = classActivationMaps(of: image, network: network, keys: [key], scales: [1])
            XCTAssertEqual(written["cam"], expected.cam, "\(arguments)")
        }
        let unknown = run(["cam", "--weights", path("custom.safetensors"), "--image", photo, "--classes", "cat",
                           "--out", path("bad")])
        XCTAssertEqual(unknown.code, 2)
        XCTAssertTrue(unknown.err.first?.hasPrefix("irn: error: --classes: unknown class 'cat'") ?? false, "\(unknown.err)")
        let mismatch = run(["cam", "--weights", path("custom.safetensors"), "--image", photo, "--classes", "0",
                            "--class-names", "a,b", "--out", path("bad")])
        XCTAssertEqual(mismatch.code, 1)
        XCTAssertTrue(mismatch.err.first?.contains("2 class names for a CAM network of 3 classes") ?? false, "\(mismatch.err)")
    }

    func testVOCFolderTrainsWithAugmentation() throws {
        let root = Fixtures.url("voc_mini").path
        let result = run(["train-cam", "--voc-root", root, "--list", "val", "--init", "scratch", "--width", "0.0625",
                          "--blocks", "1,1,1,1", "--crop-size", "32", "--resize-long", "24,48", "--batch-size", "2",
                          "--epochs", "1", "--seed", "5", "--out", path("voc.safetensors")])
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        XCTAssert(result.err.first?.contains("4 images, 20 classes, 2 steps per epoch, 2 steps") ?? false,
                  result.err.joined(separator: "\n"))
        // Labels come from the XML annotations (dog and person; "head" is a part, not a class).
        let spec = TrainCAMCommand.spec
        let data = try TrainingExamples.load(try ParsedArguments(["--voc-root", root, "--list", "val"], spec: spec), spec: spec)
        XCTAssertEqual(data.examples.map(\.classes), [[11, 14], [7, 19], [1, 6, 14], [2]])
        XCTAssertEqual(data.targets([2]).scalars.enumerated().filter { $0.element == 1 }.map(\.offset), [1, 6, 14])
        // Two steps changed the classifier and left the frozen statistics alone.
        let configuration = ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.0625)
        let start = CAMInitialization.scratch(configuration: configuration, seed: 5)
        let trained = try NetworkWeights.load(path("voc.safetensors"))
        XCTAssertNotEqual(trained["classifier.weight"], start["classifier.weight"])
        XCTAssertEqual(trained["resnet50.layer3.0.bn1.running_var"], start["resnet50.layer3.0.bn1.running_var"])
        // Same seed, same run: the checkpoint is reproducible.
        let again = run(["train-cam", "--voc-root", root, "--list", "val", "--init", "scratch", "--width", "0.0625",
                         "--blocks", "1,1,1,1", "--crop-size", "32", "--resize-long", "24,48", "--batch-size", "2",
                         "--epochs", "1", "--seed", "5", "--out", path("voc2.safetensors")])
        XCTAssertEqual(again.code, 0)
        XCTAssertEqual(try NetworkWeights.load(path("voc2.safetensors")), trained)
    }

    func testResumedRunsEqualTheUninterruptedRun() throws {
        // 3 epochs of 2 steps with augmentation; stopped after step 3 (inside an epoch) and after
        // step 4 (at an epoch's end), then resumed: the checkpoint equals the straight run's, byte
        // for byte (weights, momentum, shuffles and augmentation all carried over).
        let root = Fixtures.url("voc_mini").path
        func train(_ out: String, _ extra: [String]) -> (code: Int32, err: [String]) {
            run(["train-cam", "--voc-root", root, "--list", "val", "--init", "scratch", "--width", "0.0625",
                 "--blocks", "1,1,1,1", "--crop-size", "32", "--resize-long", "24,48", "--batch-size", "2",
                 "--epochs", "3", "--seed", "7", "--weight-decay", "0.01", "--out", path(out)] + extra)
        }
        XCTAssertEqual(train("straight.safetensors", []).code, 0)
        let straight = try Fixtures.bytes(at: URL(fileURLWithPath: path("straight.safetensors")))
        for stop in [3, 4] {
            let name = "stopped\(stop).safetensors"
            XCTAssertEqual(train(name, ["--max-steps", "\(stop)"]).code, 0)
            XCTAssertTrue(try Fixtures.bytes(at: URL(fileURLWithPath: path(name))) != straight)
            let resumed = train(name, ["--resume"])
            XCTAssertEqual(resumed.code, 0, resumed.err.joined(separator: "\n"))
            XCTAssertTrue(resumed.err.contains { $0.hasPrefix("resuming \(path(name)) at step \(stop)") }, resumed.err.joined(separator: "\n"))
            XCTAssertTrue(try Fixtures.bytes(at: URL(fileURLWithPath: path(name))) == straight, "stopped after step \(stop)")
            // Done is done; other options are refused.
            XCTAssertTrue(train(name, ["--resume"]).err.contains { $0.contains("already at step 6 of 6") })
            let other = run(["train-cam", "--voc-root", root, "--list", "val", "--init", "scratch", "--width", "0.0625",
                             "--blocks", "1,1,1,1", "--crop-size", "32", "--resize-long", "24,48", "--batch-size", "2",
                             "--epochs", "3", "--seed", "8", "--weight-decay", "0.01", "--out", path(name), "--resume"])
            XCTAssertEqual(other.code, 1)
            XCTAssertTrue(other.err.first?.contains("belongs to a run with other options") == true, other.err.joined(separator: "\n"))
        }
        // A checkpoint of another step than its state (a run stopped between the two writes).
        try FileManager.default.copyItem(atPath: path("stopped3.safetensors.state"), toPath: path("straight.safetensors.state.old"))
        XCTAssertEqual(train("mismatch.safetensors", ["--max-steps", "2"]).code, 0)
        try FileManager.default.removeItem(atPath: path("mismatch.safetensors.state"))
        try FileManager.default.copyItem(atPath: path("straight.safetensors.state.old"), toPath: path("mismatch.safetensors.state"))
        let mismatch = train("mismatch.safetensors", ["--resume"])
        XCTAssertEqual(mismatch.code, 1)
        XCTAssertTrue(mismatch.err.first?.contains("is at step 2 but") == true, mismatch.err.joined(separator: "\n"))
        let missing = train("never.safetensors", ["--resume"])
        XCTAssertEqual(missing.code, 1)
        XCTAssertEqual(missing.err.count, 2, missing.err.joined(separator: "\n"))
    }

    func testMistakesAreReported() {
        let noData = run(["train-cam", "--init", "scratch", "--out", path("x.safetensors")])
        XCTAssertEqual(noData.code, 2)
        let both = run(["train-cam", "--images", images, "--labels", labels, "--init", "scratch",
                        "--weights", path("w.safetensors"), "--out", path("x.safetensors")])
        XCTAssertEqual(both.code, 2)
        let bigBatch = run(["train-cam", "--images", images, "--labels", labels, "--init", "scratch",
                            "--batch-size", "4", "--out", path("x.safetensors")])
        XCTAssertEqual(bigBatch.code, 1)
        XCTAssert(bigBatch.err.first?.contains("no full batch of 4") ?? false, bigBatch.err.joined(separator: "\n"))
        let badRange = run(["train-cam", "--images", images, "--labels", labels, "--init", "scratch",
                            "--resize-long", "640,320", "--out", path("x.safetensors")])
        XCTAssertEqual(badRange.code, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.safetensors")))
    }
}
