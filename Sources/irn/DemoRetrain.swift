// DemoRetrain: `irn demo --retrain` — runs DemoRecipe's commands in process, in order, timing
// each, then writes the demo's two weight files into a folder: demo_cam.safetensors (the CAM
// checkpoint as train-cam wrote it) and demo_irn.safetensors (IRNet's heads and mean shift only;
// the backbone is the CAM file's, DemoModels, Docs/Formats.md "Demo weights").
import Dispatch
import Pipeline
import Tensors

enum DemoRetrain {
    /// Seconds each stage took, in order.
    struct Timing {
        var stages: [(name: String, seconds: Double)] = []
        var total: Double { stages.reduce(0) { $0 + $1.seconds } }
    }

    /// Runs `recipe` with its files under `work` and writes the weights into `weights`.
    static func run(_ recipe: DemoRecipe, work: String, weights: String, console: Console) throws -> Timing {
        var timing = Timing()
        let paths = DemoRecipe.Paths(work: work)
        let stages = recipe.stages(paths)
        for (index, stage) in stages.enumerated() {
            console.err("retrain \(index + 1)/\(stages.count + 1): \(stage.commandLine)")
            let seconds = try timed {
                try stage.command.run(ParsedArguments(stage.arguments, spec: stage.command.spec), console: console)
            }
            timing.stages.append((stage.name, seconds))
            console.err("retrain: \(stage.name) took \(DemoReport.decimal(seconds)) s")
        }
        console.err("retrain \(stages.count + 1)/\(stages.count + 1): \(weights)/\(DemoModels.camFileNames[0]), "
                    + "\(weights)/\(DemoModels.irnFileNames[0]) (IRNet heads and mean shift only)")
        let seconds = try timed { try install(cam: paths.cam, irn: paths.irn, into: weights) }
        timing.stages.append(("weights", seconds))
        return timing
    }

    /// Writes the demo's weight files into `folder`: the CAM checkpoint as it is, IRNet's
    /// checkpoint without its backbone (which must be the CAM checkpoint's, as train-irn froze it).
    static func install(cam: String, irn: String, into folder: String) throws {
        let camTensors = try NetworkWeights.load(cam)
        let irnTensors = try NetworkWeights.load(irn)
        for (name, tensor) in irnTensors where name.hasPrefix(DemoModels.backbonePrefix) {
            guard camTensors[name] == tensor else {
                throw CommandFailure(message: "\(irn): backbone tensor \(name) differs from \(cam)'s",
                                     hint: "train IRNet with --backbone \(cam)")
            }
        }
        try TrainingCheckpoints.save(camTensors, to: folder + "/" + DemoModels.camFileNames[0],
                                     metadata: ["format": "pt", "irn": "train-cam"])
        try TrainingCheckpoints.save(DemoModels.headsOnly(irnTensors), to: folder + "/" + DemoModels.irnFileNames[0],
                                     metadata: ["irn": "train-irn", "backbone": DemoModels.camFileNames[0]])
    }

    static func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The per-stage times as lines for the terminal.
    static func summary(_ timing: Timing, demoSeconds: Double) -> String {
        var lines = ["retrain times:"]
        for (name, seconds) in timing.stages {
            lines.append("  " + name.padding(16) + DemoReport.decimal(seconds) + " s")
        }
        lines.append("  " + "demo".padding(16) + DemoReport.decimal(demoSeconds) + " s")
        lines.append("  " + "total".padding(16) + DemoReport.decimal(timing.total + demoSeconds) + " s")
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
