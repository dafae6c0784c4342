// NetworkStageInputs: what `irn cam`, `irn boundary` and the in-memory mode of `irn sem-seg` /
// `irn ins-seg` share — checking --classes and --scales (usage errors, exit 2), loading the
// image and the checkpoints, running the CAM and boundary stages of the library
// (Pipeline.classActivationMaps, Pipeline.boundaryMaps; DESIGN §3, §4) and, with --verbose,
// reporting each step and its time on stderr.
import Codecs
import Dispatch
import Foundation
import Networks
import Pipeline

/// Progress lines with the time each step took, printed only when enabled.
struct StepLog {
    let enabled: Bool
    let console: Console

    /// Runs `step` and, when enabled, prints "what (elapsed ms)" after it.
    func time<T>(_ what: String, _ step: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try step()
        if enabled {
            let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            console.err("\(what) (\(Int(milliseconds.rounded())) ms)")
        }
        return result
    }

    func note(_ text: String) {
        if enabled { console.err(text) }
    }
}

enum NetworkStageInputs {
    /// Largest CAM scale accepted (a 500-pixel side at scale 4 is already 2000 pixels).
    static let maximumScale = 4.0

    /// The 0-based classes of --<option>; a bad list is a usage error.
    static func classes(_ arguments: ParsedArguments, option: String = "classes", spec: CommandSpec) throws -> [Int] {
        let text = try arguments.requiredString(option, spec: spec)
        do {
            return try parseClasses(text)
        } catch let error as ClassListError {
            let (message, hint) = ErrorReport.describe(error)
            throw UsageError(message: "--\(option): \(message)", hint: hint)
        }
    }

    /// The scales of --scales (default 1, 0.5, 1.5, 2), each in (0, maximumScale].
    static func scales(_ arguments: ParsedArguments) throws -> [Double] {
        let scales = try arguments.doubles("scales", default: defaultCAMScales)
        guard scales.allSatisfy({ $0 > 0 && $0 <= maximumScale }) else {
            throw UsageError(message: "--scales must be numbers in (0, \(maximumScale)], got '\(arguments.string("scales") ?? "")'",
                             hint: "for example: --scales 1,0.5,1.5,2")
        }
        return scales
    }

    /// The RGB image at `path` (greyscale is expanded).
    static func image(_ path: String, log: StepLog) throws -> Image {
        let image = try log.time("read \(path)") { try ImageFiles.load(path).rgb() }
        log.note("image \(image.width)x\(image.height)")
        return image
    }

    /// Checks that every scale leaves the image at least one pixel on each side.
    static func checkScales(_ scales: [Double], image: Image, path: String) throws {
        for scale in scales {
            let size = rescaledSize(height: image.height, width: image.width, scale: scale)
            guard size.height >= 1, size.width >= 1 else {
                throw UsageError(message: "scale \(scale) shrinks \(path) (\(image.width)x\(image.height)) to nothing",
                                 hint: "use larger scales for small images")
            }
        }
    }

    /// The CAM network of `path` and its class names: --class-names (a list or a file), else the
    /// checkpoint's "classes" metadata (`irn train-cam` writes it), else VOC's for a 20-class
    /// network, else nil (classes by index only).
    static func camNetwork(_ path: String, arguments: ParsedArguments, log: StepLog) throws -> (CAMNetwork, [String]?) {
        let (parameters, metadata) = try log.time("loaded CAM weights \(path)") { try NetworkWeights.loadWithMetadata(path) }
        let network = try NetworkWeights.camNetwork(parameters: parameters, file: path)
        var names: [String]?
        if arguments.string("class-names") != nil {
            names = try RunCommand.classNames(arguments)
        } else if let text = metadata["classes"] {
            names = LabeledImageList.classNames(text)
        }
        if let given = names, given.count != network.classCount {
            throw CommandFailure(message: "\(given.count) class names for a CAM network of \(network.classCount) classes (\(path))",
                                 hint: "give --class-names with \(network.classCount) names, in the order it was trained with")
        }
        if names == nil && network.classCount == 20 { names = VOCDataset.categoryNames }
        log.note("CAM network: width \(network.backbone.configuration.widthMultiplier), blocks \(network.backbone.configuration.blockCounts), \(network.classCount) classes")
        return (network, names)
    }

    /// The 0-based classes of --classes: indices below `classCount`, or names of `names`
    /// (case-insensitive). A bad list is a usage error.
    static func classes(_ arguments: ParsedArguments, names: [String]?, classCount: Int, spec: CommandSpec) throws -> [Int] {
        let text = try arguments.requiredString("classes", spec: spec)
        var keys = Set<Int>()
        do {
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let entry = part.trimmingCharacters(in: .whitespaces)
                if entry.isEmpty { continue }
                if let index = Int(entry), (0 ..< classCount).contains(index) {
                    keys.insert(index)
                } else if let index = names?.firstIndex(where: { $0.lowercased() == entry.lowercased() }) {
                    keys.insert(index)
                } else {
                    throw ClassListError.unknownClass(entry)
                }
            }
            guard !keys.isEmpty else { throw ClassListError.empty }
        } catch let error as ClassListError {
            let (message, hint) = ErrorReport.describe(error)
            throw UsageError(message: "--classes: \(message)", hint: hint)
        }
        return keys.sorted()
    }

    static func camNetwork(_ path: String, log: StepLog) throws -> CAMNetwork {
        let network = try log.time("loaded CAM weights \(path)") { try NetworkWeights.camNetwork(from: path) }
        log.note("CAM network: width \(network.backbone.configuration.widthMultiplier), \(network.classCount) classes")
        return network
    }

    static func irNetwork(_ path: String, cropSize: Int, log: StepLog) throws -> EdgeDisplacement {
        let network = try log.time("loaded IRN weights \(path)") { try NetworkWeights.irNetwork(from: path) }
        log.note("IRNet: width \(network.backbone.configuration.widthMultiplier), blocks \(network.backbone.configuration.blockCounts), heads \(network.headWidths), padded to \(cropSize)")
        return EdgeDisplacement(network: network, cropSize: cropSize)
    }

    static let cropSizeOption = OptionSpec(
        "crop-size", "N", "Side the image is zero-padded to for IRNet, 16...4096 (default 512, the reference's; larger images: the next multiple of 16)")

    /// --crop-size (default 512).
    static func cropSize(_ arguments: ParsedArguments) throws -> Int {
        try arguments.int("crop-size", default: 512, range: 16...4096)
    }

    /// The CAM stage of `image` with per-scale timing.
    static func cam(_ image: Image, network: CAMNetwork, keys: [Int], scales: [Double], log: StepLog) throws -> CAMFile {
        guard keys.allSatisfy({ $0 < network.classCount }) else {
            throw CommandFailure(message: "the CAM network has \(network.classCount) classes, but class \(keys.max()!) was asked for",
                                 hint: "use class indices below \(network.classCount)")
        }
        var start = DispatchTime.now().uptimeNanoseconds
        return log.time("CAM total") {
            classActivationMaps(of: image, network: network, keys: keys, scales: scales) { _, scale in
                let now = DispatchTime.now().uptimeNanoseconds
                log.note("CAM scale \(scale) (\(Int((Double(now - start) / 1e6).rounded())) ms)")
                start = now
            }
        }
    }

    static func boundary(_ image: Image, network: EdgeDisplacement, log: StepLog) -> BoundaryFile {
        log.time("boundary and displacement") { boundaryMaps(of: image, network: network) }
    }
}
