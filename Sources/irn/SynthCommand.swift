// `irn synth`: writes synthetic scenes with ground truth as a dataset (Pipeline's
// SyntheticScenes and SyntheticDataset): a VOC-style folder that `irn eval --voc-root` reads,
// and labels.txt / class_names.txt for the custom layout (`--images DIR/JPEGImages
// --labels DIR/labels.txt --class-names "$(cat DIR/class_names.txt)"`). Same seed, same bytes.
import Pipeline

enum SynthCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "synth",
        summary: "Write synthetic scenes with ground truth as a VOC-style dataset",
        usage: "--out DIR --count N --seed S [--size 128] [--val N] [--format png]",
        options: [
            OptionSpec("out", "DIR", "Output folder (JPEGImages, SegmentationClass, SegmentationObject, ImageSets, labels.txt)"),
            OptionSpec("count", "N", "Number of scenes (1...1000000)"),
            OptionSpec("seed", "S", "Seed: scene i of seed S is always the same image (default 0)"),
            OptionSpec("size", "PIXELS", "Side of the square scenes, 16...1024 (default 128)"),
            OptionSpec("val", "N", "How many of the last scenes go to val.txt instead of train.txt (default count/5)"),
            OptionSpec("format", "png", "Image format; only png is written (the package has no JPEG encoder)"),
        ],
        examples: [
            "irn synth --out synth-train --count 2000 --seed 1 --val 0",
            "irn synth --out synth-val --count 100 --seed 2 --size 160",
        ])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let out = try arguments.requiredString("out", spec: spec)
        guard arguments.string("count") != nil else {
            throw UsageError(message: "'irn synth' needs --count", hint: "usage: irn synth \(spec.usage)")
        }
        let count = try arguments.int("count", default: 1, range: 1 ... 1_000_000)
        let size = try arguments.int("size", default: 128, range: 16 ... 1024)
        let validation = try arguments.int("val", default: count / 5, range: 0 ... count)
        let seed = try seedArgument(arguments)
        if let format = arguments.string("format"), format.lowercased() != "png" {
            guard ["jpg", "jpeg"].contains(format.lowercased()) else {
                throw UsageError(message: "--format must be png, got '\(format)'", hint: "for example: --format png")
            }
            throw UsageError(message: "--format \(format): this package decodes JPEG but has no JPEG encoder",
                             hint: "use --format png (every reader of the package takes PNG images)")
        }
        let scenes = SyntheticScenes(size: size, seed: seed)
        let step = max(1, count / 10)
        let summary = try SyntheticDataset.write(scenes, count: count, validationCount: validation, to: out) { written in
            if written % step == 0 || written == count { console.err("synth: \(written)/\(count) scenes") }
        }
        console.err("wrote \(count) scenes of \(size)x\(size) (seed \(seed)) to \(out): "
                    + "\(summary.trainIDs.count) train, \(summary.validationIDs.count) val; "
                    + "classes \(SyntheticScenes.classNames.joined(separator: ","))")
    }

    /// --seed as an unsigned 64-bit integer (default 0).
    static func seedArgument(_ arguments: ParsedArguments, name: String = "seed", default fallback: UInt64 = 0) throws -> UInt64 {
        guard let text = arguments.string(name) else { return fallback }
        guard let seed = UInt64(text) else {
            throw UsageError(message: "--\(name) must be a non-negative integer, got '\(text)'", hint: "for example: --\(name) 1")
        }
        return seed
    }
}
