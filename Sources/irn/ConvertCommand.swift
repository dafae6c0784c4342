// `irn convert IN OUT`: converts between file formats, choosing the output by extension.
// Images: PNG, JPEG (input only) and PNM (PPM/PGM) in, PNG and PNM out. The input format is
// recognised by content, not by name.
import Codecs
import Pipeline

enum ConvertCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "convert",
        summary: "Convert an image between PNG, JPEG (input) and PPM/PGM",
        usage: "IN OUT",
        options: [],
        examples: ["irn convert photo.jpg photo.png", "irn convert labels.png labels.ppm"],
        positionalRange: 2...2)

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let input = arguments.positional[0], output = arguments.positional[1]
        let outputExtension = FileIO.fileExtension(of: output)
        guard let format = ImageFileFormat(fileExtension: outputExtension), format != .jpeg else {
            throw UsageError(message: "cannot write '.\(outputExtension)' files",
                             hint: "name the output .png, .ppm or .pgm")
        }
        let image = try ImageFiles.load(input)
        try ImageFiles.save(image, to: output)
        console.err("wrote \(output) (\(image.width)x\(image.height), \(image.channels) channel\(image.channels == 1 ? "" : "s"))")
    }
}
