// Tests of `irn demo --retrain` (DemoRecipe, DemoRetrain): a seconds-long miniature of the whole
// chain — synth → train-cam (a few steps) → run cam,ir-label → train-irn (a few steps) → demo —
// on tiny scenes with a tiny network. The weights it writes load, are trained (they differ from
// the scratch start), hold IRNet's heads without a second backbone, and the printed table equals
// what DatasetEvaluation computes from the files the demo wrote.
import XCTest
import Foundation
@testable import irn
import Evaluation
import Networks
import Pipeline
import Tensors
import Training

final class DemoRetrainTests: CommandTestCase {
    static var tinyRecipe: DemoRecipe {
        var recipe = DemoRecipe()
        recipe.sceneCount = 2
        recipe.sceneSize = 48
        recipe.width = "0.125"
        recipe.blocks = "1,1,1,1"
        recipe.camEpochs = 1
        recipe.camBatchSize = 2
        recipe.camCropSize = 48
        recipe.camResizeLong = "40,56"
        recipe.camScales = "1"
        recipe.irnBatchSize = 1
        recipe.irnEpochs = 1
        recipe.irnMaxSteps = 1
        recipe.irnCropSize = 80
        recipe.seed = 7
        return recipe
    }

    func testMiniatureRetrainRunsTheWholeChain() throws {
        let saved = DemoCommand.retrainRecipe
        DemoCommand.retrainRecipe = Self.tinyRecipe
        defer { DemoCommand.retrainRecipe = saved }
        var out: [String] = [], err: [String] = []
        let root = path("demo")
        let code = IRNCommandLine.run(["demo", "--retrain", "--out", root, "--count", "1", "--size", "48", "--panels", "0", "--tune-count", "1",
                                       "--threads", "2"],
                                      console: Console(out: { out.append($0) }, err: { err.append($0) }))
        XCTAssertEqual(code, 0, err.joined(separator: "\n"))
        let text = out.joined(separator: "\n")
        out = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        // Every stage ran, in order, and was timed.
        for name in ["synth", "train-cam", "cam + ir-label", "train-irn", "weights", "demo", "total"] {
            XCTAssertTrue(out.contains { $0.hasPrefix("  " + name + " ") }, "no time for \(name) in\n\(text)")
        }
        let relationLabels = try FileManager.default.contentsOfDirectory(atPath: root + "/retrain/run/ir_label")
        XCTAssertEqual(relationLabels.count, 2)

        // The weights load, are trained, and IRNet's file has no backbone of its own.
        let weights = root + "/weights"
        let models = try DemoModels.load(from: weights)
        XCTAssertTrue(models.trained)
        XCTAssertEqual(models.cam.backbone.configuration.blockCounts, [1, 1, 1, 1])
        XCTAssertEqual(models.cam.backbone.configuration.widthMultiplier, 0.125)
        let cam = try NetworkWeights.load(weights + "/demo_cam.safetensors")
        let irn = try NetworkWeights.load(weights + "/demo_irn.safetensors")
        XCTAssertFalse(irn.keys.contains { $0.hasPrefix("resnet50.") })
        let fullIRN = try NetworkWeights.load(root + "/retrain/irn.safetensors")
        XCTAssertEqual(irn, DemoModels.headsOnly(fullIRN))
        let start = CAMInitialization.scratch(configuration: models.cam.backbone.configuration, classCount: 5, seed: 7)
        XCTAssertEqual(Set(start.keys), Set(cam.keys))
        XCTAssertTrue(start.contains { cam[$0.key] != $0.value }, "train-cam changed no weight")
        let heads = IRNetHeads.initialParameters(levelChannels: models.cam.backbone.configuration.featureChannels, seed: 7)
        XCTAssertTrue(heads.contains { irn[$0.key] != nil && irn[$0.key] != $0.value }, "train-irn changed no head weight")
        XCTAssertNotEqual(irn["mean_shift.running_mean"], Tensor(shape: [2]))

        // The table's numbers are those of the written files.
        let output = DemoOutput(root: root)
        let dataset = try VOCDataset(root: output.scenesRoot)
        let ids = try dataset.ids(list: "val")
        XCTAssertEqual(ids.count, 1)
        let semantic = try DatasetEvaluation.semantic(dataset: dataset, ids: ids, predictions: output.path("sem_seg"))
        XCTAssertEqual(semantic.missing, [])
        let semanticLine = try XCTUnwrap(out.first { $0.hasPrefix("Semantic pseudo labels") })
        XCTAssertTrue(semanticLine.hasSuffix(" " + DemoReport.percent(semantic.confusion.meanIntersectionOverUnion)), semanticLine)
        let instances = try DatasetEvaluation.instances(dataset: dataset, ids: ids, predictions: output.path("ins_seg"),
                                                        iouThresholds: InstanceSegmentationEvaluator.standardThresholds)
        let values = instances.evaluator.results().map { DemoReport.percent($0.meanAveragePrecision) }
        let instanceLine = try XCTUnwrap(out.first { $0.hasPrefix("+ displacement") })
        XCTAssertEqual(instanceLine.split(separator: " ").suffix(4).map(String.init), values, instanceLine)
        XCTAssertEqual(try String(contentsOfFile: root + "/results.txt", encoding: .utf8).split(separator: "\n").first.map(String.init),
                       out.first)
    }

    func testRetrainUsageErrors() {
        XCTAssertEqual(run(["demo", "--install", "--out", path("x")]).code, 2)
        XCTAssertEqual(run(["demo", "--retrain", "--untrained", "--out", path("x")]).code, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x")))
    }

    func testBundledRecipeCommandLines() {
        let lines = DemoRecipe.bundled.stages(DemoRecipe.Paths(work: "w")).map(\.commandLine)
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[0], "irn synth --out w/train --count 2000 --seed 1 --size 128 --val 0")
        XCTAssertTrue(lines[3].hasPrefix("irn train-irn --voc-root w/train --list w/train/ImageSets/Segmentation/train.txt --cam-labels w/run/ir_label --backbone w/cam.safetensors"), lines[3])
    }
}
