// `irn cam`: the multi-scale class activation maps of one image (IRNet §3.1; the reference's
// make_cam step), written to OUT/cam/<stem>.npz with keys, cam (stride 4), high_res and size
// (DESIGN §4, §5). Weights: the reference's CAM checkpoint (.pth) or a safetensors file of any
// width, block and class count (class names from --class-names or the checkpoint's metadata).
import Pipeline

enum CAMCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "cam",
        summary: "Class activation maps of one image (multi-scale, as the reference's make_cam)",
        usage: "--weights CAM.pth|CAM.safetensors --image IMG --classes cat,dog [--class-names LIST|FILE] [--scales 1,0.5,1.5,2] --out DIR [--verbose]",
        options: [
            OptionSpec("weights", "FILE", "CAM network checkpoint: the reference's .pth state dict, or .safetensors"),
            OptionSpec("image", "IMG", "Input image (PNG, JPEG, PPM/PGM)"),
            OptionSpec("classes", "LIST", "Classes in the image: names or 0-based indices, e.g. cat,dog or 7,11"),
            OptionSpec("class-names", "LIST|FILE", "The network's class names (default: the checkpoint's, as irn train-cam saves them, or VOC's 20)"),
            OptionSpec("scales", "LIST", "Scales summed over, each in (0, 4] (default 1,0.5,1.5,2)"),
            OptionSpec("out", "DIR", "Output folder (writes DIR/cam/<stem>.npz)"),
            OptionSpec("verbose", nil, "Print each step and its time on stderr"),
        ],
        examples: ["irn cam --weights res50_cam.pth --image 2007_000032.jpg --classes aeroplane,person --out out"])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let weights = try arguments.requiredString("weights", spec: spec)
        let imagePath = try arguments.requiredString("image", spec: spec)
        let out = try arguments.requiredString("out", spec: spec)
        _ = try arguments.requiredString("classes", spec: spec)
        let scales = try NetworkStageInputs.scales(arguments)
        let log = StepLog(enabled: arguments.has("verbose"), console: console)
        let image = try NetworkStageInputs.image(imagePath, log: log)
        try NetworkStageInputs.checkScales(scales, image: image, path: imagePath)
        let (network, names) = try NetworkStageInputs.camNetwork(weights, arguments: arguments, log: log)
        let keys = try NetworkStageInputs.classes(arguments, names: names, classCount: network.classCount, spec: spec)
        let cam = try NetworkStageInputs.cam(image, network: network, keys: keys, scales: scales, log: log)
        let outputs = StageOutputs(folder: out), stem = FileIO.stem(of: imagePath)
        let path = outputs.primaryPath(.cam, stem)
        _ = try log.time("wrote \(path)") { try outputs.write(cam: cam, stem: stem) }
        console.err("wrote \(path) (\(image.width)x\(image.height), classes \(keys.map { names?[$0] ?? "\($0)" }.joined(separator: ",")))")
    }
}
