// Shared pieces of the network tests: seeded parameters (built once per test process, since a
// full-width ResNet50 has 25M of them), the networks built from them, seeded inputs that
// mirror Fixtures/Generators/networks.py, and the golden comparison (max |error| at most
// 1e-4 of the reference tensor's largest |value|).
import Foundation
import XCTest
import Tensors
import Networks
import TestSupport

enum NetworkGoldens {
    /// Base seed of every golden's weights (WEIGHT_SEED in networks.py).
    static let weightSeed: UInt64 = 2019
    static let quarterWidth = ResNet50.Configuration(widthMultiplier: 0.25)

    /// IRNet's parameters include the whole backbone; the CAM network adds its classifier.
    private static func parameters(_ configuration: ResNet50.Configuration) -> [String: Tensor] {
        var layout = IRNetwork.parameterLayout(configuration: configuration)
        layout.append("classifier.weight", shape: [20, configuration.featureChannels[4], 1, 1])
        return SeededWeights.parameters(for: layout, seed: weightSeed)
    }

    static let fullParameters = parameters(.reference)
    static let quarterParameters = parameters(quarterWidth)

    static func camParameters(_ all: [String: Tensor]) -> [String: Tensor] {
        all.filter { $0.key.hasPrefix("resnet50.") || $0.key == "classifier.weight" }
    }

    static func irnParameters(_ all: [String: Tensor]) -> [String: Tensor] {
        all.filter { $0.key != "classifier.weight" }
    }

    static let fullCAM = try! CAMNetwork(parameters: camParameters(fullParameters))
    static let fullIRN = try! IRNetwork(parameters: irnParameters(fullParameters))
    static let quarterCAM = try! CAMNetwork(parameters: camParameters(quarterParameters),
                                            configuration: quarterWidth)
    static let quarterIRN = try! IRNetwork(parameters: irnParameters(quarterParameters),
                                           configuration: quarterWidth)

    /// One seeded image [1, 3, H, W] in [-2, 2) (`image` in networks.py).
    static func image(seed: UInt64, height: Int, width: Int) -> Tensor {
        var random = SeededRandom(seed: seed)
        return random.tensor(shape: [1, 3, height, width], scale: 2)
    }

    /// [image, flip(image)], or two independent images (seeds seed, seed + 1) (`pair`).
    static func pair(seed: UInt64, height: Int, width: Int, flipped: Bool = true) -> Tensor {
        let first = image(seed: seed, height: height, width: width)
        let second = flipped ? flipHorizontal(first) : image(seed: seed + 1, height: height, width: width)
        return Tensor(shape: [2, 3, height, width], scalars: first.scalars + second.scalars)
    }

    static func expected(_ name: String) throws -> Tensor {
        try Fixtures.tensor("networks/\(name).npy")
    }
}

/// Whole-tensor comparison: |actual − expected| ≤ 1e-4 · max |expected| everywhere.
func assertMatchesReference(_ actual: Tensor, _ expected: Tensor, _ name: String,
                            file: StaticString = #filePath, line: UInt = #line) {
    let peak = expected.scalars.map(abs).max() ?? 0
    assertClose(actual, expected, atol: 1e-4 * peak, rtol: 0, name, file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let error = maxErrorRelativeToPeak(actual.scalars, expected.scalars)
    XCTAssertLessThanOrEqual(error, 1e-4, name, file: file, line: line)
    print("\(name): max |error| / max |reference| = \(error) (peak \(peak))")
}
