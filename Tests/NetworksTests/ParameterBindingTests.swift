// Binding state dicts to networks: every key of the reference's saved state dicts
// (Fixtures/networks/*_state_dict.txt, with the key each one aliases, read from PyTorch's shared
// storage) is either a canonical name, an alias resolving to the right canonical name, or
// ignored; whole reference-shaped dicts bind, with or without the canonical names; and a
// broken dict produces one error listing every problem.
import XCTest
import Tensors
import Networks
import TestSupport

final class ParameterBindingTests: XCTestCase {
    typealias Key = (name: String, shape: [Int], owner: String)

    func keys(_ file: String) throws -> [Key] {
        let text = try String(contentsOf: Fixtures.url("networks/\(file)"), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return (fields[0], fields[1].isEmpty ? [] : fields[1].split(separator: ",").map { Int($0)! }, fields[2])
        }
    }

    /// Every key resolves to the name of the tensor it shares storage with, or is ignored.
    func checkAliases(_ layout: ParameterLayout, _ file: String) throws {
        var resolved = 0, ignored = 0
        for key in try keys(file) {
            if let canonical = layout.canonicalName(for: key.name) {
                XCTAssertEqual(canonical, key.owner, key.name)
                XCTAssertEqual(layout.shape(of: canonical), key.shape, key.name)
                resolved += 1
            } else {
                XCTAssertTrue(key.name.hasSuffix(".num_batches_tracked") || key.name.hasPrefix("path_indices")
                                || key.name == "disp_target", "\(key.name) neither resolves nor is ignored")
                ignored += 1
            }
        }
        let owners = Set(try keys(file).map(\.owner)).filter { layout.shape(of: $0) != nil }
        XCTAssertEqual(owners, Set(layout.entries.map(\.name)), "every needed tensor appears in the reference")
        print("\(file): \(resolved) keys resolve, \(ignored) ignored, \(layout.entries.count) tensors needed")
    }

    func testCAMAliasesFollowTheReferenceModules() throws {
        try checkAliases(CAMNetwork.parameterLayout(), "cam_state_dict.txt")
    }

    func testIRNetworkAliasesFollowTheReferenceModules() throws {
        try checkAliases(IRNetwork.parameterLayout(), "irn_state_dict.txt")
    }

    /// A dict with every reference key (at quarter width; ignored buffers as tiny tensors) binds,
    /// and binds to the same tensors when only the aliases are present.
    func checkReferenceDictBinds(_ layout: ParameterLayout, _ file: String) throws {
        let canonical = SeededWeights.parameters(for: layout, seed: 5)
        var full: [String: Tensor] = [:]
        var aliasesOnly: [String: Tensor] = [:]
        for key in try keys(file) {
            let tensor = canonical[key.owner] ?? Tensor(shape: [1])
            full[key.name] = tensor
            if key.name == key.owner && canonical[key.name] != nil { continue }
            aliasesOnly[key.name] = tensor
        }
        XCTAssertLessThan(aliasesOnly.count, full.count)
        XCTAssertEqual(try layout.bind(full), canonical)
        XCTAssertEqual(try layout.bind(aliasesOnly), canonical)
    }

    func testReferenceCAMStateDictBinds() throws {
        try checkReferenceDictBinds(CAMNetwork.parameterLayout(configuration: NetworkGoldens.quarterWidth),
                                    "cam_state_dict.txt")
    }

    func testReferenceIRNetworkStateDictBinds() throws {
        try checkReferenceDictBinds(IRNetwork.parameterLayout(configuration: NetworkGoldens.quarterWidth),
                                    "irn_state_dict.txt")
    }

    func testCanonicalNameWinsOverAlias() throws {
        let layout = CAMNetwork.parameterLayout(configuration: .init(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.125))
        var parameters = SeededWeights.parameters(for: layout, seed: 9)
        parameters["stage1.0.weight"] = Tensor(shape: [3, 3])  // wrong shape, but shadowed
        parameters["backbone.0.0.weight"] = Tensor(shape: [8, 3, 7, 7], repeating: 5)
        XCTAssertEqual(try layout.bind(parameters), SeededWeights.parameters(for: layout, seed: 9))
    }

    func testOneErrorListsEveryProblem() throws {
        let configuration = ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.125)
        let layout = IRNetwork.parameterLayout(configuration: configuration)
        var parameters = SeededWeights.parameters(for: layout, seed: 9)
        parameters["fc_edge3.1.bias"] = nil
        parameters["resnet50.layer2.0.bn1.running_var"] = nil
        parameters["fc_edge6.weight"] = Tensor(shape: [1, 161, 1, 1])
        parameters["mean_shift.running_mean"] = nil
        parameters["fc_dp7.4.running_mean"] = Tensor(shape: [3])
        parameters["classifier.weight"] = Tensor(shape: [20, 256, 1, 1])
        parameters["module.fc_edge1.0.weight"] = Tensor(shape: [1])
        parameters["path_indices3"] = Tensor(shape: [2, 5, 7])
        parameters["disp_target"] = Tensor(shape: [1, 2, 3, 1])
        parameters["resnet50.bn1.num_batches_tracked"] = Tensor(shape: [])
        XCTAssertThrowsError(try IRNetwork(parameters: parameters, configuration: configuration)) { error in
            guard let error = error as? NetworkBindingError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.network, "IRNetwork")
            XCTAssertEqual(error.missing, ["fc_edge3.1.bias", "resnet50.layer2.0.bn1.running_var"])
            XCTAssertEqual(error.unexpected, ["classifier.weight", "module.fc_edge1.0.weight"])
            XCTAssertEqual(error.wronglyShaped, [
                .init(name: "fc_dp7.4.running_mean", expected: [2], found: [3]),
                .init(name: "fc_edge6.weight", expected: [1, 160, 1, 1], found: [1, 161, 1, 1]),
            ])
            XCTAssertEqual(error.description, """
                parameters do not fit IRNetwork: 2 missing: fc_edge3.1.bias, resnet50.layer2.0.bn1.running_var; \
                2 unexpected: classifier.weight, module.fc_edge1.0.weight; 2 wrongly shaped: \
                fc_dp7.4.running_mean is [3], expected [2], fc_edge6.weight is [1, 161, 1, 1], expected [1, 160, 1, 1]
                """)
        }
    }

    func testStandaloneBackboneUsesTorchvisionNames() throws {
        let configuration = ResNet50.Configuration(blockCounts: [1, 2, 1, 1], widthMultiplier: 0.125)
        let layout = ResNet50.parameterLayout(prefix: "", configuration: configuration)
        XCTAssertEqual(layout.entries.first?.name, "conv1.weight")
        XCTAssertNotNil(layout.shape(of: "layer2.1.conv3.weight"))
        XCTAssertNil(layout.shape(of: "layer2.1.downsample.0.weight"))
        let parameters = SeededWeights.parameters(for: layout, seed: 3)
        let backbone = try ResNet50(parameters: parameters, prefix: "", configuration: configuration)
        let features = backbone.features(Tensor(shape: [1, 3, 19, 23], repeating: 0.5))
        XCTAssertEqual(features.x5.shape, [1, 256, 2, 2])
        XCTAssertThrowsError(try ResNet50(parameters: parameters, configuration: configuration))
    }
}
