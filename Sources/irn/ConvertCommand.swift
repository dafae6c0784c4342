// `irn convert IN OUT`: converts between file formats, choosing the output by extension.
// Images: PNG, JPEG (input only) and PNM (PPM/PGM) in, PNG and PNM out. Checkpoints: a PyTorch
// .pth state dict (zip or legacy layout) or a safetensors file in, OUT named .safetensors: the
// state dict is written with floating-point tensors as F32 and integer tensors in their own
// type (DESIGN §5). The input format is recognised by content, not by name.
import Checkpoints
import Codecs
import Pipeline

enum ConvertCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "convert",
        summary: "Convert an image between PNG, JPEG (input) and PPM/PGM, or a .pth checkpoint to safetensors",
        usage: "IN OUT",
        options: [],
        examples: ["irn convert photo.jpg photo.png", "irn convert labels.png labels.ppm",
                   "irn convert res50_cam.pth res50_cam.safetensors"],
        positionalRange: 2...2)

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let input = arguments.positional[0], output = arguments.positional[1]
        let outputExtension = FileIO.fileExtension(of: output)
        if outputExtension == "safetensors" {
            try convertCheckpoint(input, to: output, console: console)
            return
        }
        guard let format = ImageFileFormat(fileExtension: outputExtension), format != .jpeg else {
            throw UsageError(message: "cannot write '.\(outputExtension)' files",
                             hint: "name the output .png, .ppm or .pgm (images) or .safetensors (checkpoints)")
        }
        let image = try ImageFiles.load(input)
        try ImageFiles.save(image, to: output)
        console.err("wrote \(output) (\(image.width)x\(image.height), \(image.channels) channel\(image.channels == 1 ? "" : "s"))")
    }

    /// The checkpoint's state dict as safetensors: floats as F32, integers unchanged.
    static func convertCheckpoint(_ input: String, to output: String, console: Console) throws {
        let bytes = try FileIO.read(input)
        guard NetworkWeights.format(of: bytes) != nil else {
            throw CommandFailure(message: "\(input) is not a checkpoint (neither a PyTorch .pth nor a safetensors file)",
                                 hint: "only checkpoints convert to .safetensors; images convert to .png, .ppm or .pgm")
        }
        let dict: StateDict
        do {
            dict = try NetworkWeights.stateDict(from: bytes)
        } catch {
            throw NetworkWeightsError(file: input, underlying: error)
        }
        var converted = StateDict()
        for (name, tensor) in dict.entries {
            if tensor.dtype.isFloatingPoint, tensor.dtype != .float32 {
                converted[name] = CheckpointTensor(tensor.floatTensor(), dtype: .float32)
            } else {
                converted[name] = tensor
            }
        }
        try FileIO.writeAtomically(SafeTensors.write(converted), to: output)
        let integers = converted.entries.filter { !$0.tensor.dtype.isFloatingPoint }.count
        console.err("wrote \(output) (\(converted.count) tensors, \(integers) of them integer)")
    }
}
