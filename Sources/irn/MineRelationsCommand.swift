// `irn mine-relations`: the confident labels the relation network learns from (DESIGN §4, §5,
// §6 "Relation mining"). Reads the photo and its CAM archive, calls
// Pipeline.RelationMiningFiles and writes OUT/ir_label/<image stem>.png (8-bit greyscale:
// 0 background, 1..20 class, 255 unsure).
import Pipeline

enum MineRelationsCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "mine-relations",
        summary: "Confident foreground/background labels from a CAM (ir_label)",
        usage: "--image IMG --cam OUT/cam/<stem>.npz --out OUT",
        options: [
            OptionSpec("image", "IMG", "Photo (PNG, JPEG or PPM/PGM) the CAM was made from"),
            OptionSpec("cam", "NPZ", "CAM archive with keys and high_res (irn cam output)"),
            OptionSpec("fg-threshold", "T", "Background score of the foreground-confident pass (default 0.30)"),
            OptionSpec("bg-threshold", "T", "Background score of the background-confident pass (default 0.05)"),
            OptionSpec("out", "DIR", "Output folder; writes DIR/ir_label/<image stem>.png"),
        ],
        examples: ["irn mine-relations --image 2007_000032.jpg --cam out/cam/2007_000032.npz --out out"])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let imagePath = try arguments.requiredString("image", spec: spec)
        let camPath = try arguments.requiredString("cam", spec: spec)
        let out = try arguments.requiredString("out", spec: spec)
        let mining = RelationMining(
            foregroundThreshold: Float(try arguments.double("fg-threshold", default: 0.30)),
            backgroundThreshold: Float(try arguments.double("bg-threshold", default: 0.05)))
        let labels = try RelationMiningFiles.mine(imagePath: imagePath, camPath: camPath, mining: mining)
        let path = try StageOutputs(folder: out).write(relationLabels: labels, stem: FileIO.stem(of: imagePath))
        console.err("wrote \(path)")
    }
}
