// LabelCommandInputs: what `irn sem-seg` and `irn ins-seg` share — their options, the checks on
// the random-walk settings (usage errors, exit 2), the two input modes (DESIGN §4): the CAM and
// boundary stage files, loaded and cross-checked, or an image with both checkpoints, whose CAM
// and boundary stages are computed in memory (NetworkStageInputs) — exactly one of them —, then
// output paths and the --visualize panel.
import Codecs
import Instances
import Pipeline

struct LabelCommandInputs {
    static let options: [OptionSpec] = [
        OptionSpec("cam", "FILE", "CAM stage file (OUT/cam/<stem>.npz: keys, cam, size), with --boundary"),
        OptionSpec("boundary", "FILE", "Boundary stage file (OUT/boundary/<stem>.npz: edge, dp), with --cam"),
        OptionSpec("image", "IMG", "Input image, with --cam-weights, --irn-weights and --classes (or, with stage files, the image shown under --visualize)"),
        OptionSpec("cam-weights", "FILE", "CAM network checkpoint (.pth or .safetensors): compute the CAM stage in memory"),
        OptionSpec("irn-weights", "FILE", "IRNet checkpoint (.pth or .safetensors): compute the boundary stage in memory"),
        OptionSpec("classes", "LIST", "Classes in the image (with --cam-weights): VOC names or 0-based indices"),
        OptionSpec("scales", "LIST", "CAM scales (with --cam-weights), each in (0, 4] (default 1,0.5,1.5,2)"),
        NetworkStageInputs.cropSizeOption,
        OptionSpec("verbose", nil, "Print each step and its time on stderr"),
        OptionSpec("out", "DIR", "Output folder (written under DIR/<stage>/<stem>.*)"),
        OptionSpec("beta", "B", "Affinity sharpening exponent, > 0 (default 10)"),
        OptionSpec("exp-times", "T", "The walk takes 2^T steps, T in 0...30 (default 8)"),
        OptionSpec("radius", "R", "Affinity radius in stride-4 pixels, 1...20 (default 5)"),
        OptionSpec("bg-threshold", "S", "Constant background score, 0...1 (default 0.25)"),
        OptionSpec("visualize", nil, "Also write DIR/vis/<stem>.png (heat map, boundary, displacement, labels)"),
    ]

    /// Where the CAM and boundary maps come from.
    enum Source {
        case stageFiles(cam: String, boundary: String)
        case networks(camWeights: String, irnWeights: String, keys: [Int], scales: [Double], cropSize: Int)
    }

    let source: Source
    let outFolder: String
    let labeling: WalkLabeling
    let visualize: Bool
    let imagePath: String?

    let verbose: Bool

    init(_ arguments: ParsedArguments, spec: CommandSpec) throws {
        let stageOptions = ["cam", "boundary"].filter { arguments.string($0) != nil }
        let networkOptions = ["cam-weights", "irn-weights", "classes", "scales", "crop-size"].filter { arguments.string($0) != nil }
        if !stageOptions.isEmpty && !networkOptions.isEmpty {
            throw UsageError(message: "give either stage files (--cam, --boundary) or networks (--cam-weights, --irn-weights), not both",
                             hint: "usage: irn \(spec.name) \(spec.usage)")
        }
        if stageOptions.isEmpty && networkOptions.isEmpty {
            throw UsageError(message: "'irn \(spec.name)' needs --cam and --boundary, or --image with --cam-weights, --irn-weights and --classes",
                             hint: "usage: irn \(spec.name) \(spec.usage)")
        }
        if networkOptions.isEmpty {
            source = .stageFiles(cam: try arguments.requiredString("cam", spec: spec),
                                 boundary: try arguments.requiredString("boundary", spec: spec))
        } else {
            let camWeights = try arguments.requiredString("cam-weights", spec: spec)
            let irnWeights = try arguments.requiredString("irn-weights", spec: spec)
            _ = try arguments.requiredString("image", spec: spec)
            source = .networks(camWeights: camWeights, irnWeights: irnWeights,
                               keys: try NetworkStageInputs.classes(arguments, spec: spec),
                               scales: try NetworkStageInputs.scales(arguments),
                               cropSize: try NetworkStageInputs.cropSize(arguments))
        }
        verbose = arguments.has("verbose")
        outFolder = try arguments.requiredString("out", spec: spec)
        labeling = try Self.labeling(arguments)
        visualize = arguments.has("visualize")
        imagePath = arguments.string("image")
        if case .stageFiles = source, imagePath != nil && !visualize {
            throw UsageError(message: "with stage files, --image is only used with --visualize",
                             hint: "add --visualize, or drop --image (or give --cam-weights and --irn-weights instead of the stage files)")
        }
    }

    /// The random-walk settings of --beta, --exp-times, --radius and --bg-threshold (the
    /// reference's defaults); a value out of range is a usage error.
    static func labeling(_ arguments: ParsedArguments) throws -> WalkLabeling {
        let beta = try arguments.double("beta", default: 10)
        guard beta > 0, beta <= 1000 else {
            throw UsageError(message: "--beta must be a number in (0, 1000], got '\(arguments.string("beta") ?? "")'",
                             hint: "for example: --beta 10")
        }
        let threshold = try arguments.double("bg-threshold", default: 0.25)
        guard (0...1).contains(threshold) else {
            throw UsageError(message: "--bg-threshold must be in 0...1, got '\(arguments.string("bg-threshold") ?? "")'",
                             hint: "for example: --bg-threshold 0.25")
        }
        return WalkLabeling(beta: Float(beta), expTimes: try arguments.int("exp-times", default: 8, range: 0...30),
                            radius: try arguments.int("radius", default: 5, range: 1...20),
                            backgroundThreshold: Float(threshold))
    }

    /// The stem of the outputs: the input image's in network mode, the CAM file's otherwise.
    var stem: String {
        switch source {
        case .stageFiles(let cam, _): return FileIO.stem(of: cam)
        case .networks: return FileIO.stem(of: imagePath!)
        }
    }

    /// Where the CAM maps came from, for messages.
    var camDescription: String {
        switch source {
        case .stageFiles(let cam, _): return cam
        case .networks(let weights, _, _, _, _): return "the CAMs computed with \(weights)"
        }
    }

    /// Where the displacement field came from, for messages.
    var boundaryDescription: String {
        switch source {
        case .stageFiles(_, let boundary): return boundary
        case .networks(_, let weights, _, _, _): return "the displacement field computed with \(weights)"
        }
    }

    /// Where the outputs go (OUT/<stage>/<stem>.*).
    var outputs: StageOutputs { StageOutputs(folder: outFolder) }

    func outputPath(_ stage: String, _ fileExtension: String) -> String {
        (outFolder.hasSuffix("/") ? outFolder : outFolder + "/") + "\(stage)/\(stem).\(fileExtension)"
    }

    /// The two stages: the stage files, checked against each other, or both computed from the
    /// image with the two networks.
    func load(console: Console) throws -> (cam: CAMFile, boundary: BoundaryFile) {
        switch source {
        case .stageFiles(let camPath, let boundaryPath):
            let cam = try CAMFile.load(camPath)
            let boundary = try BoundaryFile.load(boundaryPath)
            try boundary.check(against: cam, camPath: camPath, boundaryPath: boundaryPath)
            return (cam, boundary)
        case .networks(let camWeights, let irnWeights, let keys, let scales, let cropSize):
            let log = StepLog(enabled: verbose, console: console)
            let image = try NetworkStageInputs.image(imagePath!, log: log)
            try NetworkStageInputs.checkScales(scales, image: image, path: imagePath!)
            let camNetwork = try NetworkStageInputs.camNetwork(camWeights, log: log)
            let irNetwork = try NetworkStageInputs.irNetwork(irnWeights, cropSize: cropSize, log: log)
            let cam = try NetworkStageInputs.cam(image, network: camNetwork, keys: keys, scales: scales, log: log)
            return (cam, NetworkStageInputs.boundary(image, network: irNetwork, log: log))
        }
    }

    /// Warns on stderr when the walk has nothing to start from (WalkLabeling.walkStartsFromZero).
    func warnIfNothingToWalk(_ cam: CAMFile, _ boundary: BoundaryFile, console: Console) {
        guard WalkLabeling.walkStartsFromZero(cam: cam, boundary: boundary) else { return }
        let first = VOCClasses.name(of: cam.keys[0])
        console.err("irn: warning: \(camDescription): every CAM value is 0 off the boundary, so the walked scores are 0/0; as in the reference, every pixel gets the first class (\(first)) and instance scores are NaN")
    }

    func semantic(_ cam: CAMFile, _ boundary: BoundaryFile) -> [UInt8] {
        labeling.semantic(cam: cam, boundary: boundary)
    }

    func instances(_ cam: CAMFile, _ boundary: BoundaryFile) throws -> DetectedInstances {
        do {
            return try labeling.instances(cam: cam, boundary: boundary)
        } catch WalkLabelingError.tooManyInstances(let count, let classes) {
            throw CommandFailure(message: "\(boundaryDescription): the displacement field splits the image into \(count) instances, too many to walk (\(classes) classes)",
                                 hint: "check that dp holds displacements in stride-4 pixels (row, column)")
        }
    }

    /// Writes OUT/vis/<stem>.png when --visualize is given; returns its path.
    func writeVisualization(cam: CAMFile, boundary: BoundaryFile, semantic: [UInt8], instances: DetectedInstances) throws -> String? {
        guard visualize else { return nil }
        var image: Image? = nil
        if let imagePath {
            let loaded = try ImageFiles.load(imagePath)
            guard loaded.width == cam.width, loaded.height == cam.height else {
                throw CommandFailure(message: "\(imagePath) is \(loaded.width)x\(loaded.height) but \(camDescription) describes a \(cam.width)x\(cam.height) image",
                                     hint: "pass the image the CAM file was made from")
            }
            image = loaded
        }
        let panel = LabelVisualization(cam: cam, boundary: boundary, semantic: semantic,
                                       instances: LabelFiles.instanceIndexMap(instances), image: image).render()
        let path = outputPath("vis", "png")
        try FileIO.writeAtomically(PNG.encode(panel), to: path)
        return path
    }
}
