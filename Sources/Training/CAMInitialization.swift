// CAMInitialization: the starting parameters of a CAM training run (DESIGN §6 "Training").
// From a checkpoint: a CAM state dict (any of the reference's aliases) or an ImageNet ResNet50
// (torchvision names, its fc layer dropped, as net/resnet50.py loads it), the classifier then
// drawn as PyTorch initialises a fresh nn.Conv2d (uniform ±1/√fan_in, seeded). From scratch:
// Kaiming-normal convs (fan_in, ReLU gain: forward scale preserved), batch norms γ = 1, β = 0, mean 0,
// variance 1, and γ = 0 on the last norm of every bottleneck (zero-init residuals, Goyal et al.
// 2017), so a network without trained statistics starts as an identity per block and trains stably.
import Networks
import Tensors

public enum CAMInitialization {
    /// A from-scratch CAM state dict (canonical names) for `configuration`, seeded.
    public static func scratch(configuration: ResNet50.Configuration, classCount: Int = 20,
                               seed: UInt64) -> [String: Tensor] {
        let layout = CAMNetwork.parameterLayout(configuration: configuration, classCount: classCount)
        var result: [String: Tensor] = [:]
        for entry in layout.entries {
            let name = entry.name
            var random = SeededRandom(seed: SeededWeights.generatorSeed(name: name, seed: seed))
            if name == "classifier.weight" {
                result[name] = classifierWeight(shape: entry.shape, random: &random)
            } else if entry.shape.count == 4 {
                // kaiming_normal_(mode="fan_in", nonlinearity="relu"): std = √(2 / (Cin·kh·kw)),
                // which keeps the activations' scale through the ReLUs without batch statistics.
                let fanIn = entry.shape[1] * entry.shape[2] * entry.shape[3]
                let std = (2 / Double(fanIn)).squareRoot()
                result[name] = Tensor(shape: entry.shape,
                                      scalars: (0..<entry.shape.reduce(1, *)).map { _ in Float(random.nextNormal() * std) })
            } else if name.hasSuffix(".running_var") {
                result[name] = Tensor(shape: entry.shape, repeating: 1)
            } else if name.hasSuffix(".weight") {
                let residualEnd = name.hasSuffix(".bn3.weight")
                result[name] = Tensor(shape: entry.shape, repeating: residualEnd ? 0 : 1)
            } else {
                result[name] = Tensor(shape: entry.shape)  // β and running means
            }
        }
        return result
    }

    /// The canonical CAM state dict of a checkpoint's tensors: a CAM checkpoint as is (aliases
    /// resolved), or an ImageNet ResNet50 ("conv1.weight", "layer1.0.…", "fc.*" dropped) under
    /// "resnet50." with a fresh seeded classifier. Throws NetworkBindingError when tensors are
    /// missing, unexpected or wrongly shaped for `configuration`.
    public static func fromCheckpoint(_ tensors: [String: Tensor], configuration: ResNet50.Configuration,
                                      classCount: Int = 20, seed: UInt64) throws -> [String: Tensor] {
        var tensors = tensors
        if tensors["conv1.weight"] != nil {
            var renamed: [String: Tensor] = [:]
            for (name, tensor) in tensors where !name.hasPrefix("fc.") { renamed["resnet50." + name] = tensor }
            tensors = renamed
        }
        let layout = CAMNetwork.parameterLayout(configuration: configuration, classCount: classCount)
        if !tensors.keys.contains(where: { layout.canonicalName(for: $0) == "classifier.weight" }) {
            var random = SeededRandom(seed: SeededWeights.generatorSeed(name: "classifier.weight", seed: seed))
            tensors["classifier.weight"] = classifierWeight(shape: layout.shape(of: "classifier.weight")!, random: &random)
        }
        return try layout.bind(tensors)
    }

    /// nn.Conv2d's default weight: kaiming_uniform_(a = √5), i.e. uniform in ±1/√fan_in.
    static func classifierWeight(shape: [Int], random: inout SeededRandom) -> Tensor {
        let fanIn = shape.dropFirst().reduce(1, *)
        return random.tensor(shape: shape, scale: Float(1 / Double(fanIn).squareRoot()))
    }
}
