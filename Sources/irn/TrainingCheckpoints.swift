// TrainingCheckpoints: what the training commands read and write as checkpoints (Docs/Formats.md,
// "Training checkpoints"). The backbone configuration of a checkpoint — width from the stem conv,
// bottlenecks per layer from the "layerK.N." names, the reference strides — and the atomic write
// of a state dict as safetensors (temporary file, then rename), loadable by `irn cam`/`irn boundary`.
import Checkpoints
import Networks
import Pipeline
import Tensors

enum TrainingCheckpoints {
    /// The ResNet50 configuration of a checkpoint's tensors (CAM, IRN or ImageNet names).
    static func configuration(of tensors: [String: Tensor], file: String) throws -> ResNet50.Configuration {
        let width: ResNet50.Configuration
        do {
            width = try NetworkWeights.configuration(of: tensors)
        } catch {
            throw NetworkWeightsError(file: file, underlying: error)
        }
        var blocks = [0, 0, 0, 0]
        for name in tensors.keys {
            // "...layerK.N.conv1.weight" with any prefix.
            let parts = name.split(separator: ".")
            guard parts.count >= 4, parts[parts.count - 2] == "conv1", parts.last == "weight" else { continue }
            let layer = parts[parts.count - 4], block = parts[parts.count - 3]
            guard layer.hasPrefix("layer"), let k = Int(layer.dropFirst(5)), (1...4).contains(k),
                  let n = Int(block), n >= 0, n < 1024 else { continue }
            blocks[k - 1] = max(blocks[k - 1], n + 1)
        }
        guard blocks.allSatisfy({ $0 > 0 }) else {
            throw CommandFailure(message: "\(file): no ResNet50 layers (layer1…layer4 bottlenecks) found",
                                 hint: "pass a CAM checkpoint or an ImageNet ResNet50 (.pth or .safetensors)")
        }
        return ResNet50.Configuration(blockCounts: blocks, widthMultiplier: width.widthMultiplier)
    }

    /// Writes `tensors` (names sorted) as a safetensors file, atomically.
    static func save(_ tensors: [String: Tensor], to path: String, metadata: [String: String]) throws {
        var dict = StateDict()
        for name in tensors.keys.sorted() { dict[name] = CheckpointTensor(tensors[name]!) }
        try FileIO.writeAtomically(SafeTensors.write(dict, metadata: metadata), to: path)
    }
}
