// "The loss goes down": a tiny CAM network (width 1/16, one bottleneck per layer, from the
// seeded scratch initialisation, every stage learning) trained on synthetic scenes — grey
// backgrounds with a red square and/or a blue disc at random places, labelled by what they
// contain — must bring the multilabel soft-margin loss well below its start within a few dozen
// steps, and the scratch initialisation must be deterministic in its seed.
import XCTest
import Networks
import Tensors
import Training

final class CAMTrainingConvergenceTests: XCTestCase {
    /// A normalised-looking scene [3, size, size] and its two labels (square, disc).
    static func scene(_ random: inout SeededRandom, size: Int) -> (image: [Float], labels: [Float]) {
        let hasSquare = random.nextBit(), hasDisc = random.nextBit()
        let plane = size * size
        var image = [Float](repeating: 0, count: 3 * plane)
        for i in 0..<(3 * plane) { image[i] = random.nextSymmetric(scale: 0.3) }
        func paint(_ colour: [Float], _ inside: (Int, Int) -> Bool) {
            for y in 0..<size { for x in 0..<size where inside(y, x) { for c in 0..<3 { image[c * plane + y * size + x] = colour[c] } } }
        }
        let extent = size / 3
        if hasSquare {
            let top = random.nextInt(in: 0...(size - extent)), left = random.nextInt(in: 0...(size - extent))
            paint([2, -1.5, -1.5]) { y, x in (top..<(top + extent)).contains(y) && (left..<(left + extent)).contains(x) }
        }
        if hasDisc {
            let cy = random.nextInt(in: extent / 2...(size - extent / 2)), cx = random.nextInt(in: extent / 2...(size - extent / 2))
            let r = extent / 2
            paint([-1.5, -1.5, 2]) { y, x in (y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r }
        }
        return (image, [hasSquare ? 1 : 0, hasDisc ? 1 : 0])
    }

    static func batch(_ random: inout SeededRandom, count: Int, size: Int) -> (images: Tensor, labels: Tensor) {
        var images: [Float] = [], labels: [Float] = []
        for _ in 0..<count {
            let s = scene(&random, size: size)
            images += s.image
            labels += s.labels
        }
        return (Tensor(shape: [count, 3, size, size], scalars: images), Tensor(shape: [count, 2], scalars: labels))
    }

    func testLossGoesDownOnSyntheticScenes() {
        let configuration = ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.0625)
        let initial = CAMInitialization.scratch(configuration: configuration, classCount: 2, seed: 1)
        let steps = 40
        var trainer = CAMTrainer(stateDict: initial, configuration: configuration, classCount: 2, trainsBackbone: true,
                                 learningRate: 0.1, weightDecay: 1e-4, maxStep: steps)
        var data = SeededRandom(seed: 2)
        // A fixed held-out batch measures the loss before and after.
        let heldOut = Self.batch(&data, count: 16, size: 32)
        let before = trainer.computeGradients(images: heldOut.images, labels: heldOut.labels).loss
        var curve: [Float] = []
        for _ in 0..<steps {
            let b = Self.batch(&data, count: 8, size: 32)
            curve.append(trainer.step(images: b.images, labels: b.labels).loss)
        }
        let after = trainer.computeGradients(images: heldOut.images, labels: heldOut.labels).loss
        print("synthetic scenes: held-out loss \(before) -> \(after); training loss first 5 \(curve.prefix(5)), last 5 \(curve.suffix(5))")
        // ln 2 ≈ 0.693 is where an untrained classifier starts; a network that sees colour gets far below.
        XCTAssertLessThan(after, before - 0.15, "held-out loss \(before) -> \(after)")
        XCTAssert(curve.allSatisfy(\.isFinite))
    }

    func testScratchInitialisationIsSeededAndZeroesResidualEnds() {
        let configuration = ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.0625)
        let a = CAMInitialization.scratch(configuration: configuration, classCount: 3, seed: 4)
        let b = CAMInitialization.scratch(configuration: configuration, classCount: 3, seed: 4)
        let c = CAMInitialization.scratch(configuration: configuration, classCount: 3, seed: 5)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a["resnet50.conv1.weight"], c["resnet50.conv1.weight"])
        XCTAssertEqual(a["resnet50.layer2.0.bn3.weight"], Tensor(shape: [32]))
        XCTAssertEqual(a["resnet50.layer2.0.bn2.weight"], Tensor(shape: [8], repeating: 1))
        XCTAssertEqual(a["resnet50.layer2.0.bn2.running_var"], Tensor(shape: [8], repeating: 1))
        // Kaiming normal (fan_in): the sample standard deviation of a 128x32 1x1 conv.
        let w = a["resnet50.layer4.0.conv3.weight"]!
        let expected = (2.0 / Double(w.shape[1])).squareRoot()
        let std = (w.scalars.map { Double($0 * $0) }.reduce(0, +) / Double(w.count)).squareRoot()
        XCTAssertEqual(std, expected, accuracy: 0.05 * expected)
        // The loaded network is the reference CAM network's layout.
        XCTAssertNoThrow(try CAMNetwork(parameters: a, configuration: configuration, classCount: 3))
    }
}
