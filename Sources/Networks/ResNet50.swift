// ResNet50: the backbone of both networks (reference net/resnet50.py, torchvision layout):
// 7×7 stem conv (stride strides[0]) → BN → ReLU → 3×3 max pool (stride 2), then four layers
// of bottlenecks (3, 4, 6, 3 blocks; planes 64, 128, 256, 512; the stride on each layer's
// first 3×3 conv: 1, strides[1], strides[2], strides[3]). Both networks use strides (2,2,2,1),
// so the last layer stays at stride 16 (DESIGN §6). Batch norms are folded at load time. A width
// multiplier scales every channel count (64·w ...) and block counts are configurable, for small
// models; w = 1 with (3, 4, 6, 3) is the real network.

import Tensors

public struct ResNet50: Sendable {
    /// Strides, depth and width of the backbone.
    public struct Configuration: Equatable, Sendable {
        /// Stride of the stem conv and of the first blocks of layers 2, 3 and 4.
        public var strides: [Int]
        /// Bottlenecks in layers 1…4.
        public var blockCounts: [Int]
        /// Scale of every channel count; 64 · widthMultiplier must be a positive integer.
        public var widthMultiplier: Double

        public init(strides: [Int] = [2, 2, 2, 1], blockCounts: [Int] = [3, 4, 6, 3],
                    widthMultiplier: Double = 1) {
            precondition(strides.count == 4 && strides.allSatisfy { $0 >= 1 },
                         "ResNet50: strides \(strides) must be four positive values")
            precondition(blockCounts.count == 4 && blockCounts.allSatisfy { $0 >= 1 },
                         "ResNet50: block counts \(blockCounts) must be four positive values")
            let width = 64 * widthMultiplier
            precondition(width >= 1 && width == width.rounded(),
                         "ResNet50: 64 · width multiplier \(widthMultiplier) must be a positive integer")
            self.strides = strides
            self.blockCounts = blockCounts
            self.widthMultiplier = widthMultiplier
        }

        /// The configuration of the reference's CAM network and IRNet: strides (2, 2, 2, 1).
        public static let reference = Configuration()

        /// Channels of the stem (64 at full width).
        public var stemChannels: Int { Int(64 * widthMultiplier) }
        /// Bottleneck planes of layer `i` (0…3): 64, 128, 256, 512 at full width.
        public func planes(layer i: Int) -> Int { stemChannels << i }
        /// Channels of x1…x5 (64, 256, 512, 1024, 2048 at full width).
        public var featureChannels: [Int] {
            [stemChannels] + (0 ..< 4).map { planes(layer: $0) * Bottleneck.expansion }
        }
    }

    /// The feature maps the heads read (DESIGN §6): x1 after the max pool (stride 4), x2…x5
    /// after layers 1…4 (strides 4, 8, 16, 16 with the reference strides).
    public struct Features: Sendable {
        public var x1: Tensor
        public var x2: Tensor
        public var x3: Tensor
        public var x4: Tensor
        public var x5: Tensor

        public init(x1: Tensor, x2: Tensor, x3: Tensor, x4: Tensor, x5: Tensor) {
            (self.x1, self.x2, self.x3, self.x4, self.x5) = (x1, x2, x3, x4, x5)
        }

        /// The features of the first `count` images of the batch.
        public func firstImages(_ count: Int) -> Features {
            func prefix(_ x: Tensor) -> Tensor {
                var shape = x.shape
                let perImage = shape[0] == 0 ? 0 : x.count / shape[0]
                shape[0] = count
                return Tensor(shape: shape, scalars: Array(x.scalars[0 ..< count * perImage]))
            }
            return Features(x1: prefix(x1), x2: prefix(x2), x3: prefix(x3), x4: prefix(x4), x5: prefix(x5))
        }
    }

    public let configuration: Configuration
    let stem: FoldedConvolution
    let layers: [[Bottleneck]]

    /// Expected parameters: "<prefix>conv1.weight", "<prefix>bn1.*", "<prefix>layer1.0.conv1.weight" …
    /// (`num_batches_tracked` buffers are ignored).
    public static func parameterLayout(prefix: String = "resnet50.",
                                       configuration: Configuration = .reference) -> ParameterLayout {
        var layout = ParameterLayout(network: "ResNet50")
        let stem = configuration.stemChannels
        layout.append(contentsOf: FoldedConvolution.layout(conv: prefix + "conv1", norm: prefix + "bn1",
                                                           inChannels: 3, outChannels: stem, kernel: 7))
        var inChannels = stem
        for layer in 0 ..< 4 {
            let planes = configuration.planes(layer: layer)
            for block in 0 ..< configuration.blockCounts[layer] {
                layout.append(contentsOf: Bottleneck.layout(prefix: prefix + "layer\(layer + 1).\(block)",
                                                            inChannels: inChannels, planes: planes,
                                                            projects: block == 0))
                inChannels = planes * Bottleneck.expansion
            }
        }
        layout.ignore(.suffix(".num_batches_tracked"))
        return layout
    }

    /// The backbone from tensors named "<prefix>conv1.weight" etc. (the torchvision names under
    /// `prefix`). Throws a `NetworkBindingError` listing every missing, unexpected or wrongly
    /// shaped tensor.
    public init(parameters: [String: Tensor], prefix: String = "resnet50.",
                configuration: Configuration = .reference) throws {
        let layout = ResNet50.parameterLayout(prefix: prefix, configuration: configuration)
        self.init(bound: try layout.bind(parameters), prefix: prefix, configuration: configuration)
    }

    /// The backbone from parameters already checked against `parameterLayout(prefix:configuration:)`.
    init(bound parameters: [String: Tensor], prefix: String, configuration: Configuration) {
        self.configuration = configuration
        stem = FoldedConvolution(parameters, conv: prefix + "conv1", norm: prefix + "bn1",
                                 stride: configuration.strides[0], padding: 3)
        let layerStrides = [1, configuration.strides[1], configuration.strides[2], configuration.strides[3]]
        layers = (0 ..< 4).map { layer in
            (0 ..< configuration.blockCounts[layer]).map { block in
                Bottleneck(parameters, prefix: prefix + "layer\(layer + 1).\(block)",
                           stride: block == 0 ? layerStrides[layer] : 1, projects: block == 0)
            }
        }
    }

    /// x1…x5 for a batch of images [N, 3, H, W].
    public func features(_ images: Tensor) -> Features {
        var levels: [Tensor] = []
        let x5 = run(images, workspace: GEMMWorkspace()) { levels.append($0) }
        return Features(x1: levels[0], x2: levels[1], x3: levels[2], x4: levels[3], x5: x5)
    }

    /// x5 alone (layer 4's output), releasing the earlier levels as it goes.
    public func lastFeatures(_ images: Tensor) -> Tensor {
        run(images, workspace: GEMMWorkspace()) { _ in }
    }

    /// The forward pass; `keep` receives x1…x4 as they are produced, the result is x5.
    func run(_ images: Tensor, workspace: GEMMWorkspace, keep: (Tensor) -> Void) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == 3,
                     "ResNet50: input must be [N, 3, H, W], got \(images.shape)")
        var x = stem(images, activation: .relu, workspace: workspace)
        x = maxPool2d(x, kernel: 3, stride: 2, padding: 1)
        keep(x)
        for (index, layer) in layers.enumerated() {
            for block in layer { block.apply(to: &x, workspace: workspace) }
            if index < 3 { keep(x) }
        }
        return x
    }
}
