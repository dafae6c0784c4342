// RunFixture: what the `irn run` tests share, made once per test process: seeded width-1/16
// checkpoints (safetensors), the five-photo VOC folder of Fixtures/run_mini (sides of 6 to 15
// pixels, hand-made ground truth), the same photos as a custom dataset (image folder + labels
// file, plus two copies under other ids), and one uninterrupted reference run of each. Small
// options keep debug runs short: scales 1 and 0.5, IRNet inputs padded only to the next
// multiple of 16, two walk doublings fewer than the default.
import XCTest
import Foundation
import Checkpoints
import Codecs
import Networks
import Pipeline
import Tensors
import TestSupport
@testable import irn

final class RunFixture {
    static let shared: RunFixture = {
        do { return try RunFixture() } catch { fatalError("RunFixture: \(error)") }
    }()

    let folder: URL
    let vocRoot = Fixtures.url("run_mini").path
    var vocList: String { vocRoot + "/ImageSets/Segmentation/train.txt" }
    let vocIDs = ["2007_000001", "cat.photo", "coffee", "camera_grey", "odd"]
    /// Ids of the custom dataset: the VOC ids and two copies.
    let customIDs = ["2007_000001", "cat.photo", "coffee", "camera_grey", "odd", "copy-a", "copy-b"]
    /// The options every run of these tests shares (the stage parameters).
    let stageOptions = ["--scales", "1,0.5", "--crop-size", "16", "--exp-times", "6"]
    /// The VOC run and the custom run, uninterrupted, one process, default threads.
    let vocReference: String
    let customReference: String

    static let configuration = ResNet50.Configuration(widthMultiplier: 0.0625)

    private init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("irn-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.write(SeededWeights.parameters(for: CAMNetwork.parameterLayout(configuration: Self.configuration), seed: 5),
                       to: folder.appendingPathComponent("cam.safetensors").path)
        try Self.write(SeededWeights.parameters(for: IRNetwork.parameterLayout(configuration: Self.configuration), seed: 6),
                       to: folder.appendingPathComponent("irn.safetensors").path)
        // The custom layout: images named by id with mixed extensions, classes by name or index.
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let names = ["2007_000001": "2007_000001.jpg", "cat.photo": "cat.photo", "coffee": "coffee.jpeg",
                     "camera_grey": "camera_grey.jpg", "odd": "odd.JPG", "copy-a": "copy-a.jpg", "copy-b": "copy-b"]
        let sources = ["copy-a": "cat.photo", "copy-b": "coffee"]
        for (id, name) in names {
            try FileManager.default.copyItem(atPath: vocRoot + "/JPEGImages/\(sources[id] ?? id).jpg",
                                             toPath: images.appendingPathComponent(name).path)
        }
        let labels = try String(contentsOfFile: vocRoot + "/labels.txt", encoding: .utf8) + "\ncopy-a cat 8\ncopy-b diningtable,bottle\n"
        try Data(labels.utf8).write(to: folder.appendingPathComponent("labels.txt"))
        vocReference = folder.appendingPathComponent("voc-reference").path
        customReference = folder.appendingPathComponent("custom-reference").path
        for (arguments, name) in [(vocArguments(out: vocReference), "VOC"), (customArguments(out: customReference), "custom")] {
            var err: [String] = []
            let code = IRNCommandLine.run(arguments, console: Console(out: { _ in }, err: { err.append($0) }))
            guard code == 0 else { throw CommandFailure(message: "\(name) reference run failed: \(err)", hint: "") }
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    var weightArguments: [String] {
        ["--cam-weights", path("cam.safetensors"), "--irn-weights", path("irn.safetensors")]
    }

    func vocArguments(out: String) -> [String] {
        ["run", "--voc-root", vocRoot, "--list", vocList, "--out", out] + weightArguments + stageOptions
    }

    func customArguments(out: String) -> [String] {
        ["run", "--images", path("images"), "--labels", path("labels.txt"), "--out", out] + weightArguments + stageOptions
    }

    static func write(_ parameters: [String: Tensor], to path: String) throws {
        let dict = StateDict(parameters.keys.sorted().map { ($0, CheckpointTensor(parameters[$0]!)) })
        try FileIO.writeAtomically(SafeTensors.write(dict), to: path)
    }

    /// Every file under `root` (relative paths, sorted), hidden ones included.
    static func files(under root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(name)
            }
        }
        return files.sorted()
    }

    /// Asserts that two output folders hold the same files with the same bytes.
    static func assertSameFiles(_ actual: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let names = files(under: expected)
        XCTAssertEqual(files(under: actual), names, "file lists differ", file: file, line: line)
        for name in names {
            let a = FileManager.default.contents(atPath: actual + "/" + name)
            let b = FileManager.default.contents(atPath: expected + "/" + name)
            XCTAssertNotNil(a, name, file: file, line: line)
            XCTAssertEqual(a, b, "\(name) differs", file: file, line: line)
        }
    }
}
