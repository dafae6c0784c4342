// CAMNetwork: the classification network whose class activation maps seed everything else
// (reference net/resnet50_cam.py; Zhou et al., CVPR 2016). ResNet50 (strides 2,2,2,1) then a
// bias-free 1×1 conv classifier 2048 → 20. Training: logits = classifier(GAP(x5)). Inference
// (the reference's CAM.forward): for the pair [image, flipped image], CAM = ReLU(classifier ∗ x5)
// of the image plus the horizontally flipped back CAM of the mirror image (DESIGN §6).

import Tensors

public struct CAMNetwork: Sendable {
    /// The backbone (its parameters are "resnet50.*").
    public let backbone: ResNet50
    /// "classifier.weight": [classes, C5, 1, 1].
    public let classifier: Tensor

    /// Number of classes (20 for PASCAL VOC foreground classes).
    public var classCount: Int { classifier.shape[0] }

    /// Expected parameters: "resnet50.*" and "classifier.weight". Also accepted: the reference's
    /// aliases "stage1.0/1/4.*", "stage2…4.0.*", "backbone.k.*", "newly_added.0.weight".
    public static func parameterLayout(configuration: ResNet50.Configuration = .reference,
                                       classCount: Int = 20) -> ParameterLayout {
        var layout = ParameterLayout(network: "CAMNetwork")
        layout.append(contentsOf: ResNet50.parameterLayout(prefix: "resnet50.", configuration: configuration))
        layout.append("classifier.weight", shape: [classCount, configuration.featureChannels[4], 1, 1])
        layout.addAlias("stage1.0.", for: "resnet50.conv1.")
        layout.addAlias("stage1.1.", for: "resnet50.bn1.")
        layout.addAlias("stage1.4.", for: "resnet50.layer1.")
        for stage in 2 ... 4 {
            layout.addAlias("stage\(stage).0.", for: "resnet50.layer\(stage).")
        }
        for index in 0 ..< 4 {
            layout.addAlias("backbone.\(index).", for: "stage\(index + 1).")
        }
        layout.addAlias("newly_added.0.", for: "classifier.")
        return layout
    }

    /// The network from a state dict of the reference's CAM model (`resnet50_cam.Net`/`CAM`).
    /// Throws one `NetworkBindingError` listing every missing, unexpected or wrongly shaped name.
    public init(parameters: [String: Tensor], configuration: ResNet50.Configuration = .reference,
                classCount: Int = 20) throws {
        let layout = CAMNetwork.parameterLayout(configuration: configuration, classCount: classCount)
        let bound = try layout.bind(parameters)
        backbone = ResNet50(bound: bound, prefix: "resnet50.", configuration: configuration)
        classifier = bound.bound("classifier.weight")
    }

    /// Training-time class scores [N, classes] of images [N, 3, H, W]: the classifier applied to
    /// the global average of x5 (the reference's Net.forward).
    public func logits(_ images: Tensor) -> Tensor {
        logits(features: backbone.lastFeatures(images))
    }

    /// Class scores [N, classes] from the backbone's last features x5 [N, C5, h, w].
    public func logits(features x5: Tensor) -> Tensor {
        let scores = conv2d(globalAveragePool(x5), weight: classifier)
        return scores.reshaped([x5.shape[0], classCount])
    }

    /// ReLU(classifier ∗ x5) for every image: [N, classes, h, w] at the backbone's output stride.
    public func activationMaps(_ images: Tensor) -> Tensor {
        activationMaps(features: backbone.lastFeatures(images))
    }

    /// ReLU(classifier ∗ x5) from the backbone's last features x5 [N, C5, h, w].
    public func activationMaps(features x5: Tensor) -> Tensor {
        conv2d(x5, weight: classifier, activation: .relu)
    }

    /// The inference CAM of an [image, horizontally flipped image] pair ([2, 3, H, W]):
    /// maps[0] + flip(maps[1]), shape [classes, h, w] (the reference's CAM.forward).
    public func classActivationMaps(_ pair: Tensor) -> Tensor {
        precondition(pair.rank == 4 && pair.shape[0] == 2,
                     "CAMNetwork: expected [image, flipped image] as [2, 3, H, W], got \(pair.shape)")
        return classActivationMaps(features: backbone.lastFeatures(pair))
    }

    /// The inference CAM from the pair's last features x5 [2, C5, h, w].
    public func classActivationMaps(features x5: Tensor) -> Tensor {
        precondition(x5.rank == 4 && x5.shape[0] == 2,
                     "CAMNetwork: expected the features of an [image, flipped image] pair, got \(x5.shape)")
        return CAMNetwork.mergeFlipped(activationMaps(features: x5))
    }

    /// maps[0] + flip(maps[1]) for maps [2, C, h, w], as [C, h, w].
    static func mergeFlipped(_ maps: Tensor) -> Tensor {
        let channels = maps.shape[1], height = maps.shape[2], width = maps.shape[3]
        let plane = channels * height * width
        let first = Tensor(shape: [channels, height, width], scalars: Array(maps.scalars[0 ..< plane]))
        let second = Tensor(shape: [channels, height, width], scalars: Array(maps.scalars[plane ..< 2 * plane]))
        return first + flipHorizontal(second)
    }
}
