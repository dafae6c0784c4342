// `irn demo`: the whole method on synthetic validation scenes with ground truth (Pipeline's
// Demo): CAMs → boundary and displacement → semantic and instance pseudo labels with the small
// networks bundled in Models/, scored like the IRNet paper's Tables 1 and 2; writes the scenes,
// every stage's files, panels and index.html under --out, prints the tables on stdout and the
// progress on stderr. With --retrain it first remakes the weights (DemoRecipe, DemoRetrain) into
// OUT/weights (or Models/ with --install) and runs the demo with them, timing every stage.
import Foundation
import Pipeline
import Tensors

enum DemoCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "demo",
        summary: "Run the whole method on synthetic scenes with ground truth and print the paper's tables",
        usage: "[--out DIR] [--count N] [--weights-dir DIR] [--seed S] [--size PIXELS] [--panels N] [--threads T] [--beta B] [--bg-threshold S] [--exp-times T] [--tune-count N | --no-tune] [--untrained] [--retrain [--install]]",
        options: [
            OptionSpec("out", "DIR", "Output folder: scenes, stage files, vis/*.png panels, index.html (default irn-demo)"),
            OptionSpec("count", "N", "Number of validation scenes (default 100)"),
            OptionSpec("weights-dir", "DIR", "Folder with demo_cam.safetensors and demo_irn.safetensors (default: the package's Models/)"),
            OptionSpec("seed", "S", "Seed of the validation scenes (default 1000)"),
            OptionSpec("size", "PIXELS", "Side of the scenes, 32...512 (default 128, the size the bundled networks learnt)"),
            OptionSpec("panels", "N", "Scenes drawn as panels in vis/ (default 6)"),
            OptionSpec("threads", "T", "Worker threads (default: all \(Parallelism.processorCount) processors)"),
            OptionSpec("bg-threshold", "S", "Fix the background score of the walk's semantic and instance labels, 0...1 (default: tuned)"),
            OptionSpec("beta", "B", "Fix the affinity sharpening exponent of the random walk, > 0 (default: tuned)"),
            OptionSpec("exp-times", "T", "The walk takes 2^T steps, T in 0...12 (default 8, the reference's)"),
            OptionSpec("tune-count", "N", "Tuning scenes the settings are chosen on (default 100; seed: --seed + 1000)"),
            OptionSpec("no-tune", nil, "No tuning: the reference's VOC settings (beta 10, backgrounds 0.25, CAM 0.15) unless given"),
            OptionSpec("untrained", nil, "Use seeded random weights instead of trained ones (checks the wiring only)"),
            OptionSpec("retrain", nil, "First remake the weights with the bundled recipe (synth, train-cam, run cam,ir-label, train-irn) into OUT/weights, then run the demo with them"),
            OptionSpec("install", nil, "With --retrain: write the new weights into the package's Models/ instead of OUT/weights"),
        ],
        examples: [
            "irn demo",
            "irn demo --out /tmp/demo --count 20 --panels 4",
            "irn demo --retrain --out /tmp/demo-retrain",
        ])

    /// The package's Models/ folder, found from this source file's place in the checkout.
    static var bundledWeightsFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models").path
    }

    /// Where the demo looks for its weights, in order: $IRN_MODELS, the checkout's Models/ (the
    /// binary may have been copied elsewhere, or the checkout moved), then Models/ beside the
    /// executable and ../share/irn/Models from it (an installed copy).
    static func weightsFolders(environment: [String: String] = ProcessInfo.processInfo.environment,
                               executable: URL? = Bundle.main.executableURL) -> [String] {
        var folders: [String] = []
        if let folder = environment["IRN_MODELS"], !folder.isEmpty { folders.append(folder) }
        folders.append(bundledWeightsFolder)
        if let directory = executable?.resolvingSymlinksInPath().deletingLastPathComponent() {
            folders.append(directory.appendingPathComponent("Models").path)
            folders.append(directory.deletingLastPathComponent().appendingPathComponent("share/irn/Models").path)
        }
        return folders
    }

    /// The recipe --retrain runs (tests shrink it).
    nonisolated(unsafe) static var retrainRecipe = DemoRecipe.bundled

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        var options = DemoOptions()
        options.count = try arguments.int("count", default: options.count, range: 1 ... 100_000)
        options.sceneSize = try arguments.int("size", default: options.sceneSize, range: 32 ... 512)
        options.panelCount = try arguments.int("panels", default: options.panelCount, range: 0 ... 1000)
        options.seed = try SynthCommand.seedArgument(arguments, default: options.seed)
        let background = try arguments.string("bg-threshold").map { _ in try arguments.double("bg-threshold", default: 0) }
        let beta = try arguments.string("beta").map { _ in try arguments.double("beta", default: 0) }
        guard background.map({ (0 ... 1).contains($0) }) ?? true, beta.map({ $0 > 0 && $0.isFinite }) ?? true else {
            throw UsageError(message: "--bg-threshold must be in 0...1 and --beta positive", hint: "for example: --bg-threshold 0.25 --beta 10")
        }
        if let background {
            options.settings.semanticBackground = Float(background)
            options.settings.instanceBackground = Float(background)
        }
        if let beta { options.settings.beta = Float(beta) }
        options.expTimes = try arguments.int("exp-times", default: options.expTimes, range: 0 ... 12)
        if arguments.has("no-tune") {
            options.tuning = nil
        } else {
            var tuning = DemoTuning()
            tuning.count = try arguments.int("tune-count", default: tuning.count, range: 1 ... 100_000)
            tuning.seed = options.seed &+ 1000
            tuning.fixedBeta = beta.map { Float($0) }
            tuning.fixedBackground = background.map { Float($0) }
            options.tuning = tuning
        }
        Parallelism.threadCount = try arguments.int("threads", default: Parallelism.processorCount, range: 1 ... 1024)
        let out = arguments.string("out") ?? "irn-demo"

        if arguments.has("install") && !arguments.has("retrain") {
            throw UsageError(message: "--install goes with --retrain", hint: "irn demo --retrain --install")
        }
        if arguments.has("retrain") && (arguments.has("untrained") || arguments.string("weights-dir") != nil) {
            throw UsageError(message: "--retrain makes its own weights; it takes no --untrained or --weights-dir",
                             hint: "irn demo --retrain --out DIR")
        }
        var timing: DemoRetrain.Timing?
        let models: DemoModels
        if arguments.has("retrain") {
            let weights = arguments.has("install") ? bundledWeightsFolder : out + "/weights"
            timing = try DemoRetrain.run(retrainRecipe, work: out + "/retrain", weights: weights, console: console)
            models = try DemoModels.load(from: weights)
        } else if arguments.has("untrained") {
            models = DemoModels.seeded()
        } else if let folder = arguments.string("weights-dir") {
            models = try DemoModels.load(from: folder)
        } else if let folder = weightsFolders().first(where: DemoModels.hasWeights(in:)) {
            models = try DemoModels.load(from: folder)
        } else {
            console.err("irn: warning: no trained weights in \(weightsFolders().joined(separator: ", ")); running with untrained seeded weights (set IRN_MODELS or --weights-dir)")
            models = DemoModels.seeded()
        }
        console.err("demo: \(options.count) scenes of \(options.sceneSize)x\(options.sceneSize), \(models.origin)")
        let start = DispatchTime.now().uptimeNanoseconds
        let clock = { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 + 1e-9 }
        let report = try Demo.run(options: options, models: models, output: DemoOutput(root: out), clock: clock,
                                  progress: { console.err($0) })
        console.out(report.table)
        if report.tuning != nil { console.err("the tuning grids are in \(out)/tuning.txt") }
        if let timing { console.out(DemoRetrain.summary(timing, demoSeconds: report.seconds)) }
        console.err("wrote \(out)/index.html, \(report.panelIDs.count) panels in \(out)/vis, stage files and scenes in \(out)")
    }
}
