// CAMInitialization from checkpoints: an ImageNet ResNet50 under torchvision names is renamed to
// the CAM network's, its fc layer dropped and a classifier drawn as nn.Conv2d initialises one
// (seeded); a CAM checkpoint with the reference's aliases binds to the canonical names; a
// checkpoint of another width is refused.
import XCTest
import Networks
import Tensors
import Training

final class CAMInitializationTests: XCTestCase {
    func testImageNetCheckpointIsRenamedAndGetsASeededClassifier() throws {
        let configuration = ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.0625)
        let canonical = SeededWeights.parameters(for: CAMNetwork.parameterLayout(configuration: configuration), seed: 8)
        // torchvision names: no "resnet50." prefix, an fc layer, no classifier.
        var imageNet: [String: Tensor] = [:]
        for (name, tensor) in canonical where name != "classifier.weight" {
            imageNet[String(name.dropFirst("resnet50.".count))] = tensor
        }
        imageNet["fc.weight"] = Tensor(shape: [1000, 128])
        imageNet["fc.bias"] = Tensor(shape: [1000])
        let loaded = try CAMInitialization.fromCheckpoint(imageNet, configuration: configuration, seed: 3)
        XCTAssertEqual(Set(loaded.keys), Set(canonical.keys))
        for (name, tensor) in canonical where name != "classifier.weight" { XCTAssertEqual(loaded[name], tensor, name) }
        let classifier = try XCTUnwrap(loaded["classifier.weight"])
        XCTAssertEqual(classifier.shape, [20, 128, 1, 1])
        // nn.Conv2d's default: uniform within ±1/√fan_in, and the same for the same seed.
        let bound = Float(1 / Double(128).squareRoot())
        XCTAssert(classifier.scalars.allSatisfy { abs($0) <= bound })
        XCTAssertGreaterThan(classifier.scalars.map { abs($0) }.max()!, 0.9 * bound)
        XCTAssertEqual(try CAMInitialization.fromCheckpoint(imageNet, configuration: configuration, seed: 3)["classifier.weight"],
                       classifier)
        // A CAM checkpoint keeps its own classifier; aliases resolve to the canonical names.
        var aliased = canonical
        aliased["newly_added.0.weight"] = aliased.removeValue(forKey: "classifier.weight")
        XCTAssertEqual(try CAMInitialization.fromCheckpoint(aliased, configuration: configuration, seed: 3), canonical)
        // A checkpoint of another shape is refused with the binding error.
        XCTAssertThrowsError(try CAMInitialization.fromCheckpoint(
            imageNet, configuration: ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.125), seed: 3))
    }
}
