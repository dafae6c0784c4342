// Tests of `irn synth` and `irn demo` through the command line: the same seed writes the same
// bytes, usage mistakes exit 2 with a hint, and a tiny untrained demo prints both tables on
// stdout and writes index.html with its panels.
import XCTest
import Foundation
@testable import irn
import Pipeline
import Checkpoints
import Networks
import Tensors

final class DemoCommandTests: CommandTestCase {
    /// Every file under `root` (relative path → bytes).
    func contents(_ root: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = root + "/" + relative
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return files
    }

    func testSynthSameSeedSameBytes() throws {
        let first = run(["synth", "--out", path("a"), "--count", "4", "--seed", "9", "--size", "40", "--val", "1"])
        XCTAssertEqual(first.code, 0, first.err.joined(separator: "\n"))
        XCTAssertEqual(run(["synth", "--out", path("b"), "--count", "4", "--seed", "9", "--size", "40", "--val", "1"]).code, 0)
        XCTAssertEqual(run(["synth", "--out", path("c"), "--count", "4", "--seed", "10", "--size", "40", "--val", "1"]).code, 0)
        let a = try contents(path("a")), b = try contents(path("b")), c = try contents(path("c"))
        XCTAssertEqual(a.count, 4 * 3 + 5, "files: \(a.keys.sorted())")
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a["JPEGImages/syn9_00000.png"], c["JPEGImages/syn10_00000.png"])
        XCTAssertEqual(String(decoding: a["ImageSets/Segmentation/val.txt"]!, as: UTF8.self), "syn9_00003\n")
        XCTAssertTrue(first.err.last!.contains("3 train, 1 val"), first.err.last!)
    }

    func testSynthUsageErrors() {
        let jpeg = run(["synth", "--out", path("x"), "--count", "2", "--format", "jpg"])
        XCTAssertEqual(jpeg.code, 2)
        XCTAssertTrue(jpeg.err[0].contains("no JPEG encoder"), jpeg.err[0])
        XCTAssertEqual(run(["synth", "--out", path("x")]).code, 2)
        XCTAssertEqual(run(["synth", "--out", path("x"), "--count", "2", "--seed", "-1"]).code, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x")))
    }

    /// Tiny seeded networks (width 1/8, one block per layer) saved as the demo's safetensors.
    func writeTinyWeights(to folder: String) throws {
        let models = DemoModels.seeded(configuration: ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.125),
                                       seed: 3)
        let configuration = models.cam.backbone.configuration
        func save(_ layout: ParameterLayout, seed: UInt64, _ name: String) throws {
            let parameters = SeededWeights.parameters(for: layout, seed: seed)
            let dict = StateDict(parameters.keys.sorted().map { (name: $0, tensor: CheckpointTensor(parameters[$0]!)) })
            try FileIO.writeAtomically(SafeTensors.write(dict), to: folder + "/" + name)
        }
        try save(CAMNetwork.parameterLayout(configuration: configuration, classCount: 5), seed: 3, "demo_cam.safetensors")
        try save(IRNetwork.parameterLayout(configuration: configuration), seed: 4, "demo_irn.safetensors")
    }

    func testTinyDemoPrintsTablesAndWritesPage() throws {
        try writeTinyWeights(to: path("weights"))
        var out: [String] = [], err: [String] = []
        let code = IRNCommandLine.run(["demo", "--weights-dir", path("weights"), "--count", "1", "--size", "32", "--tune-count", "1",
                                       "--panels", "1", "--out", path("demo")],
                                      console: Console(out: { out.append($0) }, err: { err.append($0) }))
        XCTAssertEqual(code, 0, err.joined(separator: "\n"))
        let text = out.joined(separator: "\n")
        XCTAssertTrue(text.contains("Table 1. Semantic labels"), text)
        XCTAssertTrue(text.contains("+ displacement (IRN)"), text)
        XCTAssertTrue(text.contains("weights: trained weights in \(path("weights"))"), text)
        XCTAssertTrue(err.contains { $0.hasPrefix("demo: 1/1 scenes") }, err.joined(separator: "\n"))
        let html = try String(contentsOfFile: path("demo/index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("src=\"vis/syn1000_00000.png\""))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("demo/vis")), ["syn1000_00000.png"])
        XCTAssertEqual(try String(contentsOfFile: path("demo/results.txt"), encoding: .utf8), text + "\n")
        XCTAssertTrue(text.contains("settings chosen on 1 tuning scenes (seed 2000)"), text)
        let tuning = try String(contentsOfFile: path("demo/tuning.txt"), encoding: .utf8)
        XCTAssertTrue(tuning.hasPrefix("Tuning on 1 scenes (seed 2000)"), tuning)

        // Without tuning: the reference's settings, or the given ones; no tuning.txt.
        out = []
        XCTAssertEqual(IRNCommandLine.run(["demo", "--weights-dir", path("weights"), "--count", "1", "--size", "32",
                                           "--panels", "0", "--no-tune", "--beta", "20", "--out", path("fixed")],
                                          console: Console(out: { out.append($0) }, err: { _ in })), 0)
        XCTAssertTrue(out.joined().contains("settings (given): beta 20.0, semantic background 0.25, instance background 0.25, "
                                            + "CAM background 0.15"), out.joined())
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("fixed/tuning.txt")))
        XCTAssertEqual(run(["demo", "--beta", "0", "--out", path("x")]).code, 2)
        XCTAssertEqual(run(["demo", "--bg-threshold", "1.5", "--out", path("x")]).code, 2)
    }

    func testWeightsAreLookedForInTheEnvironmentTheCheckoutAndBesideTheExecutable() {
        let installed = URL(fileURLWithPath: "/opt/irn/bin/irn")
        XCTAssertEqual(DemoCommand.weightsFolders(environment: ["IRN_MODELS": "/data/models"], executable: installed),
                       ["/data/models", DemoCommand.bundledWeightsFolder, "/opt/irn/bin/Models", "/opt/irn/share/irn/Models"])
        XCTAssertEqual(DemoCommand.weightsFolders(environment: [:], executable: nil), [DemoCommand.bundledWeightsFolder])
        XCTAssertTrue(DemoModels.hasWeights(in: DemoCommand.bundledWeightsFolder), "the checkout's Models/ holds the bundled weights")
    }

    func testDemoRefusesAWeightsFolderWithoutWeights() throws {
        try FileManager.default.createDirectory(atPath: path("empty"), withIntermediateDirectories: true)
        let result = run(["demo", "--weights-dir", path("empty"), "--count", "1", "--out", path("demo")])
        XCTAssertEqual(result.code, 1)
        XCTAssertTrue(result.err[0].contains("demo_cam.safetensors"), result.err[0])
    }
}
