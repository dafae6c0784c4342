// `irn sem-seg`: semantic pseudo labels of one image (IRNet §5): the CAMs walked over the
// boundary map's affinities, against a constant background, written as a VOC-palette PNG to
// OUT/sem_seg/<stem>.png (DESIGN §4, §5). Inputs are the CAM and boundary stage files, or an
// image and both checkpoints (the stages computed in memory).
import Codecs
import Pipeline

enum SemSegCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "sem-seg",
        summary: "Semantic labels from CAM and boundary maps (random walk)",
        usage: "(--cam C.npz --boundary B.npz | --image IMG --cam-weights W --irn-weights W --classes LIST [--scales S]) --out DIR [--beta 10 --exp-times 8 --radius 5 --bg-threshold 0.25] [--visualize] [--verbose]",
        options: LabelCommandInputs.options,
        examples: ["irn sem-seg --cam out/cam/2007_000032.npz --boundary out/boundary/2007_000032.npz --out out",
                   "irn sem-seg --image 2007_000032.jpg --cam-weights res50_cam.pth --irn-weights res50_irn.pth --classes aeroplane,person --out out",
                   "irn sem-seg --cam c.npz --boundary b.npz --out out --visualize --image 2007_000032.jpg"])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let inputs = try LabelCommandInputs(arguments, spec: spec)
        let (cam, boundary) = try inputs.load(console: console)
        inputs.warnIfNothingToWalk(cam, boundary, console: console)
        let labels = inputs.semantic(cam, boundary)
        let path = try inputs.outputs.write(semanticLabels: labels, height: cam.height, width: cam.width, stem: inputs.stem)
        console.err("wrote \(path) (\(cam.width)x\(cam.height), classes \(cam.keys.map { VOCClasses.name(of: $0) }.joined(separator: ",")))")
        if inputs.visualize, let vis = try inputs.writeVisualization(cam: cam, boundary: boundary, semantic: labels,
                                                                    instances: try inputs.instances(cam, boundary)) {
            console.err("wrote \(vis)")
        }
    }
}
