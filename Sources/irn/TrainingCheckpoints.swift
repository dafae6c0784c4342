// TrainingCheckpoints: what the training commands read and write as checkpoints (Docs/Formats.md,
// "Training checkpoints"). The backbone configuration of a checkpoint (NetworkWeights: width from
// the stem conv, bottlenecks per layer from the "layerK.N." names), which must name its layers
// (no alias-only files), and the atomic write
// of a state dict as safetensors (temporary file, then rename), loadable by `irn cam`/`irn boundary`.
import Checkpoints
import Networks
import Pipeline
import Tensors

enum TrainingCheckpoints {
    /// The ResNet50 configuration of a checkpoint's tensors (CAM, IRN or ImageNet names).
    static func configuration(of tensors: [String: Tensor], file: String) throws -> ResNet50.Configuration {
        let configuration: ResNet50.Configuration
        do {
            configuration = try NetworkWeights.configuration(of: tensors)
        } catch {
            throw NetworkWeightsError(file: file, underlying: error)
        }
        let layers = (1 ... 4).map { k in tensors.keys.contains { $0.contains("layer\(k).0.conv1.weight") } }
        guard layers.allSatisfy({ $0 }) else {
            throw CommandFailure(message: "\(file): no ResNet50 layers (layer1…layer4 bottlenecks) found",
                                 hint: "pass a CAM checkpoint or an ImageNet ResNet50 (.pth or .safetensors)")
        }
        return configuration
    }

    /// Writes `tensors` (names sorted) as a safetensors file, atomically.
    static func save(_ tensors: [String: Tensor], to path: String, metadata: [String: String]) throws {
        var dict = StateDict()
        for name in tensors.keys.sorted() { dict[name] = CheckpointTensor(tensors[name]!) }
        try FileIO.writeAtomically(SafeTensors.write(dict, metadata: metadata), to: path)
    }
}
