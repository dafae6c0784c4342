// `irn eval sem|ins|cam`: scores a folder of stage outputs against a VOC folder's ground truth,
// as IRNet's evaluation steps do (DESIGN §4): per-class tables with VOC class names and the mean,
// or one JSON object with --json. Missing predictions count as background / no instances and
// are reported on stderr with their number. The work is Pipeline.DatasetEvaluation's.
import Foundation
import Evaluation
import Pipeline

enum EvalCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "eval",
        summary: "Score sem-seg, ins-seg or CAM outputs against VOC or custom ground truth",
        usage: "sem|ins|cam --pred DIR (--voc-root DIR --list FILE | --ground-truth DIR [--ground-truth-objects DIR] (--list FILE | --labels FILE)) [options]",
        options: [
            OptionSpec("pred", "DIR", "Folder of predictions: OUT/sem_seg (PNG), OUT/ins_seg or OUT/cam (npz)"),
            OptionSpec("voc-root", "DIR", "VOC folder with SegmentationClass (and SegmentationObject for ins)"),
            OptionSpec("list", "FILE", "Image ids, one per line (or a split name under ImageSets/Segmentation)"),
            OptionSpec("ground-truth", "DIR", "Custom dataset: folder of class-index PNGs <id>.png (0 background, k+1 class k, 255 void)"),
            OptionSpec("ground-truth-objects", "DIR", "Custom dataset, ins: folder of instance-index PNGs <id>.png (0 and 255: no instance)"),
            OptionSpec("labels", "FILE", "Custom dataset: the labels file of 'irn run' (its ids), instead of --list"),
            OptionSpec("class-names", "LIST|FILE", "With --labels: the class names it uses (default: VOC's 20)"),
            OptionSpec("json", nil, "Print one JSON object instead of tables"),
            OptionSpec("iou", "T", "ins: IoU threshold of a match (default 0.5)"),
            OptionSpec("all-thresholds", nil, "ins: report AP at IoU 0.25, 0.5, 0.7 and 0.75"),
            OptionSpec("voc07", nil, "ins: the 11-point VOC2007 AP instead of the area under the curve"),
            OptionSpec("threshold", "T", "cam: background threshold (default 0.15)"),
            OptionSpec("thresholds", "A:B:STEP", "cam: sweep thresholds A, A+STEP, ... up to B and report the best"),
        ],
        examples: [
            "irn eval sem --pred out/sem_seg --voc-root VOC2012 --list val",
            "irn eval ins --pred out/ins_seg --voc-root VOC2012 --list val.txt --all-thresholds",
            "irn eval cam --pred out/cam --voc-root VOC2012 --list train.txt --thresholds 0.05:0.5:0.01",
            "irn eval ins --pred out/ins_seg --ground-truth gt/classes --ground-truth-objects gt/objects --labels labels.txt",
        ],
        positionalRange: 1...1)

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let kind = arguments.positional[0]
        guard ["sem", "ins", "cam"].contains(kind) else {
            throw UsageError(message: "unknown evaluation '\(kind)'", hint: "use 'irn eval sem', 'irn eval ins' or 'irn eval cam'")
        }
        let predictions = try arguments.requiredString("pred", spec: spec)
        let (dataset, ids) = try groundTruth(arguments, kind: kind)
        guard FileIOFolders.isFolder(predictions) else {
            throw CommandFailure(message: "no such folder: \(predictions)", hint: "--pred names the folder a stage wrote, e.g. out/\(kind == "sem" ? "sem_seg" : kind == "ins" ? "ins_seg" : "cam")")
        }
        let json = arguments.has("json")
        let missing: [String]
        switch kind {
        case "sem":
            let result = try DatasetEvaluation.semantic(dataset: dataset, ids: ids, predictions: predictions)
            missing = result.missing
            let report = EvalReport.semantic(result.confusion)
            console.out(json ? report.json(images: ids.count, missing: missing.count) : report.table)
        case "ins":
            let thresholds = arguments.has("all-thresholds")
                ? InstanceSegmentationEvaluator.standardThresholds
                : [try arguments.double("iou", default: 0.5)]
            guard thresholds.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
                throw UsageError(message: "--iou must be in (0, 1]", hint: "for example: --iou 0.5")
            }
            let result = try DatasetEvaluation.instances(dataset: dataset, ids: ids, predictions: predictions, iouThresholds: thresholds)
            missing = result.missing
            let metric: AveragePrecisionMetric = arguments.has("voc07") ? .voc2007 : .voc2010
            let report = EvalReport.instances(result.evaluator.results(metric: metric))
            console.out(json ? report.json(images: ids.count, missing: missing.count) : report.table)
        default:
            let thresholds = try camThresholds(arguments)
            let result = try DatasetEvaluation.cams(dataset: dataset, ids: ids, predictions: predictions, thresholds: thresholds)
            missing = result.missing
            let report = EvalReport.cams(result.sweep)
            console.out(json ? report.json(images: ids.count, missing: missing.count) : report.table)
        }
        if !missing.isEmpty {
            let shown = missing.prefix(3).joined(separator: ", ") + (missing.count > 3 ? ", ..." : "")
            console.err("irn: warning: \(missing.count) of \(ids.count) images have no prediction in \(predictions) (\(shown)); counted as \(kind == "ins" ? "no instances" : "all background")")
        }
    }

    /// The ground truth and the ids: a VOC folder and its list, or a custom dataset's folders
    /// of class (and instance) maps with a list or the labels file of `irn run`.
    static func groundTruth(_ arguments: ParsedArguments, kind: String) throws -> (any GroundTruthSource, [String]) {
        if let root = arguments.string("voc-root") {
            for option in ["ground-truth", "ground-truth-objects", "labels", "class-names"] where arguments.string(option) != nil {
                throw UsageError(message: "--\(option) is for a custom dataset; give either it or --voc-root",
                                 hint: "usage: irn eval \(spec.usage)")
            }
            let dataset = try VOCDataset(root: root)
            return (dataset, try dataset.ids(list: try arguments.requiredString("list", spec: spec)))
        }
        guard let classes = arguments.string("ground-truth") else {
            throw UsageError(message: "'irn eval' needs --voc-root DIR, or --ground-truth DIR for a custom dataset",
                             hint: "usage: irn eval \(spec.usage)")
        }
        let objects = arguments.string("ground-truth-objects")
        if kind == "ins" && objects == nil {
            throw UsageError(message: "'irn eval ins' on a custom dataset needs --ground-truth-objects DIR",
                             hint: "give the folder of instance-index PNGs")
        }
        let source = try GroundTruthFolder(classes: classes, objects: objects)
        switch (arguments.string("list"), arguments.string("labels")) {
        case (let list?, nil):
            guard FileManager.default.fileExists(atPath: list) else { throw DatasetError.missingFile(path: list, role: "image list") }
            return (source, try ImageIDList.read(list))
        case (nil, let labels?):
            let list = try LabeledImageList.read(labels, classNames: try RunCommand.classNames(arguments))
            return (source, list.entries.map(\.id))
        default:
            throw UsageError(message: "give the images with --list FILE or --labels FILE (one of them)",
                             hint: "usage: irn eval \(spec.usage)")
        }
    }

    /// The thresholds of --threshold or --thresholds A:B:STEP (B included when reached within
    /// a millionth of a step), as float32 like the reference's comparison.
    static func camThresholds(_ arguments: ParsedArguments) throws -> [Float] {
        if let sweep = arguments.string("thresholds") {
            let parts = sweep.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
            guard parts.count == 3, let start = parts[0], let end = parts[1], let step = parts[2],
                  start.isFinite, end.isFinite, step.isFinite, step > 0, end >= start,
                  (end - start) / step < 100_000 else {
                throw UsageError(message: "--thresholds must be START:END:STEP with STEP > 0 and END ≥ START, got '\(sweep)'",
                                 hint: "for example: --thresholds 0.05:0.5:0.01")
            }
            let count = Int(((end - start) / step + 1e-6).rounded(.down)) + 1
            return (0..<count).map { Float(start + Double($0) * step) }
        }
        return [Float(try arguments.double("threshold", default: 0.15))]
    }
}

enum FileIOFolders {
    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
