// `irn ins-seg`: instance pseudo labels of one image (IRNet §5): centroids from the displacement
// field, instance CAMs walked over the boundary affinities, connected fragments scored. Writes
// OUT/ins_seg/<stem>.npz (score, mask, class), .png (instance index map, 0 none, i + 1 for row
// i) and .json (per-instance class, score, pixels) (DESIGN §4, §5). Inputs are stage files, or
// an image and both checkpoints.
import Codecs
import Pipeline

enum InsSegCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "ins-seg",
        summary: "Instance labels from CAM and boundary maps (centroids + random walk)",
        usage: "(--cam C.npz --boundary B.npz | --image IMG --cam-weights W --irn-weights W --classes LIST [--scales S]) --out DIR [--beta 10 --exp-times 8 --radius 5 --bg-threshold 0.25] [--visualize] [--verbose]",
        options: LabelCommandInputs.options,
        examples: ["irn ins-seg --cam out/cam/2007_000032.npz --boundary out/boundary/2007_000032.npz --out out",
                   "irn ins-seg --image 2007_000032.jpg --cam-weights res50_cam.pth --irn-weights res50_irn.pth --classes aeroplane,person --out out"])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let inputs = try LabelCommandInputs(arguments, spec: spec)
        let (cam, boundary) = try inputs.load(console: console)
        inputs.warnIfNothingToWalk(cam, boundary, console: console)
        let found = try inputs.instances(cam, boundary)
        let paths = try inputs.outputs.write(instances: found, stem: inputs.stem)
        console.err("wrote \(paths[0]) and .png/.json (\(found.count) instance\(found.count == 1 ? "" : "s"))")
        if inputs.visualize, let vis = try inputs.writeVisualization(cam: cam, boundary: boundary,
                                                                    semantic: inputs.semantic(cam, boundary), instances: found) {
            console.err("wrote \(vis)")
        }
    }
}
