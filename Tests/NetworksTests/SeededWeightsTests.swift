// SeededWeights against its Python twin (Fixtures/Generators/seeded_weights.py): a few tensors
// of every kind of the rule, drawn with seed 7 and concatenated in RULE_SAMPLES order, must be
// bit-identical.
import XCTest
import Tensors
import Networks
import TestSupport

final class SeededWeightsTests: XCTestCase {
    func testMatchesPythonTwin() throws {
        let samples: [(String, [Int])] = [
            ("resnet50.conv1.weight", [2, 3, 2, 2]),
            ("resnet50.layer1.0.bn1.weight", [5]),
            ("resnet50.layer1.0.bn1.bias", [5]),
            ("resnet50.layer1.0.bn1.running_mean", [5]),
            ("resnet50.layer1.0.bn1.running_var", [5]),
            ("mean_shift.running_mean", [2]),
            ("fc_edge6.bias", [1]),
            ("classifier.weight", [3, 4, 1, 1]),
        ]
        let values = samples.flatMap { SeededWeights.tensor(named: $0.0, shape: $0.1, seed: 7).scalars }
        let expected = try Fixtures.tensor("networks/seeded_weights.npy")
        XCTAssertEqual(values, expected.scalars)
    }

    func testValuesDependOnNameAndSeedOnly() {
        let a = SeededWeights.tensor(named: "fc_dp1.0.weight", shape: [4, 6, 1, 1], seed: 3)
        XCTAssertEqual(a, SeededWeights.tensor(named: "fc_dp1.0.weight", shape: [4, 6, 1, 1], seed: 3))
        XCTAssertNotEqual(a, SeededWeights.tensor(named: "fc_dp2.0.weight", shape: [4, 6, 1, 1], seed: 3))
        XCTAssertNotEqual(a, SeededWeights.tensor(named: "fc_dp1.0.weight", shape: [4, 6, 1, 1], seed: 4))
        let bound = (3.0 / 6.0).squareRoot()
        XCTAssertTrue(a.scalars.allSatisfy { abs(Double($0)) <= bound })
        let variance = SeededWeights.tensor(named: "x.running_var", shape: [100], seed: 1)
        XCTAssertTrue(variance.scalars.allSatisfy { $0 >= 0.8 && $0 <= 1.2 })
    }

    func testParametersCoverTheLayout() {
        let layout = CAMNetwork.parameterLayout(configuration: .init(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.125))
        let parameters = SeededWeights.parameters(for: layout, seed: 1)
        XCTAssertEqual(Set(parameters.keys), Set(layout.entries.map(\.name)))
        for entry in layout.entries { XCTAssertEqual(parameters[entry.name]?.shape, entry.shape, entry.name) }
    }
}
