// `irn run` end to end on Fixtures/run_mini (five tiny photos with hand-made ground truth) with
// seeded width-1/16 checkpoints (RunFixture): every output equals, byte for byte, what the
// single-image commands write for the same image; `irn eval sem|ins` on the outputs equals the
// Evaluation module on the written files; `irn export coco` decodes back to the written masks;
// the custom layout gives the VOC layout's files; shards, thread counts, reruns and a SIGKILL
// in the middle all give the uninterrupted run's bytes; bad inputs fail with one line and a hint.
import XCTest
import Foundation
import Checkpoints
import Codecs
import Evaluation
import Pipeline
import Tensors
import TestSupport
@testable import irn

final class RunCommandTests: CommandTestCase {
    var fixture: RunFixture { RunFixture.shared }
    private var savedThreads = Parallelism.threadCount

    override func tearDownWithError() throws {
        Parallelism.threadCount = savedThreads
        try super.tearDownWithError()
    }

    private func runCapturingOut(_ arguments: [String]) -> (code: Int32, out: [String], err: [String]) {
        var out: [String] = [], err: [String] = []
        let code = IRNCommandLine.run(arguments, console: Console(out: { out.append($0) }, err: { err.append($0) }))
        return (code, out, err)
    }

    private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    // MARK: equal to the single-image commands

    func testRunWritesWhatTheSingleImageCommandsWrite() throws {
        let reference = fixture.vocReference
        let dataset = try VOCDataset(root: fixture.vocRoot)
        let single = path("single")
        for id in fixture.vocIDs {
            let image = dataset.imagePath(id)
            let classes = try dataset.imageLabels(id).map(String.init).joined(separator: ",")
            let cam = single + "/cam/\(id).npz", boundary = single + "/boundary/\(id).npz"
            for arguments in [
                ["cam", "--weights", fixture.path("cam.safetensors"), "--image", image, "--classes", classes,
                 "--scales", "1,0.5", "--out", single],
                ["boundary", "--weights", fixture.path("irn.safetensors"), "--image", image, "--crop-size", "16", "--out", single],
                ["mine-relations", "--image", image, "--cam", cam, "--out", single],
                ["sem-seg", "--cam", cam, "--boundary", boundary, "--exp-times", "6", "--out", single],
                ["ins-seg", "--cam", cam, "--boundary", boundary, "--exp-times", "6", "--out", single],
            ] {
                let result = run(arguments)
                XCTAssertEqual(result.code, 0, "\(arguments[0]) \(id): \(result.err)")
            }
        }
        RunFixture.assertSameFiles(reference, single)
        // 7 files per image, and real content: every image has CAM keys and some labelled pixels.
        XCTAssertEqual(RunFixture.files(under: reference).count, 7 * fixture.vocIDs.count)
        for id in fixture.vocIDs {
            let cam = try CAMFile.load(reference + "/cam/\(id).npz")
            XCTAssertEqual(cam.keys, try dataset.imageLabels(id))
            let labels = try LabelMapFile.read(reference + "/sem_seg/\(id).png")
            XCTAssertEqual(labels.width, cam.width)
            XCTAssertTrue(Set(labels.values).isSubset(of: Set([0] + cam.keys.map { UInt8($0 + 1) })))
        }
    }

    func testCustomLayoutWritesTheVOCLayoutsFiles() throws {
        let custom = fixture.customReference, voc = fixture.vocReference
        XCTAssertEqual(RunFixture.files(under: custom).count, 7 * fixture.customIDs.count)
        for id in fixture.vocIDs {
            for step in PipelineStep.allCases {
                for ext in step.fileExtensions {
                    let name = "\(step.folder)/\(id).\(ext)"
                    XCTAssertEqual(bytes(custom + "/" + name), bytes(voc + "/" + name), name)
                }
            }
        }
        // The copies equal their originals (the JSON names the image, so it differs by the id).
        for (copy, original) in [("copy-a", "cat.photo"), ("copy-b", "coffee")] {
            for name in ["cam/%@.npz", "boundary/%@.npz", "ir_label/%@.png", "sem_seg/%@.png", "ins_seg/%@.npz", "ins_seg/%@.png"] {
                XCTAssertEqual(bytes(custom + "/" + String(format: name, copy)), bytes(voc + "/" + String(format: name, original)), name)
            }
        }
    }

    // MARK: evaluation and export of the outputs

    func testEvalOfRunOutputsEqualsEvaluationOfTheWrittenFiles() throws {
        let out = fixture.vocReference
        let dataset = try VOCDataset(root: fixture.vocRoot)
        var confusion = ConfusionMatrix()
        var evaluator = InstanceSegmentationEvaluator(iouThresholds: InstanceSegmentationEvaluator.standardThresholds)
        var instanceCount = 0
        for id in fixture.vocIDs {
            let truth = try LabelMapFile.read(dataset.classMapPath(id))
            let predicted = try LabelMapFile.read(out + "/sem_seg/\(id).png")
            confusion.accumulate(prediction: predicted.values, groundTruth: truth.values)
            let instances = try LabelFiles.decodeInstances(try Fixtures.bytes(at: URL(fileURLWithPath: out + "/ins_seg/\(id).npz")))
            instanceCount += instances.count
            let pixels = instances.height * instances.width
            evaluator.add(prediction: PredictedInstances(masks: InstanceMasks(count: instances.count, pixelCount: pixels, bytes: instances.masks),
                                                         labels: instances.classes, scores: instances.scores.map(Double.init)),
                          groundTruth: try dataset.instances(id).instances)
        }
        XCTAssertGreaterThan(instanceCount, 0)
        let summary = SemanticSummary(confusion)

        let sem = runCapturingOut(["eval", "sem", "--pred", out + "/sem_seg", "--voc-root", fixture.vocRoot, "--list", fixture.vocList, "--json"])
        XCTAssertEqual(sem.code, 0, "\(sem.err)")
        let semJSON = try object(sem.out.joined())
        XCTAssertEqual(semJSON["missing_predictions"], .integer(0))
        assertSameNumbers(numbers(semJSON["iou"]), summary.intersectionOverUnion, "IoU")
        assertSameNumbers(numbers(semJSON["miou"]), [summary.meanIntersectionOverUnion], "mIoU")

        let ins = runCapturingOut(["eval", "ins", "--pred", out + "/ins_seg", "--voc-root", fixture.vocRoot, "--list", fixture.vocList,
                                   "--all-thresholds", "--json"])
        XCTAssertEqual(ins.code, 0, "\(ins.err)")
        guard case .array(let entries)? = try object(ins.out.joined())["results"] else { return XCTFail("no results in \(ins.out)") }
        let results = evaluator.results()
        XCTAssertEqual(entries.count, results.count)
        for (value, result) in zip(entries, results) {
            guard case .object(let entry) = value else { return XCTFail("\(value)") }
            assertSameNumbers(numbers(entry["iou_threshold"]), [result.iouThreshold], "IoU threshold")
            let ap = numbers(entry["ap"])
            assertSameNumbers(Array(ap.prefix(result.averagePrecision.count)), result.averagePrecision, "AP@\(result.iouThreshold)")
            XCTAssertTrue(ap.dropFirst(result.averagePrecision.count).allSatisfy(\.isNaN))
            assertSameNumbers(numbers(entry["map"]), [result.meanAveragePrecision], "mAP@\(result.iouThreshold)")
        }
        XCTAssertTrue(results.contains { $0.meanAveragePrecision > 0 }, "some instance matches its ground truth")

        // The same through the custom layout's ground-truth folders and labels file.
        let custom = runCapturingOut(["eval", "sem", "--pred", out + "/sem_seg", "--ground-truth", fixture.vocRoot + "/SegmentationClass",
                                      "--list", fixture.vocList, "--json"])
        XCTAssertEqual(custom.code, 0, "\(custom.err)")
        XCTAssertEqual(custom.out, sem.out)
        let labels = path("labels.txt")
        try Data(fixture.vocIDs.map { $0 + " dog" }.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: labels))
        let customIns = runCapturingOut(["eval", "ins", "--pred", out + "/ins_seg", "--ground-truth", fixture.vocRoot + "/SegmentationClass",
                                         "--ground-truth-objects", fixture.vocRoot + "/SegmentationObject", "--labels", labels,
                                         "--all-thresholds", "--json"])
        XCTAssertEqual(customIns.code, 0, "\(customIns.err)")
        XCTAssertEqual(customIns.out, ins.out)
        let noObjects = run(["eval", "ins", "--pred", out + "/ins_seg", "--ground-truth", fixture.vocRoot + "/SegmentationClass",
                             "--list", fixture.vocList])
        XCTAssertEqual(noObjects.code, 2)
        XCTAssertTrue(noObjects.err.first?.contains("--ground-truth-objects") ?? false, "\(noObjects.err)")
    }

    func testExportedCOCODecodesToTheWrittenMasks() throws {
        let out = fixture.vocReference
        let json = path("coco.json")
        let result = run(["export", "coco", "--ins-dir", out + "/ins_seg", "--list", fixture.vocList, "--voc-root", fixture.vocRoot, "--out", json])
        XCTAssertEqual(result.code, 0, "\(result.err)")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let images = document["images"] as! [[String: Any]]
        XCTAssertEqual(images.count, fixture.vocIDs.count)
        var annotations = (document["annotations"] as! [[String: Any]]).makeIterator()
        var decodedCount = 0, leftOut = 0
        for (index, id) in fixture.vocIDs.enumerated() {
            let written = try LabelFiles.decodeInstances(try Fixtures.bytes(at: URL(fileURLWithPath: out + "/ins_seg/\(id).npz")))
            XCTAssertEqual(images[index]["height"] as? Int, written.height)
            XCTAssertEqual(images[index]["width"] as? Int, written.width)
            let plane = written.height * written.width
            // The export keeps instances with a non-empty mask and a score ≥ --min-score (0 here);
            // a NaN score (a walk that was zero everywhere, as in the reference) is left out.
            for n in 0 ..< written.count where written.masks[n * plane ..< (n + 1) * plane].contains(1) {
                guard written.scores[n] >= 0 else { leftOut += 1; continue }
                let annotation = try XCTUnwrap(annotations.next(), "annotation of \(id) #\(n)")
                XCTAssertEqual(annotation["image_id"] as? Int, index + 1)
                XCTAssertEqual(annotation["category_id"] as? Int, written.classes[n] + 1)
                XCTAssertEqual(Float((annotation["score"] as? Double) ?? -1), written.scores[n])
                let segmentation = annotation["segmentation"] as! [String: Any]
                let size = segmentation["size"] as! [Int]
                XCTAssertEqual(size, [written.height, written.width])
                let rle = try COCORLE(countsString: segmentation["counts"] as! String, height: size[0], width: size[1])
                XCTAssertEqual(rle.rowMajorMask(), Array(written.masks[n * plane ..< (n + 1) * plane]), "\(id) #\(n)")
                decodedCount += 1
            }
        }
        XCTAssertNil(annotations.next())
        XCTAssertGreaterThan(decodedCount, 0)
        XCTAssertEqual(result.err.first, "wrote \(json): \(fixture.vocIDs.count) images, \(decodedCount) instances"
                       + (leftOut > 0 ? ", \(leftOut) below --min-score left out" : ""))
    }

    // MARK: shards, threads, resume

    func testShardsTogetherWriteTheFullRun() throws {
        let out = path("sharded")
        let first = run(fixture.customArguments(out: out) + ["--shard", "1/2"])
        XCTAssertEqual(first.code, 0, "\(first.err)")
        XCTAssertTrue(first.err.first?.hasPrefix("irn run: 4 of 7 images (shard 1/2)") ?? false, "\(first.err)")
        // Shard 1 of 2 holds the images at even list positions.
        let half = Set(RunFixture.files(under: out).map { ($0 as NSString).lastPathComponent.components(separatedBy: ".").first! })
        XCTAssertEqual(half, ["2007_000001", "coffee", "odd", "copy-b"])
        XCTAssertEqual(run(fixture.customArguments(out: out) + ["--shard", "2/2"]).code, 0)
        RunFixture.assertSameFiles(out, fixture.customReference)
    }

    func testThreadCountsWriteTheSameBytes() throws {
        for threads in ["1"] {
            let out = path("threads-\(threads)")
            let result = run(fixture.customArguments(out: out) + ["--threads", threads])
            XCTAssertEqual(result.code, 0, "\(result.err)")
            RunFixture.assertSameFiles(out, fixture.customReference)
        }
    }

    func testRerunSkipsFinishedImagesAndRedoesMissingFiles() throws {
        let out = path("resumed")
        try FileManager.default.copyItem(atPath: fixture.customReference, toPath: out)
        let again = run(fixture.customArguments(out: out) + ["--progress-interval", "0"])
        XCTAssertEqual(again.code, 0, "\(again.err)")
        XCTAssertTrue(again.err.contains { $0.contains("7/7 images") && $0.contains("7 skipped") }, "\(again.err)")
        XCTAssertTrue(again.err.contains { $0.hasPrefix("irn run: done, 7 images (0 computed, 7 skipped)") }, "\(again.err)")
        // Remove one step's file of one image and the last file of another: only those are redone.
        try FileManager.default.removeItem(atPath: out + "/boundary/odd.npz")
        try FileManager.default.removeItem(atPath: out + "/ins_seg/copy-a.json")
        let partial = run(fixture.customArguments(out: out) + ["--progress-interval", "0"])
        XCTAssertEqual(partial.code, 0, "\(partial.err)")
        XCTAssertTrue(partial.err.contains { $0.hasPrefix("irn run: done, 7 images (2 computed, 5 skipped)") }, "\(partial.err)")
        XCTAssertTrue(partial.err.contains { $0.hasPrefix("per step: boundary ") && $0.contains("ins-seg ") && !$0.contains("cam ") },
                      "\(partial.err)")
        RunFixture.assertSameFiles(out, fixture.customReference)
    }

    /// `irn run --steps sem-seg,ins-seg` over one label scene given as stage files: the CAM file
    /// `cam` (under OUT/cam/<scene>.<extension>), the scene's boundary file, a black image of its
    /// size and a labels line; returns OUT and the run's result.
    private func labelStepsRun(scene: String, cam: String, classes: String, width: Int, height: Int) throws
        -> (out: String, result: (code: Int32, err: [String])) {
        let out = path("label-steps-\(scene)"), images = path("label-steps-\(scene)-images")
        for folder in [out + "/cam", out + "/boundary", images] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let camExtension = (cam as NSString).pathExtension
        try Data(Fixtures.bytes(cam)).write(to: URL(fileURLWithPath: out + "/cam/\(scene).\(camExtension)"))
        try Data(Fixtures.bytes("labels/boundary/\(scene).npz")).write(to: URL(fileURLWithPath: out + "/boundary/\(scene).npz"))
        try Data(PNG.encode(Image(width: width, height: height, channels: 3))).write(to: URL(fileURLWithPath: images + "/\(scene).png"))
        try Data("\(scene) \(classes)\n".utf8).write(to: URL(fileURLWithPath: images + ".txt"))
        let result = run(["run", "--images", images, "--labels", images + ".txt", "--steps", "sem-seg,ins-seg",
                          "--out", out, "--progress-interval", "0"])
        return (out, result)
    }

    func testLabelStepsReadTheReferencesCAMFiles() throws {
        // OUT/cam/<id>.npy as the reference's make_cam writes it stands in for OUT/cam/<id>.npz.
        let (out, result) = try labelStepsRun(scene: "touching", cam: "labels/reference_cam/touching.npy",
                                              classes: "cat dog", width: 77, height: 61)
        XCTAssertEqual(result.code, 0, "\(result.err)")
        XCTAssertFalse(result.err.contains { $0.contains("warning") }, "\(result.err)")
        let labels = try PNG.decodeRaster(Fixtures.bytes(at: URL(fileURLWithPath: out + "/sem_seg/touching.png"))).samples8
        XCTAssertEqual(labels, try Fixtures.array("labels/touching_sem_seg.npy").uint8s())
        let found = try LabelFiles.decodeInstances(Fixtures.bytes(at: URL(fileURLWithPath: out + "/ins_seg/touching.npz")))
        XCTAssertEqual(found.masks, try Fixtures.array("labels/touching_ins_mask.npy").uint8s())
        XCTAssertEqual(found.classes, try Fixtures.array("labels/touching_ins_class.npy").int64s().map { Int($0) })
    }

    func testAWalkFromZeroIsWarnedAboutOnce() throws {
        let (out, result) = try labelStepsRun(scene: "blank", cam: "labels/cam/blank.npz", classes: "bottle sofa",
                                              width: 30, height: 23)
        XCTAssertEqual(result.code, 0, "\(result.err)")
        let warnings = result.err.filter { $0.hasPrefix("irn: warning: ") }
        XCTAssertEqual(warnings.count, 1, "\(result.err)")
        XCTAssertTrue(warnings.first?.contains("1 image has every CAM value 0 off the boundary (blank)") == true, "\(warnings)")
        let labels = try PNG.decodeRaster(Fixtures.bytes(at: URL(fileURLWithPath: out + "/sem_seg/blank.png"))).samples8
        XCTAssertEqual(labels, try Fixtures.array("labels/blank_sem_seg.npy").uint8s())
    }

    func testSIGKILLThenRerunEqualsUninterruptedRun() throws {
        let executable = try irnExecutable()
        let out = path("killed")
        let process = Process()
        process.executableURL = executable
        process.arguments = Array(fixture.customArguments(out: out).dropFirst(0))
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill as soon as some, but not all, outputs exist.
        let total = 7 * fixture.customIDs.count
        var seen = 0
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline {
            seen = RunFixture.files(under: out).filter { !$0.hasSuffix(".partial") }.count
            if seen >= 3 { break }
            usleep(1000)
        }
        XCTAssertTrue(process.isRunning, "the run finished before it could be killed (\(seen) files)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let left = RunFixture.files(under: out).filter { !$0.hasSuffix(".partial") }.count
        XCTAssertGreaterThanOrEqual(left, 3)
        XCTAssertLessThan(left, total)
        // A temporary file as a write cut short leaves it, for an id of this run: removed on rerun.
        try FileManager.default.createDirectory(atPath: out + "/sem_seg", withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: out + "/sem_seg/.odd.png.99999.partial"))

        let rerun = run(fixture.customArguments(out: out))
        XCTAssertEqual(rerun.code, 0, "\(rerun.err)")
        XCTAssertTrue(rerun.err.contains { $0.contains("removed") && $0.contains("temporary file") }, "\(rerun.err)")
        RunFixture.assertSameFiles(out, fixture.customReference)
        XCTAssertFalse(RunFixture.files(under: out).contains { $0.hasSuffix(".partial") })
    }

    /// The built `irn` executable beside the test bundle.
    private func irnExecutable() throws -> URL {
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for bundle in Bundle.allBundles { candidates.append(bundle.bundleURL.deletingLastPathComponent()) }
        for folder in candidates {
            let url = folder.appendingPathComponent("irn")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw CommandFailure(message: "no irn executable next to the tests in \(candidates.map(\.path))", hint: "swift build first")
    }

    func testProgressLineShowsCountRateAndTimeLeft() {
        let progress = DatasetRunProgress(id: "2008_000123", done: 3, total: 10, computed: 2, skipped: 1,
                                          elapsed: 4000.4, computeSeconds: 4000)
        XCTAssertEqual(ProgressBar.text(progress, barWidth: 10),
                       "[===>      ] 3/10 images, 0.0005 images/s, ETA 3:53:20, elapsed 1:06:40, 1 skipped, last 2008_000123")
        let done = DatasetRunProgress(id: "x", done: 4, total: 4, computed: 4, skipped: 0, elapsed: 2, computeSeconds: 2)
        XCTAssertEqual(ProgressBar.text(done, barWidth: 0), "4/4 images, 2 images/s, elapsed 0:00:02, last x")
        // Not a terminal: a line per interval and always the last one.
        var lines: [String] = []
        var bar = ProgressBar(console: Console(out: { _ in }, err: { lines.append($0) }), isTerminal: false, interval: 5)
        for k in 1 ... 4 {
            bar.update(DatasetRunProgress(id: "\(k)", done: k, total: 4, computed: k, skipped: 0,
                                          elapsed: Double(k) * 3, computeSeconds: Double(k) * 3))
        }
        XCTAssertEqual(lines.map { $0.components(separatedBy: " ").first! }, ["1/4", "3/4", "4/4"])
    }

    // MARK: bad inputs

    func testBadInputsFailWithOneLineAndAHint() throws {
        // A labels line names an image that does not exist: runtime error naming the image.
        let labels = path("labels.txt")
        try Data("odd bird\nghost cat\n".utf8).write(to: URL(fileURLWithPath: labels))
        let missing = run(["run", "--images", fixture.path("images"), "--labels", labels, "--out", path("out")]
                          + fixture.weightArguments + fixture.stageOptions + ["--progress-interval", "1000"])
        XCTAssertEqual(missing.code, 1)
        XCTAssertTrue(missing.err.contains { $0.hasPrefix("irn: error: image ghost: missing image: ") }, "\(missing.err)")
        XCTAssertTrue(missing.err.last?.hasPrefix("hint: ") ?? false)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("out/sem_seg/odd.png")), "images before the failure are kept")

        // An unknown class name in the labels file.
        try Data("odd bird\ncopy-a cat unicorn\n".utf8).write(to: URL(fileURLWithPath: labels))
        let unknown = run(["run", "--images", fixture.path("images"), "--labels", labels, "--out", path("out2")] + fixture.weightArguments)
        XCTAssertEqual(unknown.code, 1)
        XCTAssertEqual(unknown.err.first, "irn: error: \(labels):2: unknown class 'unicorn'")
        XCTAssertEqual(unknown.err.count, 2)
        // Custom class names make it known; the image's class then lies past the network's 20.
        let names = VOCDataset.categoryNames.joined(separator: ",") + ",unicorn"
        let beyond = run(["run", "--images", fixture.path("images"), "--labels", labels, "--class-names", names, "--out", path("out2")]
                         + fixture.weightArguments + fixture.stageOptions)
        XCTAssertEqual(beyond.code, 1)
        XCTAssertTrue(beyond.err.contains("irn: error: image copy-a: class 20 but the CAM network has 20 classes"), "\(beyond.err)")

        // Usage errors: exit 2, one line and a hint, nothing written.
        let base = fixture.customArguments(out: path("out3"))
        for (extra, message) in [(["--shard", "0/2"], "--shard must be K/N with 1 ≤ K ≤ N, got '0/2'"),
                                 (["--shard", "3/2"], "--shard must be K/N with 1 ≤ K ≤ N, got '3/2'"),
                                 (["--shard", "x"], "--shard must be K/N with 1 ≤ K ≤ N, got 'x'"),
                                 (["--steps", "cam,paint"], "--steps: unknown step 'paint'"),
                                 (["--threads", "0"], "--threads must be an integer in 1...1024"),
                                 (["--ir-bg-threshold", "2"], "--ir-bg-threshold must be in 0...1"),
                                 (["--list", fixture.vocList], "--list belongs to --voc-root")] {
            let result = run(base + extra)
            XCTAssertEqual(result.code, 2, "\(extra)")
            XCTAssertEqual(result.err.count, 2, "\(extra): \(result.err)")
            XCTAssertTrue(result.err.first?.hasPrefix("irn: error: \(message)") ?? false, "\(extra): \(result.err)")
            XCTAssertTrue(result.err.last?.hasPrefix("hint: ") ?? false)
        }
        let noWeights = run(["run", "--voc-root", fixture.vocRoot, "--list", fixture.vocList, "--out", path("out3")])
        XCTAssertEqual(noWeights.code, 2)
        XCTAssertEqual(noWeights.err.first, "irn: error: the cam step needs --cam-weights")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out3")))
        // Later steps alone need the earlier steps' files.
        let alone = run(["run", "--voc-root", fixture.vocRoot, "--list", fixture.vocList, "--out", path("out4"), "--steps", "sem-seg"])
        XCTAssertEqual(alone.code, 1)
        XCTAssertTrue(alone.err.dropFirst().first?.hasPrefix("irn: error: image 2007_000001 (step sem-seg): missing ") ?? false, "\(alone.err)")
        XCTAssertEqual(alone.err.last, "hint: add cam to --steps, or run it first")
    }

    /// The JSON object of `text`, parsed with the project's exact reader (numbers round-trip).
    private func object(_ text: String) throws -> JSONObject {
        guard case .object(let object) = try JSONValue.parse(Array(text.utf8)) else { throw CommandFailure(message: text, hint: "") }
        return object
    }

    /// A number, or an array of numbers, with null as NaN.
    private func numbers(_ value: JSONValue?) -> [Double] {
        switch value {
        case .number(let d)?: return [d]
        case .integer(let i)?: return [Double(i)]
        case .null?: return [.nan]
        case .array(let items)?: return items.flatMap { numbers($0) }
        default: return []
        }
    }

    private func assertSameNumbers(_ actual: [Double], _ expected: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        for (a, e) in zip(actual, expected) where !(a.isNaN && e.isNaN) {
            XCTAssertEqual(a, e, "\(what): \(actual) vs \(expected)", file: file, line: line)
        }
    }
}
