// `irn refine`: PAMR mask refinement of one image's class maps (DESIGN §4, §6 "PAMR").
// Reads the photo and a mask (.npz/.npy float maps [K, h, w], or a label PNG turned one-hot),
// calls Pipeline.MaskRefinement, and writes OUT/refined/<stem>.npz (`prob`, `classes`) and
// OUT/refined/<stem>.png (argmax as class values, VOC palette).
import Codecs
import Foundation
import Pipeline
import Propagation
import Tensors

enum RefineCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "refine",
        summary: "Refine class masks along image edges with PAMR",
        usage: "--image IMG --mask M.npz|M.npy|M.png --out OUT [options]",
        options: [
            OptionSpec("image", "IMG", "Photo (PNG, JPEG or PPM/PGM); fed to PAMR as RGB values / 255"),
            OptionSpec("mask", "FILE", "Float maps [K,h,w] (.npy, or an .npz array) or a label PNG; h,w at most the image's"),
            OptionSpec("array", "NAME", "Array of an .npz to refine (default: prob, high_res or cam, else the only one)"),
            OptionSpec("background", "SCORE", "Prepend a constant background channel (class 0) with this score"),
            OptionSpec("iterations", "N", "Propagation steps (default 10)"),
            OptionSpec("dilations", "LIST", "Neighbourhood dilations (default 1,2,4,8,12,24)"),
            OptionSpec("out", "DIR", "Output folder; writes DIR/refined/<image stem>.npz and .png"),
        ],
        examples: ["irn refine --image 2007_000032.jpg --mask out/cam/2007_000032.npz --background 0.25 --out out",
                   "irn refine --image photo.png --mask labels.png --iterations 5 --out out"])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let imagePath = try arguments.requiredString("image", spec: spec)
        let maskPath = try arguments.requiredString("mask", spec: spec)
        let out = try arguments.requiredString("out", spec: spec)
        let iterations = try arguments.int("iterations", default: 10, range: 0...1000)
        let dilations = try integers(arguments, "dilations", default: [1, 2, 4, 8, 12, 24], range: 1...1024)
        let background = try arguments.string("background").map { _ in Float(try arguments.double("background", default: 0)) }

        let image = try ImageFiles.load(imagePath)
        let bytes = try FileIO.read(maskPath)
        var scores: Tensor
        var classes: [Int]
        if ImageFileFormat(sniffing: bytes) == .png {
            guard arguments.string("array") == nil, background == nil else {
                throw UsageError(message: "--array and --background apply to .npz/.npy masks, not to a label PNG",
                                 hint: "drop them, or pass the maps as an .npz")
            }
            let (labels, width, height) = try MaskFiles.labels(from: bytes, path: maskPath)
            let count = (labels.filter { $0 != 255 }.max().map { Int($0) } ?? 0) + 1
            scores = MaskRefinement.oneHot(labels: labels, width: width, height: height, classCount: count)
            classes = Array(0 ..< count)
        } else {
            let mask: MaskArray
            do {
                mask = try MaskFiles.scores(from: bytes, path: maskPath, array: arguments.string("array"))
            } catch MaskFileError.missingArray(_, let name, let available) where arguments.string("array") != nil {
                throw UsageError(message: "\(maskPath) has no array '\(name)'",
                                 hint: "its arrays are: " + available.joined(separator: ", "))
            } catch MaskFileError.ambiguousArray(_, let available) {
                throw UsageError(message: "\(maskPath) holds several arrays; say which to refine",
                                 hint: "add --array NAME, one of: " + available.joined(separator: ", "))
            }
            scores = mask.scores
            classes = mask.keys.map { $0.map { $0 + 1 } } ?? Array(0 ..< scores.shape[0])
            if let background {
                scores = MaskRefinement.prependingBackground(scores, value: background)
                classes = [0] + (mask.keys == nil ? classes.map { $0 + 1 } : classes)
            }
            guard classes.allSatisfy({ $0 <= 255 }) else {
                throw MaskFileError.badArray(path: maskPath, name: mask.name,
                                             reason: "\(scores.shape[0]) channels do not fit in an 8-bit label map")
            }
        }
        guard scores.shape[1] <= image.height && scores.shape[2] <= image.width else {
            throw MaskFileError.sizeMismatch(
                path: maskPath,
                reason: "the mask is \(scores.shape[2])x\(scores.shape[1]), larger than the \(image.width)x\(image.height) image")
        }
        let refinement = MaskRefinement(pamr: PAMR(iterations: iterations, dilations: dilations))
        let refined = refinement.refine(image: image, scores: scores, classes: classes)
        let stem = FileIO.stem(of: imagePath)
        let folder = out + "/refined/"
        try FileIO.writeAtomically(refined.archive(), to: folder + stem + ".npz")
        try FileIO.writeAtomically(refined.labelPNG(), to: folder + stem + ".png")
        console.err("wrote \(folder)\(stem).npz and .png (\(classes.count) channels, \(image.width)x\(image.height))")
    }

    /// A comma-separated list of integers in `range`.
    static func integers(_ arguments: ParsedArguments, _ name: String, default fallback: [Int],
                         range: ClosedRange<Int>) throws -> [Int] {
        guard let text = arguments.string(name) else { return fallback }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == parts.count, !values.isEmpty, values.allSatisfy(range.contains) else {
            throw UsageError(message: "--\(name) must be a comma-separated list of integers in \(range.lowerBound)...\(range.upperBound), got '\(text)'",
                             hint: "for example: --\(name) " + fallback.map(String.init).joined(separator: ","))
        }
        return values
    }
}
