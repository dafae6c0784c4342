// `irn boundary`: class boundaries and the displacement field of one image (IRNet §3.2; the
// reference's EdgeDisplacement inference), written to OUT/boundary/<stem>.npz with edge (after
// the sigmoid) and dp, both at stride 4 (DESIGN §4, §5). Weights: the reference's IRN checkpoint
// (.pth, as train_irn saves it) or a safetensors file.
import Pipeline

enum BoundaryCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "boundary",
        summary: "Boundary map and displacement field of one image (IRNet)",
        usage: "--weights IRN.pth|IRN.safetensors --image IMG --out DIR [--crop-size 512] [--verbose]",
        options: [
            OptionSpec("weights", "FILE", "IRNet checkpoint: the reference's .pth state dict, or .safetensors"),
            OptionSpec("image", "IMG", "Input image (PNG, JPEG, PPM/PGM)"),
            OptionSpec("out", "DIR", "Output folder (writes DIR/boundary/<stem>.npz)"),
            NetworkStageInputs.cropSizeOption,
            OptionSpec("verbose", nil, "Print each step and its time on stderr"),
        ],
        examples: ["irn boundary --weights res50_irn.pth --image 2007_000032.jpg --out out"])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let weights = try arguments.requiredString("weights", spec: spec)
        let imagePath = try arguments.requiredString("image", spec: spec)
        let out = try arguments.requiredString("out", spec: spec)
        let cropSize = try NetworkStageInputs.cropSize(arguments)
        let log = StepLog(enabled: arguments.has("verbose"), console: console)
        let image = try NetworkStageInputs.image(imagePath, log: log)
        let network = try NetworkStageInputs.irNetwork(weights, cropSize: cropSize, log: log)
        let boundary = NetworkStageInputs.boundary(image, network: network, log: log)
        let outputs = StageOutputs(folder: out), stem = FileIO.stem(of: imagePath)
        let path = outputs.primaryPath(.boundary, stem)
        _ = try log.time("wrote \(path)") { try outputs.write(boundary: boundary, stem: stem) }
        console.err("wrote \(path) (\(boundary.edge.shape[1])x\(boundary.edge.shape[0]) at stride 4)")
    }
}
