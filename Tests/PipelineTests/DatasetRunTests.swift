// DatasetRun as a library call on Fixtures/run_mini with seeded width-1/16 networks passed in:
// its files equal the stage functions' results on the same image; progress is reported per
// image; a second run skips everything, a removed file is redone alone with the same bytes;
// shards partition any list; stale temporary files of this run's ids (only) are removed; a
// later step alone without the earlier step's files fails naming the image.
import XCTest
import Foundation
import Codecs
import Networks
import Pipeline
import Tensors
import TestSupport

final class DatasetRunTests: XCTestCase {
    static let configuration = ResNet50.Configuration(widthMultiplier: 0.0625)
    static let camNetwork = try! CAMNetwork(
        parameters: SeededWeights.parameters(for: CAMNetwork.parameterLayout(configuration: configuration), seed: 5),
        configuration: configuration)
    static let irNetwork = EdgeDisplacement(
        network: try! IRNetwork(parameters: SeededWeights.parameters(for: IRNetwork.parameterLayout(configuration: configuration), seed: 6),
                                configuration: configuration),
        cropSize: 16)
    let root = Fixtures.url("run_mini").path
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("irn-datasetrun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func makeRun(steps: [PipelineStep] = PipelineStep.allCases, shard: DatasetRunShard = .all) throws -> DatasetRun {
        let configuration = DatasetRunConfiguration(
            source: try .voc(root: root, list: "train"), output: folder.path, steps: steps, scales: [1, 0.5],
            cropSize: 16, labeling: WalkLabeling(expTimes: 4), shard: shard)
        return DatasetRun(configuration, camNetwork: Self.camNetwork, irNetwork: Self.irNetwork)
    }

    private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    func testRunEqualsStageFunctionsAndResumes() throws {
        let run = try makeRun()
        let ids = run.configuration.source.ids
        XCTAssertEqual(ids, ["2007_000001", "cat.photo", "coffee", "camera_grey", "odd"])
        var reports: [DatasetRunProgress] = []
        let first = try run.run { reports.append($0) }
        XCTAssertEqual(reports.map(\.done), [1, 2, 3, 4, 5])
        XCTAssertEqual(reports.map(\.id), ids)
        XCTAssertEqual(reports.last?.computed, 5)
        XCTAssertNotNil(reports.last?.imagesPerSecond)
        XCTAssertEqual(first.computed, 5)
        XCTAssertEqual(Set(first.stepImages.values), [5])
        XCTAssertEqual(first.stepImages.count, 5)

        // The files are the stage functions' results on the same inputs.
        let dataset = try VOCDataset(root: root)
        for id in ids {
            let image = try ImageFiles.load(dataset.imagePath(id))
            let cam = classActivationMaps(of: image.rgb(), network: Self.camNetwork, keys: try dataset.imageLabels(id), scales: [1, 0.5])
            XCTAssertEqual(try CAMFile.load(run.outputs.primaryPath(.cam, id)), cam, id)
            let boundary = boundaryMaps(of: image.rgb(), network: Self.irNetwork)
            XCTAssertEqual(try BoundaryFile.load(run.outputs.primaryPath(.boundary, id)), boundary, id)
            let mined = RelationMining().labels(image: image, highRes: cam.highRes!, keys: cam.keys)
            XCTAssertEqual(try LabelMapFile.read(run.outputs.primaryPath(.irLabel, id)).values, mined, id)
            let semantic = WalkLabeling(expTimes: 4).semantic(cam: cam, boundary: boundary)
            XCTAssertEqual(try LabelMapFile.read(run.outputs.primaryPath(.semSeg, id)).values, semantic, id)
            let instances = try WalkLabeling(expTimes: 4).instances(cam: cam, boundary: boundary)
            let stored = try LabelFiles.decodeInstances(try FileIO.read(run.outputs.primaryPath(.insSeg, id)))
            XCTAssertEqual(stored.masks, instances.masks, id)
            XCTAssertEqual(stored.classes, instances.classes, id)
            XCTAssertTrue(zip(stored.scores, instances.scores).allSatisfy { $0.bitPattern == $1.bitPattern }, id)
        }

        // Everything exists: a second run (a new process would be a new DatasetRun) skips all.
        let before = ids.flatMap { id in PipelineStep.allCases.flatMap { run.outputs.paths($0, id) } }.map(bytes)
        reports = []
        let second = try makeRun().run { reports.append($0) }
        XCTAssertEqual(second.computed, 0)
        XCTAssertEqual(second.skipped, 5)
        XCTAssertEqual(reports.last?.skipped, 5)
        XCTAssertNil(reports.last?.imagesPerSecond)

        // One removed file is redone alone, with the same bytes.
        try FileManager.default.removeItem(atPath: run.outputs.primaryPath(.semSeg, "coffee"))
        let third = try makeRun().run()
        XCTAssertEqual(third.computed, 1)
        XCTAssertEqual(third.stepImages, [.semSeg: 1])
        let after = ids.flatMap { id in PipelineStep.allCases.flatMap { run.outputs.paths($0, id) } }.map(bytes)
        XCTAssertEqual(after, before)
    }

    func testShardsPartitionEveryList() throws {
        for count in 1 ... 5 {
            for length in [0, 1, 4, 13] {
                let list = Array(0 ..< length)
                let parts = (1 ... count).map { DatasetRunShard(index: $0, count: count).select(list) }
                XCTAssertEqual(parts.flatMap { $0 }.sorted(), list)
                XCTAssertLessThanOrEqual((parts.map(\.count).max() ?? 0) - (parts.map(\.count).min() ?? 0), 1)
                for (k, part) in parts.enumerated() {
                    XCTAssertTrue(part.allSatisfy { $0 % count == k }, "\(k + 1)/\(count): \(part)")
                    XCTAssertEqual(part, part.sorted())
                }
            }
        }
        XCTAssertEqual(try DatasetRunShard(parsing: "2/3"), DatasetRunShard(index: 2, count: 3))
        for bad in ["0/2", "3/2", "x", "1/0", "1/2/3", "-1/2", "", "/2", "1/", " 1/2"] {
            XCTAssertThrowsError(try DatasetRunShard(parsing: bad), bad) { error in
                XCTAssertEqual(error as? DatasetRunShardError, .malformed(bad))
            }
        }
        // A sharded run takes its own ids.
        XCTAssertEqual(try makeRun(shard: DatasetRunShard(index: 2, count: 2)).shardIDs, ["cat.photo", "camera_grey"])
    }

    func testStaleTemporaryFilesOfThisRunAreRemoved() throws {
        XCTAssertEqual(DatasetRun.partialFileStem(".a.b.png.123.partial", extensions: ["png"]), "a.b")
        XCTAssertEqual(DatasetRun.partialFileStem(".x.json.7.partial", extensions: ["npz", "png", "json"]), "x")
        XCTAssertNil(DatasetRun.partialFileStem(".x.npz.12.partial", extensions: ["png"]))
        XCTAssertNil(DatasetRun.partialFileStem(".x.png.partial", extensions: ["png"]))
        XCTAssertNil(DatasetRun.partialFileStem(".x.png.1a.partial", extensions: ["png"]))
        XCTAssertNil(DatasetRun.partialFileStem("x.png.12.partial", extensions: ["png"]))

        let semSeg = folder.appendingPathComponent("sem_seg")
        try FileManager.default.createDirectory(at: semSeg, withIntermediateDirectories: true)
        let ours = semSeg.appendingPathComponent(".odd.png.4242.partial").path
        let theirs = semSeg.appendingPathComponent(".other.png.4242.partial").path
        for path in [ours, theirs] { try Data([0]).write(to: URL(fileURLWithPath: path)) }
        let run = try makeRun(steps: [.cam, .semSeg, .boundary])
        let summary = try run.run(ids: ["odd"])
        XCTAssertEqual(summary.removedPartialFiles, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ours))
        XCTAssertTrue(FileManager.default.fileExists(atPath: theirs), "another shard's file is left alone")
        XCTAssertEqual(summary.stepImages, [.cam: 1, .boundary: 1, .semSeg: 1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.outputs.primaryPath(.irLabel, "odd")))
    }

    func testLaterStepAloneNeedsEarlierFiles() throws {
        let run = try makeRun(steps: [.insSeg])
        XCTAssertThrowsError(try run.run()) { error in
            guard case DatasetRunError.missingInput(let id, let step, let path, let producer)? = error as? DatasetRunError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(id, "2007_000001")
            XCTAssertEqual(step, .insSeg)
            XCTAssertEqual(producer, .cam)
            XCTAssertEqual(path, run.outputs.primaryPath(.cam, "2007_000001"))
        }
        // Without networks and without weights, the cam step says which checkpoint it lacks.
        let bare = DatasetRun(DatasetRunConfiguration(source: try .voc(root: root, list: "train"), output: folder.path))
        XCTAssertThrowsError(try bare.run()) { error in
            guard case DatasetRunError.missingWeights(.cam)? = error as? DatasetRunError else { return XCTFail("\(error)") }
        }
    }
}
