// One CAM training step against the reference (train_cam_step.py: resnet50_cam.Net,
// PolyOptimizer, multilabel soft-margin loss, on CPU): a seeded 1/16-width network, a fixed
// batch of three 48×48 no-augment crops. The loss, the logits, a few gradients and EVERY
// parameter after the step are compared whole; every parameter the reference leaves unchanged
// must stay bit for bit unchanged here. Two cases: the reference's freezing (stages 3-4 and the
// classifier learn) and --train-backbone (every stage, conv1/bn1 included).
import XCTest
import Codecs
import Networks
import Tensors
import Training
import TestSupport

final class CAMTrainerGoldenTests: XCTestCase {
    static let labels: [[Int]] = [[0, 14], [7], [5, 6, 14]]  // ids sorted, as labels.txt

    static func labelTensor() -> Tensor {
        var t = Tensor(shape: [3, 20])
        for (n, classes) in labels.enumerated() { for c in classes { t.scalars[n * 20 + c] = 1 } }
        return t
    }

    static func npz(_ path: String) throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, array) in try NPZ.decode(Fixtures.bytes(path)) {
            result[name] = Tensor(shape: array.shape, scalars: array.floats())
        }
        return result
    }

    /// Largest |a − b| / (|b| + 1e-6) over all elements.
    static func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.scalars, b.scalars).map { Double(abs($0 - $1)) / (Double(abs($1)) + 1e-6) }.max() ?? 0
    }

    private func run(case name: String, blocks: [Int], trainsBackbone: Bool) throws {
        let configuration = ResNet50.Configuration(blockCounts: blocks, widthMultiplier: 0.0625)
        let initial = SeededWeights.parameters(for: CAMNetwork.parameterLayout(configuration: configuration), seed: 2019)
        var trainer = CAMTrainer(stateDict: initial, configuration: configuration, trainsBackbone: trainsBackbone,
                                 learningRate: 0.1, weightDecay: 1e-4, maxStep: 10)
        let images = try Fixtures.tensor("train_cam/inputs.npy")
        let result = trainer.computeGradients(images: images, labels: Self.labelTensor())

        let loss = try Fixtures.tensor("train_cam/\(name)_loss.npy")
        XCTAssertEqual(Double(result.loss), Double(loss.scalars[0]), accuracy: 1e-5 * Double(loss.scalars[0]), "\(name) loss")
        assertClose(result.logits, try Fixtures.tensor("train_cam/\(name)_logits.npy"), atol: 1e-5, rtol: 1e-4, "\(name) logits")
        for (parameter, expected) in try Self.npz("train_cam/\(name)_grads.npz") {
            let gradient = try XCTUnwrap(trainer.parameters.gradient(parameter), "\(name): no gradient for \(parameter)")
            // Gradients are sums over many products: relative 1e-3 of the tensor's scale.
            let scale = expected.scalars.map { abs($0) }.max() ?? 0
            assertClose(gradient, expected, atol: 1e-3 * scale, rtol: 1e-3, "\(name) gradient \(parameter)")
            let error = zip(gradient.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
            print("\(name) gradient \(parameter): max |error| \(error) of max |g| \(scale)")
        }

        trainer.applyGradients()
        let after = trainer.stateDict()
        let expectedAfter = try Self.npz("train_cam/\(name)_after.npz")
        var worst = (name: "", difference: 0.0)
        for (parameter, value) in after {
            if let expected = expectedAfter[parameter] {
                assertClose(value, expected, atol: 1e-7, rtol: 1e-4, "\(name) \(parameter) after the step")
                let difference = Self.maxRelativeDifference(value, expected)
                if difference > worst.difference { worst = (parameter, difference) }
            } else {
                XCTAssertEqual(value, initial[parameter], "\(name): \(parameter) changed, the reference's did not")
            }
        }
        XCTAssertEqual(Set(expectedAfter.keys).subtracting(after.keys), [], "\(name): parameters missing here")
        print("\(name): \(expectedAfter.count) parameters updated, max relative difference \(worst.difference) (\(worst.name))")
    }

    func testReferenceFreezingStepMatchesPyTorch() throws {
        try run(case: "reference", blocks: [1, 1, 2, 2], trainsBackbone: false)
    }

    func testTrainBackboneStepMatchesPyTorch() throws {
        try run(case: "backbone", blocks: [1, 1, 1, 1], trainsBackbone: true)
    }
}
