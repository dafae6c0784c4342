// DemoModels: the two networks of the demo (`irn demo`): the CAM network and IRNet of a reduced
// width ResNet50, read from a folder holding demo_cam.safetensors and demo_irn.safetensors (or
// .pth) whose width and class count are inferred from the tensors' shapes, or — while no trained
// weights exist — filled with seeded random values (SeededWeights) so every stage still runs.
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

    /// The backbone of a state dict: the width from the stem (NetworkWeights), the block counts
    /// from the "resnet50.layerL.B.conv1.weight" names (the reference's 3, 4, 6, 3 when the
    /// names are the reference's aliases).
    public static func configuration(of parameters: [String: Tensor]) throws -> ResNet50.Configuration {
        var configuration = try NetworkWeights.configuration(of: parameters)
        let counts = (1 ... 4).map { layer -> Int in
            var blocks = 0
            while parameters["resnet50.layer\(layer).\(blocks).conv1.weight"] != nil { blocks += 1 }
            return blocks
        }
        if counts.allSatisfy({ $0 > 0 }) {
            configuration = ResNet50.Configuration(strides: configuration.strides, blockCounts: counts,
                                                   widthMultiplier: configuration.widthMultiplier)
        }
        return configuration
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
            let classifier = camParameters["classifier.weight"] ?? camParameters["newly_added.0.weight"]
            cam = try CAMNetwork(parameters: camParameters, configuration: configuration,
                                 classCount: classifier?.shape.first ?? SyntheticScenes.classNames.count)
        } catch {
            throw NetworkWeightsError(file: camPath, underlying: error)
        }
        let irnParameters = try NetworkWeights.load(irnPath)
        let irn: IRNetwork
        do {
            irn = try IRNetwork(parameters: irnParameters, configuration: try Self.configuration(of: irnParameters))
        } catch {
            throw NetworkWeightsError(file: irnPath, underlying: error)
        }
        return DemoModels(cam: cam, irn: irn, origin: "trained weights in \(folder)", trained: true)
    }
}
