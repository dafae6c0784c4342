// DemoModels: the two networks of the demo (`irn demo`): the CAM network and IRNet of a reduced
// width ResNet50, read from a folder holding demo_cam.safetensors and demo_irn.safetensors (or
// .pth) whose width and class count are inferred from the tensors' shapes, or filled with seeded
// random values (SeededWeights) so every stage runs without trained weights. IRNet's backbone is
// the CAM backbone, frozen: an IRNet file without "resnet50.*" tensors (heads and mean shift
// only, Docs/Formats.md "Demo weights") takes its backbone from the CAM file.
import Checkpoints
import Networks
import Tensors

public struct DemoModels: Sendable {
    public var cam: CAMNetwork
    public var irn: IRNetwork
    /// Where the weights came from, for the report.
    public var origin: String
    /// Whether the weights were trained (false for seeded random weights).
    public var trained: Bool

    /// File names looked for in a weights folder, safetensors first.
    public static let camFileNames = ["demo_cam.safetensors", "demo_cam.pth"]
    public static let irnFileNames = ["demo_irn.safetensors", "demo_irn.pth"]

    public init(cam: CAMNetwork, irn: IRNetwork, origin: String, trained: Bool) {
        self.cam = cam
        self.irn = irn
        self.origin = origin
        self.trained = trained
    }

    /// The default small backbone: ResNet50 at a quarter of the width, reference strides.
    public static let smallConfiguration = ResNet50.Configuration(widthMultiplier: 0.25)

    /// Untrained networks with seeded weights (the `classCount` CAM classes).
    public static func seeded(configuration: ResNet50.Configuration = smallConfiguration,
                              classCount: Int = SyntheticScenes.classNames.count, seed: UInt64 = 0) -> DemoModels {
        let camLayout = CAMNetwork.parameterLayout(configuration: configuration, classCount: classCount)
        let irnLayout = IRNetwork.parameterLayout(configuration: configuration)
        // Layouts built by the networks themselves always bind.
        let cam = try! CAMNetwork(parameters: SeededWeights.parameters(for: camLayout, seed: seed),
                                  configuration: configuration, classCount: classCount)
        let irn = try! IRNetwork(parameters: SeededWeights.parameters(for: irnLayout, seed: seed &+ 1),
                                 configuration: configuration)
        return DemoModels(cam: cam, irn: irn, origin: "untrained seeded weights (seed \(seed), width \(configuration.widthMultiplier))",
                          trained: false)
    }

    /// The first of `names` that exists in `folder`, or nil.
    public static func file(in folder: String, named names: [String]) -> String? {
        names.map { folder.hasSuffix("/") ? folder + $0 : folder + "/" + $0 }.first { DatasetEvaluation.exists($0) }
    }

    /// Whether `folder` holds both networks' files.
    public static func hasWeights(in folder: String) -> Bool {
        file(in: folder, named: camFileNames) != nil && file(in: folder, named: irnFileNames) != nil
    }

    /// The backbone of a state dict (NetworkWeights: width from the stem, block counts from the
    /// layer names).
    public static func configuration(of parameters: [String: Tensor]) throws -> ResNet50.Configuration {
        try NetworkWeights.configuration(of: parameters)
    }

    /// The prefix of the backbone's tensors in both networks' files.
    public static let backbonePrefix = "resnet50."

    /// IRNet's tensors without its backbone (the heads and the mean shift): what the demo stores
    /// in demo_irn.safetensors, the backbone being the CAM file's.
    public static func headsOnly(_ irnParameters: [String: Tensor]) -> [String: Tensor] {
        irnParameters.filter { !$0.key.hasPrefix(backbonePrefix) }
    }

    /// The trained networks in `folder`.
    public static func load(from folder: String) throws -> DemoModels {
        guard let camPath = file(in: folder, named: camFileNames) else {
            throw FileIOError.notFound(path: (folder.hasSuffix("/") ? folder : folder + "/") + camFileNames[0])
        }
        guard let irnPath = file(in: folder, named: irnFileNames) else {
            throw FileIOError.notFound(path: (folder.hasSuffix("/") ? folder : folder + "/") + irnFileNames[0])
        }
        let camParameters = try NetworkWeights.load(camPath)
        let cam: CAMNetwork
        do {
            let configuration = try Self.configuration(of: camParameters)
            cam = try CAMNetwork(parameters: camParameters, configuration: configuration,
                                 classCount: NetworkWeights.classCount(of: camParameters))
        } catch {
            throw NetworkWeightsError(file: camPath, underlying: error)
        }
        var irnParameters = try NetworkWeights.load(irnPath)
        if !irnParameters.keys.contains(where: { $0.hasPrefix(backbonePrefix) }) {
            for (name, tensor) in camParameters where name.hasPrefix(backbonePrefix) { irnParameters[name] = tensor }
        }
        let irn: IRNetwork
        do {
            irn = try IRNetwork(parameters: irnParameters, configuration: try Self.configuration(of: irnParameters))
        } catch {
            throw NetworkWeightsError(file: irnPath, underlying: error)
        }
        return DemoModels(cam: cam, irn: irn, origin: "trained weights in \(folder)", trained: true)
    }
}
