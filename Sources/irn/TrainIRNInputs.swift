// TrainIRNInputs: what `irn train-irn` reads before it trains — the image list (a VOC folder
// with a list, or an image folder with a labels file), the relation labels of each image
// (OUT/ir_label/<id>.png), and the starting weights: a ResNet50 backbone from an ImageNet .pth
// (torchvision names, as the reference loads it into IRNet), a CAM checkpoint or an IRNet
// checkpoint ("resnet50.*"); an IRNet checkpoint's heads are the starting point when present
// (DESIGN §4, §5).
import Codecs
import Networks
import Pipeline
import Tensors
import Training

enum TrainIRNInputs {
    /// One training image: its id, the image file and its relation labels.
    struct Item {
        let id: String
        let imagePath: String
        let labelPath: String
    }

    /// The items of --voc-root/--list or --images/--labels, labels under `camLabels`.
    static func items(_ arguments: ParsedArguments, spec: CommandSpec, camLabels: String) throws -> [Item] {
        let folder = camLabels.hasSuffix("/") ? camLabels : camLabels + "/"
        if let root = arguments.string("voc-root") {
            let list = try arguments.requiredString("list", spec: spec)
            let dataset = try VOCDataset(root: root)
            return try dataset.ids(list: list).map {
                Item(id: $0, imagePath: dataset.imagePath($0), labelPath: folder + $0 + ".png")
            }
        }
        guard let images = arguments.string("images") else {
            throw UsageError(message: "'irn train-irn' needs --voc-root and --list, or --images and --labels",
                             hint: "usage: irn train-irn \(spec.usage)")
        }
        let labels = try arguments.requiredString("labels", spec: spec)
        let imageFolder = try ImageFolder(root: images)
        return try LabeledImageList.read(labels).entries.map {
            Item(id: $0.id, imagePath: try imageFolder.imagePath($0.id), labelPath: folder + $0.id + ".png")
        }
    }

    /// The starting weights read from `path`.
    struct Weights {
        /// Backbone tensors under "resnet50.*".
        var backbone: [String: Tensor]
        var configuration: ResNet50.Configuration
        /// Head tensors ("fc_edge*", "fc_dp*") when the file holds them.
        var heads: [String: Tensor]?
    }

    /// The backbone (and heads, if any) of the checkpoint at `path`: tensors named
    /// "resnet50.*" (CAM or IRNet checkpoints) or, without those, torchvision's "conv1.*",
    /// "bn1.*", "layer1…4.*" (an ImageNet ResNet50; "fc.*" is dropped).
    static func weights(_ path: String) throws -> Weights {
        let all = try NetworkWeights.load(path)
        var backbone: [String: Tensor] = [:]
        if all.keys.contains(where: { $0.hasPrefix("resnet50.") }) {
            for (name, tensor) in all where name.hasPrefix("resnet50.") { backbone[name] = tensor }
        } else {
            for (name, tensor) in all where name.hasPrefix("conv1.") || name.hasPrefix("bn1.") || name.hasPrefix("layer") {
                backbone["resnet50." + name] = tensor
            }
        }
        let heads = all.filter { $0.key.hasPrefix("fc_edge") || $0.key.hasPrefix("fc_dp") }
        let configuration = try TrainingCheckpoints.configuration(of: backbone, file: path)
        do {
            backbone = try ResNet50.parameterLayout(prefix: "resnet50.", configuration: configuration).bind(backbone)
            guard !heads.isEmpty else { return Weights(backbone: backbone, configuration: configuration, heads: nil) }
            // Heads must be complete and consistent; ".4.running_mean" is the mean-shift alias.
            let widths = IRNetHeads.Widths(parameters: heads) ?? .reference
            var layout = ParameterLayout(network: "IRNet heads")
            for (name, shape) in IRNetHeads.parameterShapes(levelChannels: configuration.featureChannels,
                                                            widths: widths).all {
                layout.append(name, shape: shape)
            }
            layout.ignore(.name("fc_dp7.4.running_mean"))
            return Weights(backbone: backbone, configuration: configuration, heads: try layout.bind(heads))
        } catch {
            throw NetworkWeightsError(file: path, underlying: error)
        }
    }

    /// The sample of one item.
    static func sample(_ item: Item, augmentation: TrainingAugmentation, random: inout SeededRandom) throws
        -> AffinityTrainingSample {
        let image = try ImageFiles.load(item.imagePath)
        let labels = try LabelMapFile.read(item.labelPath)
        return try AffinityTrainingData.sample(image: image, labels: labels, augmentation: augmentation,
                                               random: &random, labelPath: item.labelPath)
    }
}
