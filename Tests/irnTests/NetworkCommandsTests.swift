// `irn cam`, `irn boundary`, `irn convert` of checkpoints and the in-memory mode of `irn sem-seg`:
// seeded width-0.25 networks written as safetensors by the test (the width is read from the
// checkpoint), run on a small photo crop; every output must equal the library call on the same
// inputs, and each mistake must give its exit code (2 usage, 1 runtime) with one error line.
import XCTest
import Foundation
import Checkpoints
import Codecs
import Networks
import Pipeline
import Tensors
import TestSupport
@testable import irn

final class NetworkCommandsTests: XCTestCase {
    private var folder: URL!
    static let configuration = ResNet50.Configuration(widthMultiplier: 0.25)
    static let camParameters = SeededWeights.parameters(
        for: CAMNetwork.parameterLayout(configuration: configuration), seed: 5)
    static let irnParameters = SeededWeights.parameters(
        for: IRNetwork.parameterLayout(configuration: configuration), seed: 6)

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("irn-networks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write(Self.camParameters, "cam.safetensors")
        try write(Self.irnParameters, "irn.safetensors")
        // A 21 × 30 crop of the make_cam photo (sides that are no multiple of 4).
        let photo = try ImageFiles.load(Fixtures.url("make_cam/chelsea_45x58.png").path)
        var pixels: [UInt8] = []
        for y in 10 ..< 31 { pixels += photo.pixels[(y * 58 + 14) * 3 ..< (y * 58 + 44) * 3] }
        try ImageFiles.save(Image(width: 30, height: 21, channels: 3, pixels: pixels), to: path("cat.png"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func write(_ parameters: [String: Tensor], _ name: String) throws {
        let dict = StateDict(parameters.keys.sorted().map { ($0, CheckpointTensor(parameters[$0]!)) })
        try FileIO.writeAtomically(SafeTensors.write(dict), to: path(name))
    }

    private func run(_ arguments: [String]) -> (code: Int32, err: [String]) {
        var err: [String] = []
        let code = IRNCommandLine.run(arguments, console: Console(out: { _ in }, err: { err.append($0) }))
        return (code, err)
    }

    private func image() throws -> Image { try ImageFiles.load(path("cat.png")) }

    func testCAMCommandEqualsLibrary() throws {
        let result = run(["cam", "--weights", path("cam.safetensors"), "--image", path("cat.png"),
                          "--classes", "dog,cat", "--scales", "1,0.5", "--out", path("out"), "--verbose"])
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        XCTAssertTrue(result.err.contains { $0.hasPrefix("CAM scale 0.5 (") }, result.err.joined(separator: "\n"))
        let written = try CAMFile.load(path("out/cam/cat.npz"))
        let network = try CAMNetwork(parameters: Self.camParameters, configuration: Self.configuration)
        let expected = classActivationMaps(of: try image(), network: network, keys: [7, 11], scales: [1, 0.5])
        XCTAssertEqual(written, expected)
        XCTAssertEqual(written.keys, [7, 11])
        XCTAssertEqual(written.cam.shape, [2, 6, 8])
    }

    func testBoundaryCommandEqualsLibrary() throws {
        let result = run(["boundary", "--weights", path("irn.safetensors"), "--image", path("cat.png"),
                          "--crop-size", "48", "--out", path("out")])
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        let written = try BoundaryFile.load(path("out/boundary/cat.npz"))
        let network = try IRNetwork(parameters: Self.irnParameters, configuration: Self.configuration)
        let expected = boundaryMaps(of: try image(), network: EdgeDisplacement(network: network, cropSize: 48))
        XCTAssertEqual(written, expected)
        XCTAssertEqual(written.edge.shape, [6, 8])
    }

    func testSemSegFromNetworksEqualsSemSegFromStageFiles() throws {
        XCTAssertEqual(run(["cam", "--weights", path("cam.safetensors"), "--image", path("cat.png"), "--classes", "cat",
                            "--scales", "1", "--out", path("staged")]).code, 0)
        XCTAssertEqual(run(["boundary", "--weights", path("irn.safetensors"), "--image", path("cat.png"),
                            "--crop-size", "48", "--out", path("staged")]).code, 0)
        XCTAssertEqual(run(["sem-seg", "--cam", path("staged/cam/cat.npz"), "--boundary", path("staged/boundary/cat.npz"),
                            "--out", path("staged")]).code, 0)
        let direct = run(["sem-seg", "--image", path("cat.png"), "--cam-weights", path("cam.safetensors"),
                          "--irn-weights", path("irn.safetensors"), "--classes", "cat", "--scales", "1",
                          "--crop-size", "48", "--out", path("direct")])
        XCTAssertEqual(direct.code, 0, direct.err.joined(separator: "\n"))
        let staged = try Fixtures.bytes(at: URL(fileURLWithPath: path("staged/sem_seg/cat.png")))
        XCTAssertEqual(try Fixtures.bytes(at: URL(fileURLWithPath: path("direct/sem_seg/cat.png"))), staged)
    }

    func testWrongCheckpointIsOneBindingErrorLine() {
        let result = run(["boundary", "--weights", path("cam.safetensors"), "--image", path("cat.png"), "--out", path("out")])
        XCTAssertEqual(result.code, 1)
        XCTAssertEqual(result.err.count, 2, result.err.joined(separator: "\n"))
        let line = result.err.first ?? ""
        XCTAssertTrue(line.hasPrefix("irn: error: \(path("cam.safetensors")): parameters do not fit IRNetwork"), line)
        XCTAssertTrue(line.contains("missing: fc_dp1.0.weight"), line)
        XCTAssertTrue(line.contains("unexpected: classifier.weight"), line)
        XCTAssertTrue(result.err.last?.hasPrefix("hint: ") ?? false)
    }

    func testMissingAndDamagedFilesAreRuntimeErrors() throws {
        let missing = run(["cam", "--weights", path("none.pth"), "--image", path("cat.png"), "--classes", "cat", "--out", path("out")])
        XCTAssertEqual(missing.code, 1)
        XCTAssertEqual(missing.err.first, "irn: error: no such file: \(path("none.pth"))")
        try FileIO.writeAtomically(Array("not a checkpoint at all".utf8), to: path("junk.pth"))
        let junk = run(["cam", "--weights", path("junk.pth"), "--image", path("cat.png"), "--classes", "cat", "--out", path("out")])
        XCTAssertEqual(junk.code, 1)
        XCTAssertTrue(junk.err.first?.hasPrefix("irn: error: \(path("junk.pth")): not a checkpoint") ?? false, junk.err.joined())
        let noImage = run(["boundary", "--weights", path("irn.safetensors"), "--image", path("none.png"), "--out", path("out")])
        XCTAssertEqual(noImage.code, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out")))
    }

    func testBadArgumentsAreUsageErrors() {
        let base = ["cam", "--weights", path("cam.safetensors"), "--image", path("cat.png"), "--out", path("out")]
        for (extra, message) in [(["--classes", "cat,unicorn"], "--classes: unknown class 'unicorn'"),
                                 (["--classes", ","], "--classes: the class list is empty"),
                                 (["--classes", "20"], "--classes: unknown class '20'"),
                                 (["--classes", "cat", "--scales", "1,x"], "--scales must be a comma-separated list of numbers, got '1,x'"),
                                 (["--classes", "cat", "--scales", "1,0"], "--scales must be numbers in (0, 4.0], got '1,0'"),
                                 (["--classes", "cat", "--scales", "0.01"], "scale 0.01 shrinks")] {
            let result = run(base + extra)
            XCTAssertEqual(result.code, 2, "\(extra)")
            XCTAssertTrue(result.err.first?.hasPrefix("irn: error: \(message)") ?? false, "\(extra): \(result.err)")
        }
        XCTAssertEqual(run(["cam", "--image", path("cat.png"), "--classes", "cat", "--out", path("out")]).code, 2)
        let both = run(["sem-seg", "--cam", "c.npz", "--boundary", "b.npz", "--cam-weights", "w", "--irn-weights", "w",
                        "--image", path("cat.png"), "--classes", "cat", "--out", path("out")])
        XCTAssertEqual(both.code, 2)
        XCTAssertTrue(both.err.first?.contains("not both") ?? false, "\(both.err)")
        XCTAssertEqual(run(["ins-seg", "--out", path("out")]).code, 2)
        XCTAssertEqual(run(["ins-seg", "--cam-weights", "w", "--classes", "cat", "--image", "i.png", "--out", path("out")]).code, 2)
        XCTAssertEqual(run(["boundary", "--weights", "w", "--image", "i.png", "--crop-size", "8", "--out", path("out")]).code, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out")))
    }

    func testConvertCheckpointToSafeTensors() throws {
        for name in ["state_zip", "state_legacy"] {
            let source = Fixtures.url("checkpoints/\(name).pth").path
            let result = run(["convert", source, path("\(name).safetensors")])
            XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
            let original = try TorchCheckpoint.stateDict(from: Fixtures.bytes(at: URL(fileURLWithPath: source)))
            let converted = try SafeTensors.read(Fixtures.bytes(at: URL(fileURLWithPath: path("\(name).safetensors")))).tensors
            XCTAssertEqual(Set(converted.names), Set(original.names))
            for (entry, tensor) in original.entries {
                let copy = try XCTUnwrap(converted[entry])
                XCTAssertEqual(copy.shape, tensor.shape, entry)
                if tensor.dtype.isFloatingPoint {
                    XCTAssertEqual(copy.dtype, .float32, entry)
                    XCTAssertEqual(copy.floatTensor(), tensor.floatTensor(), entry)
                } else {
                    XCTAssertEqual(copy, tensor, entry)
                }
            }
        }
        let image = run(["convert", path("cat.png"), path("cat.safetensors")])
        XCTAssertEqual(image.code, 1)
        XCTAssertTrue(image.err.first?.contains("is not a checkpoint") ?? false, "\(image.err)")
    }
}
