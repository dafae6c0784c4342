// `irn crf`: dense-CRF refinement of a label map or of class probabilities on its photo
// (DESIGN §6 "Relation mining" for the `irn` preset). Calls Pipeline.CRFLabelRefinement and
// writes OUT/crf/<image stem>.png, the refined labels as an indexed PNG with the VOC palette.
import Codecs
import Pipeline
import Propagation

enum CRFCommand: IRNCommand {
    static let tuning = ["iterations", "gt-prob", "gaussian-sxy", "gaussian-compat",
                         "bilateral-sxy", "bilateral-srgb", "bilateral-compat"]

    static let spec = CommandSpec(
        name: "crf",
        summary: "Refine a label map or class probabilities with a dense CRF",
        usage: "--image IMG (--labels L.png | --prob P.npz) --out OUT [--preset irn|custom ...]",
        options: [
            OptionSpec("image", "IMG", "Photo (PNG, JPEG or PPM/PGM), same size as the labels"),
            OptionSpec("labels", "PNG", "Label map (8-bit indexed or greyscale); 255 = unsure"),
            OptionSpec("label-count", "K", "Labels of the CRF with --labels (default: largest label + 1, at least 2)"),
            OptionSpec("prob", "FILE", "Class probabilities [K,H,W] (.npy, or an .npz array); output = channel index"),
            OptionSpec("array", "NAME", "Array of the --prob .npz (default: prob, high_res or cam, else the only one)"),
            OptionSpec("preset", "NAME", "irn (relation mining: 10 iterations, gt-prob 0.7, Gaussian 3/3, bilateral 50/5/10) or custom"),
            OptionSpec("iterations", "N", "custom: mean-field iterations"),
            OptionSpec("gt-prob", "P", "custom: confidence of the given label (--labels)"),
            OptionSpec("gaussian-sxy", "S", "custom: positional kernel bandwidth (pixels)"),
            OptionSpec("gaussian-compat", "W", "custom: positional kernel weight"),
            OptionSpec("bilateral-sxy", "S", "custom: bilateral kernel spatial bandwidth (pixels)"),
            OptionSpec("bilateral-srgb", "S", "custom: bilateral kernel colour bandwidth (0-255 levels)"),
            OptionSpec("bilateral-compat", "W", "custom: bilateral kernel weight"),
            OptionSpec("out", "DIR", "Output folder; writes DIR/crf/<image stem>.png"),
        ],
        examples: ["irn crf --image photo.jpg --labels out/sem_seg/photo.png --out out",
                   "irn crf --image photo.jpg --prob out/refined/photo.npz --preset custom --iterations 5 --out out"])

    static func parameters(_ arguments: ParsedArguments) throws -> DenseCRFParameters {
        let preset = arguments.string("preset") ?? "irn"
        var p = DenseCRFParameters.relationMining
        switch preset {
        case "irn":
            if let flag = tuning.first(where: { arguments.string($0) != nil }) {
                throw UsageError(message: "--\(flag) needs --preset custom", hint: "add --preset custom to tune the CRF")
            }
            return p
        case "custom": break
        default:
            throw UsageError(message: "unknown --preset '\(preset)'", hint: "use --preset irn or --preset custom")
        }
        p.iterations = try arguments.int("iterations", default: p.iterations, range: 0...1000)
        p.gtProbability = try arguments.double("gt-prob", default: p.gtProbability)
        guard p.gtProbability > 0 && p.gtProbability < 1 else {
            throw UsageError(message: "--gt-prob must lie strictly between 0 and 1", hint: "for example: --gt-prob 0.7")
        }
        func positive(_ name: String, _ value: Float) throws -> Float {
            let v = Float(try arguments.double(name, default: Double(value)))
            guard v > 0 && v.isFinite else {
                throw UsageError(message: "--\(name) must be positive", hint: "for example: --\(name) \(value)")
            }
            return v
        }
        p.gaussianSXY = try positive("gaussian-sxy", p.gaussianSXY)
        p.gaussianCompat = Float(try arguments.double("gaussian-compat", default: Double(p.gaussianCompat)))
        p.bilateralSXY = try positive("bilateral-sxy", p.bilateralSXY)
        p.bilateralSRGB = try positive("bilateral-srgb", p.bilateralSRGB)
        p.bilateralCompat = Float(try arguments.double("bilateral-compat", default: Double(p.bilateralCompat)))
        return p
    }

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let imagePath = try arguments.requiredString("image", spec: spec)
        let out = try arguments.requiredString("out", spec: spec)
        let parameters = try parameters(arguments)
        let labelsPath = arguments.string("labels"), probPath = arguments.string("prob")
        guard (labelsPath == nil) != (probPath == nil) else {
            throw UsageError(message: "give exactly one of --labels and --prob", hint: "usage: irn crf \(spec.usage)")
        }
        if labelsPath != nil && arguments.string("array") != nil {
            throw UsageError(message: "--array applies to --prob", hint: "drop --array")
        }
        if probPath != nil && (arguments.string("label-count") != nil || arguments.string("gt-prob") != nil) {
            throw UsageError(message: "--label-count and --gt-prob apply to --labels", hint: "drop them")
        }
        let image = try ImageFiles.load(imagePath)
        let refined: [UInt8]
        if let labelsPath {
            let (labels, width, height) = try MaskFiles.loadLabels(labelsPath)
            try checkSize(labelsPath, width: width, height: height, image: image)
            let largest = Int(labels.filter { $0 != 255 }.max() ?? 0)
            let count = try arguments.int("label-count", default: max(2, largest + 1), range: 2...255)
            guard largest < count else {
                throw MaskFileError.badArray(path: labelsPath, name: "labels",
                                             reason: "label \(largest) is not below --label-count \(count)")
            }
            refined = CRFLabelRefinement.refine(image: image, labels: labels, labelCount: count, parameters: parameters)
        } else {
            let mask = try MaskFiles.loadScores(probPath!, array: arguments.string("array"))
            try checkSize(probPath!, width: mask.scores.shape[2], height: mask.scores.shape[1], image: image)
            guard mask.scores.shape[0] <= 256 else {
                throw MaskFileError.badArray(path: probPath!, name: mask.name, reason: "more than 256 channels")
            }
            refined = CRFLabelRefinement.refine(image: image, probabilities: mask.scores, parameters: parameters)
        }
        let path = out + "/crf/" + FileIO.stem(of: imagePath) + ".png"
        let labels = Image(width: image.width, height: image.height, channels: 1, pixels: refined)
        try FileIO.writeAtomically(PNG.encodeIndexed(labels, palette: VOCPalette.rgb), to: path)
        console.err("wrote \(path)")
    }

    static func checkSize(_ path: String, width: Int, height: Int, image: Image) throws {
        guard width == image.width && height == image.height else {
            throw MaskFileError.sizeMismatch(
                path: path, reason: "it is \(width)x\(height) but the image is \(image.width)x\(image.height)")
        }
    }
}
