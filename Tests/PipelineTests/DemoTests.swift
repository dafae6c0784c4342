// Tests of the demo (Demo, DemoScores, DemoOutput, DemoReport, DemoPanel): a seconds-long
// miniature of `irn demo` — tiny scenes, a tiny seeded network, every stage — whose numbers
// must equal what DatasetEvaluation (the code behind `irn eval`) computes from the files the
// demo wrote; perfect predictions score 100 on every metric through the same path; the page
// shows exactly the panels that exist.
import XCTest
import Foundation
import Codecs
import Evaluation
import Instances
import Networks
import Tensors
@testable import Pipeline

final class DemoTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    static var tinyModels: DemoModels {
        DemoModels.seeded(configuration: ResNet50.Configuration(blockCounts: [1, 1, 1, 1], widthMultiplier: 0.125), seed: 5)
    }

    static var tinyOptions: DemoOptions {
        var options = DemoOptions()
        options.count = 2
        options.sceneSize = 48
        options.seed = 21
        options.camScales = [1, 0.5]
        options.panelCount = 2
        var tuning = DemoTuning()
        tuning.count = 2
        tuning.seed = 22
        tuning.betas = [10, 20]
        tuning.backgrounds = [0.2, 0.4]
        options.tuning = tuning
        return options
    }

    /// Every number of the report equals the one `irn eval` computes from the written files.
    func assertReportMatchesFiles(_ report: DemoReport, output: DemoOutput, file: StaticString = #filePath, line: UInt = #line) throws {
        let dataset = try VOCDataset(root: output.scenesRoot)
        let ids = try dataset.ids(list: "val")
        XCTAssertEqual(ids, report.ids, file: file, line: line)

        let semantic = try DatasetEvaluation.semantic(dataset: dataset, ids: ids, predictions: output.path("sem_seg"))
        XCTAssertEqual(semantic.missing, [], file: file, line: line)
        XCTAssertEqual(semantic.confusion, report.scores.semantic, file: file, line: line)
        XCTAssertEqual(semantic.confusion.meanIntersectionOverUnion, report.scores.semanticMeanIoU, file: file, line: line)

        let cams = try DatasetEvaluation.cams(dataset: dataset, ids: ids, predictions: output.path("cam"),
                                              thresholds: report.scores.camThresholds)
        XCTAssertEqual(cams.sweep.meanIntersectionOverUnions.map { $0.isNaN ? -1 : $0 },
                       report.scores.camSweep.meanIntersectionOverUnions.map { $0.isNaN ? -1 : $0 }, file: file, line: line)
        XCTAssertEqual(cams.sweep.meanIntersectionOverUnions[0], report.scores.camMeanIoU, file: file, line: line)

        let folders: [(DemoScores.Method, String)] = [(.camOnly, "ins_seg_cam"), (.boundary, "ins_seg_walk"), (.displacement, "ins_seg")]
        for (method, folder) in folders {
            let result = try DatasetEvaluation.instances(dataset: dataset, ids: ids, predictions: output.path(folder),
                                                         iouThresholds: InstanceSegmentationEvaluator.standardThresholds)
            XCTAssertEqual(result.missing, [], file: file, line: line)
            let fromFiles = result.evaluator.results().map { $0.meanAveragePrecision }
            let fromReport = InstanceSegmentationEvaluator.standardThresholds.map { report.scores.averagePrecision(method, iou: $0) }
            XCTAssertEqual(fromFiles.map { $0.isNaN ? -1 : $0 }, fromReport.map { $0.isNaN ? -1 : $0 },
                           "\(method)", file: file, line: line)
        }
    }

    func testMiniatureDemoNumbersEqualEvaluationOfItsFiles() throws {
        let output = DemoOutput(root: root)
        var lines: [String] = []
        let options = Self.tinyOptions
        let report = try Demo.run(options: options, models: Self.tinyModels, output: output, progress: { lines.append($0) })
        XCTAssertEqual(report.scores.sceneCount, 2)
        XCTAssertEqual(lines.last, "demo: 2/2 scenes")
        XCTAssertGreaterThan(report.scores.groundTruthInstances, 2)
        XCTAssertGreaterThan(report.scores.semanticMeanIoU, 0, "the walk labels nothing right, not even background")
        try assertReportMatchesFiles(report, output: output)

        // The stage files are those of the pipeline's per-image functions.
        let scene = SyntheticScenes(size: 48, seed: 21).scene(1)
        let cam = classActivationMaps(of: scene.image, network: Self.tinyModels.cam, keys: scene.labels, scales: [1, 0.5])
        XCTAssertEqual(try CAMFile.load(output.path("cam/\(scene.id).npz")), cam)

        // The page shows the panels that exist, and only those.
        let html = String(decoding: try FileIO.read(output.path("index.html")), as: UTF8.self)
        let sources = html.components(separatedBy: "src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        XCTAssertEqual(sources, report.panelIDs.map { "vis/\($0).png" })
        XCTAssertEqual(sources.count, 2)
        let drawn = try FileManager.default.contentsOfDirectory(atPath: output.path("vis")).sorted()
        XCTAssertEqual(drawn, report.panelIDs.map { "\($0).png" }.sorted())
        for source in sources {
            let panel = try ImageFiles.load(output.path(source))
            XCTAssertEqual(panel.height, 2 * 48 + 4)
            XCTAssertEqual(panel.width, 6 * 48 + 5 * 4)
        }
        XCTAssertTrue(html.contains(DemoReport.percent(report.scores.semanticMeanIoU)))
        let table = String(decoding: try FileIO.read(output.path("results.txt")), as: UTF8.self)
        XCTAssertEqual(table, report.table + "\n")
        XCTAssertTrue(report.table.contains("Semantic pseudo labels (CAM + random walk)"
                                            + String(repeating: " ", count: 48 - 42)
                                            + String(repeating: " ", count: 8 - DemoReport.percent(report.scores.semanticMeanIoU).count)
                                            + DemoReport.percent(report.scores.semanticMeanIoU)))
    }

    /// The search's grid values are the scores the demo itself reports on the tuning scenes with
    /// those settings, and it picks the first best cell of each grid.
    func testTuningGridsEqualDemoScoresOnTheTuningScenes() throws {
        let options = Self.tinyOptions
        let tuning = options.tuning!
        let result = try tuning.run(models: Self.tinyModels, options: options)
        XCTAssertEqual(result.searchedBetas, tuning.betas)
        XCTAssertEqual(result.semanticGrid.count, 2)
        func firstBest(_ values: [Double]) -> Int { values.indices.first { values[$0] == values.max() }! }
        let flat = result.semanticGrid.flatMap { $0 }
        let best = firstBest(flat)
        XCTAssertEqual(result.settings.beta, tuning.betas[best / 2])
        XCTAssertEqual(result.settings.semanticBackground, tuning.backgrounds[best % 2])
        XCTAssertEqual(result.settings.instanceBackground, tuning.backgrounds[firstBest(result.instanceGrid)])
        XCTAssertEqual(result.settings.camBackground, tuning.backgrounds[firstBest(result.camGrid)])
        for (row, beta) in tuning.betas.enumerated() {
            for (column, background) in tuning.backgrounds.enumerated() {
                var fixed = options
                fixed.tuning = nil
                fixed.seed = tuning.seed
                fixed.count = tuning.count
                fixed.settings = DemoSettings(beta: beta, semanticBackground: background, instanceBackground: background,
                                              camBackground: background)
                let report = try Demo.run(options: fixed, models: Self.tinyModels)
                XCTAssertEqual(report.scores.semanticMeanIoU, result.semanticGrid[row][column], "beta \(beta) background \(background)")
                XCTAssertEqual(report.scores.tunedCAMMeanIoU, result.camGrid[column], "CAM background \(background)")
                if beta == result.settings.beta {
                    let ap50 = report.scores.averagePrecision(.displacement, iou: 0.5)
                    XCTAssertEqual(ap50.isNaN ? -1 : ap50, result.instanceGrid[column].isNaN ? -1 : result.instanceGrid[column],
                                   "instance background \(background)")
                }
            }
        }
        // The demo uses what the search chose, and says so.
        let report = try Demo.run(options: options, models: Self.tinyModels)
        XCTAssertEqual(report.options.settings, result.settings)
        XCTAssertTrue(report.table.contains("settings chosen on 2 tuning scenes (seed 22)"), report.table)
    }

    /// Results that copy the ground truth, as the demo would hold them for a perfect method.
    static func perfectResult(_ scene: SyntheticScene) -> DemoSceneResult {
        let h = scene.height, w = scene.width, plane = h * w
        let keys = scene.labels
        var highRes = [Float](repeating: 0, count: keys.count * plane)
        for p in 0 ..< plane where scene.classMap[p] != 0 && scene.classMap[p] != 255 {
            highRes[keys.firstIndex(of: Int(scene.classMap[p]) - 1)! * plane + p] = 1
        }
        let h4 = stridedLength(h), w4 = stridedLength(w)
        let cam = CAMFile(keys: keys, cam: Tensor(shape: [keys.count, h4, w4]),
                          highRes: Tensor(shape: [keys.count, h, w], scalars: highRes), height: h, width: w)
        let boundary = BoundaryFile(edge: Tensor(shape: [h4, w4]), displacement: Tensor(shape: [2, h4, w4]))
        let semantic = scene.classMap.map { $0 == 255 ? 0 : $0 }
        var masks: [UInt8] = []
        for instance in 1 ... scene.instanceClasses.count {
            masks += scene.objectMap.map { Int($0) == instance ? 1 : 0 }
        }
        let instances = DetectedInstances(height: h, width: w, scores: scene.instanceClasses.map { _ in 1 },
                                          classes: scene.instanceClasses, masks: masks)
        return DemoSceneResult(scene: scene, cam: cam, boundary: boundary, semantic: semantic,
                               camInstances: instances, walkInstances: instances, irnInstances: instances)
    }

    func testPerfectPredictionsScoreHundredThroughFilesToo() throws {
        let scenes = SyntheticScenes(size: 48, seed: 4)
        var scores = DemoScores(camThreshold: 0.3)
        let output = DemoOutput(root: root)
        var ids: [String] = [], labels: [[Int]] = []
        for index in 0 ..< 4 {
            let result = Self.perfectResult(scenes.scene(index))
            try scores.add(result)
            try output.write(result, panel: index == 0)
            ids.append(result.scene.id)
            labels.append(result.scene.labels)
        }
        XCTAssertEqual(scores.camMeanIoU, 1)
        XCTAssertEqual(scores.semanticMeanIoU, 1)
        for method in DemoScores.Method.allCases {
            for iou in InstanceSegmentationEvaluator.standardThresholds {
                XCTAssertEqual(scores.averagePrecision(method, iou: iou), 1, "\(method) at \(iou)")
            }
        }
        var options = DemoOptions()
        options.count = 4
        options.sceneSize = 48
        options.seed = 4
        options.tuning = nil
        let report = DemoReport(options: options, models: Self.tinyModels, scores: scores, ids: ids, panelIDs: [ids[0]], seconds: 0)
        try output.finish(ids: ids, labels: labels, report: report)
        try assertReportMatchesFiles(report, output: output)
        XCTAssertEqual(report.instanceRows.map { $0.1 }, [[String]](repeating: ["100.0", "100.0", "100.0", "100.0"], count: 3))
        XCTAssertEqual(report.semanticRows.map { $0.1 }, ["100.0", "100.0", "100.0"])
        let lines = report.table.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("+ displacement (IRN)") && $0.hasSuffix("100.0  100.0  100.0  100.0") }, report.table)
    }
}
