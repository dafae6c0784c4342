// TrainableResNet50: the CAM network's backbone with batch norm NOT folded, for training
// (reference net/resnet50.py with FixedBatchNorm, net/resnet50_cam.py stages; DESIGN §6).
// Stage 1 = stem conv/BN/ReLU + 3×3 max pool + layer1, stages 2-4 = layers 2-4. Stages before
// `firstTrainedStage` run without keeping anything, as after the reference's `.detach()` of the
// stage-2 output (default 3: only stages 3-4 learn); 1 trains everything (--train-backbone).
// Same strides, block counts and width multiplier as Networks.ResNet50, same parameter names.
// `levels`/`backward(levelGradients:)` serve IRNet with a learning backbone: x1…x5 out, their
// gradients back in.

import Networks
import Tensors

struct TrainableResNet50: Sendable {
    let configuration: ResNet50.Configuration
    let stem: ConvNormUnit
    let layers: [[TrainableBottleneck]]
    /// The first of the reference's stages 1…4 that learns (and is run with caches).
    let firstTrainedStage: Int

    struct Cache: Sendable {
        var stem: ConvNormUnit.Cache?
        var poolInput: Tensor?
        /// Caches of the blocks of each layer that learns (empty for the others).
        var blocks: [[TrainableBottleneck.Cache]]
    }

    init(configuration: ResNet50.Configuration, firstTrainedStage: Int, prefix: String = "resnet50.") {
        precondition((1...4).contains(firstTrainedStage), "TrainableResNet50: first trained stage \(firstTrainedStage) is not 1…4")
        self.configuration = configuration
        self.firstTrainedStage = firstTrainedStage
        stem = ConvNormUnit(conv: prefix + "conv1", norm: prefix + "bn1", stride: configuration.strides[0],
                            padding: 3, relu: true)
        let strides = [1, configuration.strides[1], configuration.strides[2], configuration.strides[3]]
        layers = (0..<4).map { layer in
            (0..<configuration.blockCounts[layer]).map { block in
                TrainableBottleneck(prefix: prefix + "layer\(layer + 1).\(block)",
                                    stride: block == 0 ? strides[layer] : 1, projects: block == 0)
            }
        }
    }

    /// Whether layer `layer` (0…3, the reference's stage layer + 1) learns.
    func trains(layer: Int) -> Bool { layer + 1 >= firstTrainedStage }

    /// x5 for images [N, 3, H, W], and what backward needs.
    func forward(_ images: Tensor, _ parameters: ParameterSet) -> (features: Tensor, cache: Cache) {
        precondition(images.rank == 4 && images.shape[1] == 3, "TrainableResNet50: input must be [N, 3, H, W], got \(images.shape)")
        let trainsStem = firstTrainedStage == 1
        var cache = Cache(stem: nil, poolInput: nil, blocks: Array(repeating: [], count: 4))
        let s = stem.forward(images, parameters, keep: trainsStem)
        cache.stem = s.cache
        if trainsStem { cache.poolInput = s.output }
        var x = maxPool2d(s.output, kernel: 3, stride: 2, padding: 1)
        for (layer, blocks) in layers.enumerated() {
            let keep = trains(layer: layer)
            for block in blocks {
                let result = block.forward(x, parameters, keep: keep)
                x = result.output
                if let blockCache = result.cache { cache.blocks[layer].append(blockCache) }
            }
        }
        return (x, cache)
    }

    /// Adds the gradients of every learning parameter given dL/dx5.
    func backward(_ dx5: Tensor, cache: Cache, parameters: inout ParameterSet) {
        var d = dx5
        for layer in stride(from: 3, through: 0, by: -1) where trains(layer: layer) {
            for index in stride(from: layers[layer].count - 1, through: 0, by: -1) {
                // A block needs its input's gradient unless nothing before it learns (the stem
                // learns with stage 1; a detached stage's output takes none).
                let needsInput = index > 0 || (layer == 0 ? firstTrainedStage == 1 : trains(layer: layer - 1))
                guard let next = layers[layer][index].backward(d, cache: cache.blocks[layer][index],
                                                               parameters: &parameters, inputGradient: needsInput)
                else { return }
                d = next
            }
        }
        guard firstTrainedStage == 1, let poolInput = cache.poolInput, let stemCache = cache.stem else { return }
        let dPool = maxPool2dBackward(outputGradient: d, input: poolInput, kernel: 3, stride: 2, padding: 1)
        _ = stem.backward(dPool, cache: stemCache, parameters: &parameters, inputGradient: false)
    }
}

extension TrainableResNet50 {
    /// x1…x5 of IRNet (x1 after the max pool, x2…x5 after layers 1…4) for images
    /// [N, 3, H, W], with every cache kept: the levels IRNet's heads read when the backbone
    /// learns too (no detach). Needs `firstTrainedStage == 1`.
    func levels(_ images: Tensor, _ parameters: ParameterSet) -> (features: ResNet50.Features, cache: Cache) {
        precondition(firstTrainedStage == 1, "TrainableResNet50: the levels are trained only when every stage learns")
        precondition(images.rank == 4 && images.shape[1] == 3, "TrainableResNet50: input must be [N, 3, H, W], got \(images.shape)")
        var cache = Cache(stem: nil, poolInput: nil, blocks: Array(repeating: [], count: 4))
        let s = stem.forward(images, parameters, keep: true)
        cache.stem = s.cache
        cache.poolInput = s.output
        var x = maxPool2d(s.output, kernel: 3, stride: 2, padding: 1)
        var levels = [x]
        for (layer, blocks) in layers.enumerated() {
            for block in blocks {
                let result = block.forward(x, parameters, keep: true)
                x = result.output
                cache.blocks[layer].append(result.cache!)
            }
            levels.append(x)
        }
        return (ResNet50.Features(x1: levels[0], x2: levels[1], x3: levels[2], x4: levels[3], x5: levels[4]), cache)
    }

    /// Adds the gradient of every backbone parameter given dL/dx1…dL/dx5 (each level's
    /// gradient from the heads; the gradient flowing back through the later layers is added
    /// to it, as autograd sums the uses of a tensor).
    func backward(levelGradients: [Tensor], cache: Cache, parameters: inout ParameterSet) {
        precondition(firstTrainedStage == 1 && levelGradients.count == 5,
                     "TrainableResNet50: level gradients need five levels and every stage learning")
        var d = levelGradients[4]
        for layer in stride(from: 3, through: 0, by: -1) {
            for index in stride(from: layers[layer].count - 1, through: 0, by: -1) {
                d = layers[layer][index].backward(d, cache: cache.blocks[layer][index], parameters: &parameters,
                                                  inputGradient: true)!
            }
            d += levelGradients[layer]
        }
        let dPool = maxPool2dBackward(outputGradient: d, input: cache.poolInput!, kernel: 3, stride: 2, padding: 1)
        _ = stem.backward(dPool, cache: cache.stem!, parameters: &parameters, inputGradient: false)
    }
}
