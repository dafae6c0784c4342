// `irn run`: every step of the pipeline over a dataset (DESIGN §4): a VOC folder and a list,
// or an image folder and a labels file. Resumable (finished outputs are skipped, a killed run
// continues), sharded (`--shard K/N` takes every N-th image; Docs/Scaling.md), with a progress
// bar on stderr and a per-step timing summary at the end. The work is Pipeline.DatasetRun's;
// this file parses the options (same names and defaults as the single-image commands).
import Foundation
import Pipeline
import Tensors

enum RunCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "run",
        summary: "Every step over a dataset: resumable, sharded, with a progress bar",
        usage: "(--voc-root DIR --list FILE | --images DIR --labels FILE [--class-names LIST|FILE]) --out DIR [--cam-weights W] [--irn-weights W] [--steps cam,boundary,ir-label,sem-seg,ins-seg] [--shard K/N] [--threads T] [stage options]",
        options: [
            OptionSpec("voc-root", "DIR", "VOC folder: JPEGImages/<id>.jpg, classes from Annotations/<id>.xml"),
            OptionSpec("list", "FILE", "With --voc-root: image ids, one per line (or a split name under ImageSets/Segmentation)"),
            OptionSpec("images", "DIR", "Custom layout: folder of images named <id> or <id>.jpg/.png/..."),
            OptionSpec("labels", "FILE", "Custom layout: lines 'image_id class class ...' (names or 0-based indices)"),
            OptionSpec("class-names", "LIST|FILE", "Custom layout: class names, comma-separated or one per line in a file (default: VOC's 20)"),
            OptionSpec("out", "DIR", "Output folder: DIR/cam, boundary, ir_label, sem_seg, ins_seg/<id>.*"),
            OptionSpec("cam-weights", "FILE", "CAM network checkpoint (.pth or .safetensors); needed by the cam step"),
            OptionSpec("irn-weights", "FILE", "IRNet checkpoint (.pth or .safetensors); needed by the boundary step"),
            OptionSpec("steps", "LIST", "Steps to run, comma-separated (default cam,boundary,ir-label,sem-seg,ins-seg)"),
            OptionSpec("shard", "K/N", "Take only shard K of N: the images at list positions i with i mod N = K-1"),
            OptionSpec("threads", "T", "Worker threads of the kernels (default: all \(Parallelism.processorCount) processors)"),
            OptionSpec("scales", "LIST", "cam: scales, each in (0, 4] (default 1,0.5,1.5,2)"),
            NetworkStageInputs.cropSizeOption,
            OptionSpec("ir-fg-threshold", "T", "ir-label: background score of the foreground-confident CRF pass (default 0.30; mine-relations' --fg-threshold)"),
            OptionSpec("ir-bg-threshold", "T", "ir-label: background score of the background-confident CRF pass (default 0.05; mine-relations' --bg-threshold)"),
            OptionSpec("beta", "B", "sem-seg, ins-seg: affinity sharpening exponent, > 0 (default 10)"),
            OptionSpec("exp-times", "T", "sem-seg, ins-seg: the walk takes 2^T steps, T in 0...30 (default 8)"),
            OptionSpec("radius", "R", "sem-seg, ins-seg: affinity radius in stride-4 pixels, 1...20 (default 5)"),
            OptionSpec("bg-threshold", "S", "sem-seg, ins-seg: constant background score, 0...1 (default 0.25)"),
            OptionSpec("progress-interval", "SECONDS", "Seconds between progress lines when stderr is no terminal (default 5)"),
        ],
        examples: [
            "irn run --voc-root VOC2012 --list train_aug.txt --cam-weights res50_cam.pth --irn-weights res50_irn.pth --out out",
            "irn run --voc-root VOC2012 --list train.txt --cam-weights c.pth --irn-weights i.pth --out out --shard 2/8 --threads 4",
            "irn run --images photos --labels labels.txt --class-names cat,dog,horse --cam-weights c.pth --irn-weights i.pth --out out",
        ])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let out = try arguments.requiredString("out", spec: spec)
        let steps = try self.steps(arguments)
        let shard = try self.shard(arguments)
        let threads = try arguments.int("threads", default: Parallelism.processorCount, range: 1...1024)
        let interval = try arguments.double("progress-interval", default: 5)
        guard interval >= 0 else {
            throw UsageError(message: "--progress-interval must be ≥ 0, got '\(arguments.string("progress-interval")!)'",
                             hint: "for example: --progress-interval 5")
        }
        if steps.contains(.cam) && arguments.string("cam-weights") == nil {
            throw UsageError(message: "the cam step needs --cam-weights", hint: "give --cam-weights FILE, or leave cam out of --steps")
        }
        if steps.contains(.boundary) && arguments.string("irn-weights") == nil {
            throw UsageError(message: "the boundary step needs --irn-weights", hint: "give --irn-weights FILE, or leave boundary out of --steps")
        }
        let mining = RelationMining(
            foregroundThreshold: Float(try threshold(arguments, "ir-fg-threshold", default: 0.30)),
            backgroundThreshold: Float(try threshold(arguments, "ir-bg-threshold", default: 0.05)))
        let configuration = DatasetRunConfiguration(
            source: try source(arguments), output: out, steps: steps,
            camWeights: arguments.string("cam-weights"), irnWeights: arguments.string("irn-weights"),
            scales: try NetworkStageInputs.scales(arguments), cropSize: try NetworkStageInputs.cropSize(arguments),
            mining: mining, labeling: try LabelCommandInputs.labeling(arguments), shard: shard)
        Parallelism.threadCount = threads

        let run = DatasetRun(configuration)
        let ids = run.shardIDs
        console.err("irn run: \(ids.count) of \(configuration.source.ids.count) images (shard \(shard)), steps "
                    + steps.map(\.rawValue).joined(separator: ",") + ", \(threads) thread\(threads == 1 ? "" : "s"), output \(out)")
        var bar = ProgressBar(console: console, isTerminal: console.errIsTerminal, interval: interval)
        let summary: DatasetRunSummary
        do {
            summary = try run.run(ids: ids) { bar.update($0) }
            bar.finish()
        } catch {
            bar.finish()
            throw error
        }
        report(summary, steps: steps).forEach(console.err)
    }

    /// The closing lines: images computed and skipped, time, and seconds per image of each step.
    static func report(_ summary: DatasetRunSummary, steps: [PipelineStep]) -> [String] {
        var text = "irn run: done, \(summary.total) images (\(summary.computed) computed, \(summary.skipped) skipped) in "
            + String(format: "%.1f s", summary.seconds)
        if summary.removedPartialFiles > 0 {
            text += "; removed \(summary.removedPartialFiles) temporary file\(summary.removedPartialFiles == 1 ? "" : "s") of an interrupted run"
        }
        let timed = steps.compactMap { step -> String? in
            guard let images = summary.stepImages[step], images > 0, let seconds = summary.stepSeconds[step] else { return nil }
            return String(format: "%@ %.3f s/image (%.2f images/s)", step.rawValue, seconds / Double(images),
                          seconds > 0 ? Double(images) / seconds : 0)
        }
        var lines = [text]
        if !timed.isEmpty {
            lines.append("per step: " + timed.joined(separator: ", ") + String(format: "; loading weights %.2f s", summary.loadSeconds))
        }
        if !summary.zeroWalkIDs.isEmpty {
            let shown = summary.zeroWalkIDs.prefix(5).joined(separator: ", ") + (summary.zeroWalkIDs.count > 5 ? ", ..." : "")
            lines.append("irn: warning: \(summary.zeroWalkIDs.count) image\(summary.zeroWalkIDs.count == 1 ? " has" : "s have") every CAM value 0 off the boundary (\(shown)); as in the reference, the walked scores are 0/0 and every pixel gets the image's first class")
        }
        return lines
    }

    static func steps(_ arguments: ParsedArguments) throws -> [PipelineStep] {
        guard let text = arguments.string("steps") else { return PipelineStep.allCases }
        var steps: [PipelineStep] = []
        for word in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = word.trimmingCharacters(in: .whitespaces)
            guard let step = PipelineStep(rawValue: name) else {
                throw UsageError(message: "--steps: unknown step '\(name)'",
                                 hint: "steps are " + PipelineStep.allCases.map(\.rawValue).joined(separator: ","))
            }
            steps.append(step)
        }
        return steps
    }

    static func shard(_ arguments: ParsedArguments) throws -> DatasetRunShard {
        guard let text = arguments.string("shard") else { return .all }
        do {
            return try DatasetRunShard(parsing: text)
        } catch {
            throw UsageError(message: "--shard must be K/N with 1 ≤ K ≤ N, got '\(text)'",
                             hint: "for example: --shard 1/4 (the first of four shards); shards are numbered from 1")
        }
    }

    static func threshold(_ arguments: ParsedArguments, _ name: String, default fallback: Double) throws -> Double {
        let value = try arguments.double(name, default: fallback)
        guard (0...1).contains(value) else {
            throw UsageError(message: "--\(name) must be in 0...1, got '\(arguments.string(name)!)'",
                             hint: "for example: --\(name) \(fallback)")
        }
        return value
    }

    /// The VOC folder with its list, or the image folder with its labels file.
    static func source(_ arguments: ParsedArguments) throws -> DatasetRunSource {
        let voc = arguments.string("voc-root"), images = arguments.string("images")
        switch (voc, images) {
        case (let root?, nil):
            for option in ["labels", "class-names"] where arguments.string(option) != nil {
                throw UsageError(message: "--\(option) belongs to the custom layout (--images), not --voc-root",
                                 hint: "VOC image classes come from Annotations/<id>.xml")
            }
            return try .voc(root: root, list: try arguments.requiredString("list", spec: spec))
        case (nil, let folder?):
            if arguments.string("list") != nil {
                throw UsageError(message: "--list belongs to --voc-root; with --images the labels file lists the images",
                                 hint: "usage: irn run \(spec.usage)")
            }
            let labels = try arguments.requiredString("labels", spec: spec)
            return try .custom(images: folder, labels: labels, classNames: try classNames(arguments))
        case (.some, .some):
            throw UsageError(message: "give either --voc-root or --images, not both", hint: "usage: irn run \(spec.usage)")
        case (nil, nil):
            throw UsageError(message: "'irn run' needs --voc-root DIR --list FILE, or --images DIR --labels FILE",
                             hint: "usage: irn run \(spec.usage)")
        }
    }

    /// --class-names: a file of names (one per line) if such a file exists, else a comma list.
    static func classNames(_ arguments: ParsedArguments) throws -> [String] {
        guard let text = arguments.string("class-names") else { return VOCDataset.categoryNames }
        var list = text
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory), !isDirectory.boolValue {
            let bytes = try FileIO.read(text, limit: ImageIDList.readLimit)
            list = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
                .joined(separator: ",")
        }
        guard let names = LabeledImageList.classNames(list) else {
            throw UsageError(message: "--class-names must list distinct, non-numeric names, got '\(text.prefix(80))'",
                             hint: "for example: --class-names cat,dog,horse (or a file with one name per line)")
        }
        return names
    }
}
