// LabelCommandInputs: what `irn sem-seg` and `irn ins-seg` share — their options, the checks on
// the random-walk settings (usage errors, exit 2), loading and cross-checking the CAM and
// boundary stage files (runtime errors, exit 1), output paths and the --visualize panel.
// Inputs are stage files for now; the image + checkpoint path (--image with --cam-weights and
// --irn-weights) is meant to produce the same CAMFile / BoundaryFile values in `load`.
import Codecs
import Instances
import Pipeline

struct LabelCommandInputs {
    static let options: [OptionSpec] = [
        OptionSpec("cam", "FILE", "CAM stage file (OUT/cam/<stem>.npz: keys, cam, size); for now stage files are the input (image + network weights come later)"),
        OptionSpec("boundary", "FILE", "Boundary stage file (OUT/boundary/<stem>.npz: edge, dp)"),
        OptionSpec("out", "DIR", "Output folder (written under DIR/<stage>/<stem>.*)"),
        OptionSpec("beta", "B", "Affinity sharpening exponent, > 0 (default 10)"),
        OptionSpec("exp-times", "T", "The walk takes 2^T steps, T in 0...30 (default 8)"),
        OptionSpec("radius", "R", "Affinity radius in stride-4 pixels, 1...20 (default 5)"),
        OptionSpec("bg-threshold", "S", "Constant background score, 0...1 (default 0.25)"),
        OptionSpec("visualize", nil, "Also write DIR/vis/<stem>.png (heat map, boundary, displacement, labels)"),
        OptionSpec("image", "IMG", "Image shown under the --visualize panel (must match the CAM file's size)"),
    ]

    let camPath: String
    let boundaryPath: String
    let outFolder: String
    let beta: Float
    let expTimes: Int
    let radius: Int
    let backgroundThreshold: Float
    let visualize: Bool
    let imagePath: String?

    init(_ arguments: ParsedArguments, spec: CommandSpec) throws {
        camPath = try arguments.requiredString("cam", spec: spec)
        boundaryPath = try arguments.requiredString("boundary", spec: spec)
        outFolder = try arguments.requiredString("out", spec: spec)
        let beta = try arguments.double("beta", default: 10)
        guard beta > 0, beta <= 1000 else {
            throw UsageError(message: "--beta must be a number in (0, 1000], got '\(arguments.string("beta") ?? "")'",
                             hint: "for example: --beta 10")
        }
        self.beta = Float(beta)
        expTimes = try arguments.int("exp-times", default: 8, range: 0...30)
        radius = try arguments.int("radius", default: 5, range: 1...20)
        let threshold = try arguments.double("bg-threshold", default: 0.25)
        guard (0...1).contains(threshold) else {
            throw UsageError(message: "--bg-threshold must be in 0...1, got '\(arguments.string("bg-threshold") ?? "")'",
                             hint: "for example: --bg-threshold 0.25")
        }
        backgroundThreshold = Float(threshold)
        visualize = arguments.has("visualize")
        imagePath = arguments.string("image")
        if imagePath != nil && !visualize {
            throw UsageError(message: "--image is only used with --visualize for now",
                             hint: "add --visualize, or drop --image (stage files are the input)")
        }
    }

    var stem: String { FileIO.stem(of: camPath) }

    func outputPath(_ stage: String, _ fileExtension: String) -> String {
        (outFolder.hasSuffix("/") ? outFolder : outFolder + "/") + "\(stage)/\(stem).\(fileExtension)"
    }

    /// The two stage files, checked against each other.
    func load() throws -> (cam: CAMFile, boundary: BoundaryFile) {
        let cam = try CAMFile.load(camPath)
        let boundary = try BoundaryFile.load(boundaryPath)
        try boundary.check(against: cam, camPath: camPath, boundaryPath: boundaryPath)
        return (cam, boundary)
    }

    func semantic(_ cam: CAMFile, _ boundary: BoundaryFile) -> [UInt8] {
        semanticLabels(cam: cam.cam, keys: cam.keys, boundary: boundary.edge, imageHeight: cam.height,
                       imageWidth: cam.width, beta: beta, expTimes: expTimes, radius: radius,
                       backgroundThreshold: backgroundThreshold).labels
    }

    /// Most full-size walked values the instance step may hold (4 GiB of float32): a
    /// displacement field that scatters the pixels into thousands of instances is refused.
    static let maximumWalkedValues = 1 << 30

    func instances(_ cam: CAMFile, _ boundary: BoundaryFile) throws -> DetectedInstances {
        let map = instanceMap(displacement: boundary.displacement)
        let values = cam.keys.count * map.count * cam.height * cam.width
        guard values <= LabelCommandInputs.maximumWalkedValues else {
            throw CommandFailure(message: "\(boundaryPath): the displacement field splits the image into \(map.count) instances, too many to walk (\(cam.keys.count) classes)",
                                 hint: "check that dp holds displacements in stride-4 pixels (row, column)")
        }
        return instanceLabels(cam: cam.cam, keys: cam.keys, boundary: boundary.edge, instances: map,
                              imageHeight: cam.height, imageWidth: cam.width, beta: beta, expTimes: expTimes,
                              radius: radius, backgroundThreshold: backgroundThreshold)
    }

    /// Writes OUT/vis/<stem>.png when --visualize is given; returns its path.
    func writeVisualization(cam: CAMFile, boundary: BoundaryFile, semantic: [UInt8], instances: DetectedInstances) throws -> String? {
        guard visualize else { return nil }
        var image: Image? = nil
        if let imagePath {
            let loaded = try ImageFiles.load(imagePath)
            guard loaded.width == cam.width, loaded.height == cam.height else {
                throw CommandFailure(message: "\(imagePath) is \(loaded.width)x\(loaded.height) but \(camPath) describes a \(cam.width)x\(cam.height) image",
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
