// CAMTrainer: one training step of the CAM classifier (paper §3; reference step/train_cam.py and
// net/resnet50_cam.py Net): logits = classifier(GAP(x5)) with the bias-free 1×1 conv C5 → classes,
// multilabel soft-margin loss against the image-level labels (Algorithms.md, CAM training),
// backward through the classifier, the global average pool and the learning stages of the
// backbone, then the reference's PolyOptimizer step: backbone parameters (group 0) at the base
// learning rate, the classifier (group 1) at 10×, weight decay on both. The reference freezes
// conv1/bn1 and detaches the stage-2 output; `trainsBackbone` lets every stage learn instead.

import Networks
import Tensors

public struct CAMTrainer: Sendable {
    /// What one step computed.
    public struct StepResult: Sendable {
        /// The loss of the batch before the update.
        public var loss: Float
        /// The logits [N, classes] before the update.
        public var logits: Tensor
    }

    /// The parameters being trained (names of the reference's CAM state dict).
    public private(set) var parameters: ParameterSet
    /// The optimiser (its step counter drives the poly schedule).
    public var optimizer: PolyOptimizer
    public let configuration: ResNet50.Configuration
    public let classCount: Int
    /// True: every stage learns (--train-backbone); false: the reference's stages 3-4 only.
    public let trainsBackbone: Bool
    let backbone: TrainableResNet50

    /// A trainer from a complete CAM state dict under the canonical names (`CAMNetwork.parameterLayout`):
    /// "resnet50.*" (running statistics become buffers) and "classifier.weight".
    public init(stateDict: [String: Tensor], configuration: ResNet50.Configuration, classCount: Int = 20,
                trainsBackbone: Bool = false, learningRate: Double = 0.1, weightDecay: Float = 1e-4, maxStep: Int) {
        self.configuration = configuration
        self.classCount = classCount
        self.trainsBackbone = trainsBackbone
        backbone = TrainableResNet50(configuration: configuration, firstTrainedStage: trainsBackbone ? 1 : 3)
        parameters = CAMTrainer.parameterSet(stateDict, configuration: configuration, classCount: classCount,
                                             trainsBackbone: trainsBackbone)
        optimizer = PolyOptimizer.reference(learningRate: learningRate, weightDecay: weightDecay, maxStep: maxStep)
    }

    /// The set of the CAM network's tensors: every layout entry, running statistics as buffers,
    /// the backbone in group 0 (conv1/bn1 frozen unless the backbone trains), the classifier in group 1.
    static func parameterSet(_ stateDict: [String: Tensor], configuration: ResNet50.Configuration, classCount: Int,
                             trainsBackbone: Bool) -> ParameterSet {
        var set = ParameterSet()
        for entry in CAMNetwork.parameterLayout(configuration: configuration, classCount: classCount).entries {
            guard let value = stateDict[entry.name] else { preconditionFailure("CAMTrainer: the state dict lacks \(entry.name)") }
            precondition(value.shape == entry.shape, "CAMTrainer: \(entry.name) is \(value.shape), expected \(entry.shape)")
            if entry.name.hasSuffix(".running_mean") || entry.name.hasSuffix(".running_var") {
                set.setBuffer(entry.name, value)
            } else if entry.name == "classifier.weight" {
                set.append(entry.name, value, group: 1)
            } else {
                let stem = entry.name.hasPrefix("resnet50.conv1.") || entry.name.hasPrefix("resnet50.bn1.")
                set.append(entry.name, value, group: 0, requiresGradient: trainsBackbone || !stem)
            }
        }
        return set
    }

    /// The logits [N, classes] of images [N, 3, H, W] (no gradients).
    public func logits(_ images: Tensor) -> Tensor {
        let x5 = backbone.forward(images, parameters).features
        return conv2d(globalAveragePool(x5), weight: parameters["classifier.weight"]).reshaped([images.shape[0], classCount])
    }

    /// Forward, loss and backward for a batch: afterwards `parameters` holds this batch's
    /// gradients (earlier ones are cleared first). `labels` is [N, classes] of 0/1.
    public mutating func computeGradients(images: Tensor, labels: Tensor) -> StepResult {
        precondition(images.rank == 4 && labels.shape == [images.shape[0], classCount],
                     "CAMTrainer: images \(images.shape) and labels \(labels.shape) do not form a batch of \(classCount) classes")
        parameters.zeroGradients()
        let (x5, cache) = backbone.forward(images, parameters)
        let pooled = globalAveragePool(x5)
        let classifier = parameters["classifier.weight"]
        let logits = conv2d(pooled, weight: classifier).reshaped([images.shape[0], classCount])
        let loss = multilabelSoftMarginLoss(logits: logits, targets: labels)
        let dLogits = loss.gradient.reshaped([images.shape[0], classCount, 1, 1])
        let g = conv2dBackward(outputGradient: dLogits, input: pooled, weight: classifier)
        parameters.accumulateGradient("classifier.weight", g.weight)
        let dx5 = globalAveragePoolBackward(outputGradient: g.input!, inputShape: x5.shape)
        backbone.backward(dx5, cache: cache, parameters: &parameters)
        return StepResult(loss: loss.loss, logits: logits)
    }

    /// One training step: gradients of the batch, then the optimiser's update.
    @discardableResult
    public mutating func step(images: Tensor, labels: Tensor) -> StepResult {
        let result = computeGradients(images: images, labels: labels)
        applyGradients()
        return result
    }

    /// The optimiser's update with the gradients of the last `computeGradients`.
    public mutating func applyGradients() {
        parameters.step(&optimizer)
    }

    /// The optimiser's momentum buffers by parameter name (for a resumable save).
    public var momentumBuffers: [String: Tensor] { parameters.momentumBuffers(in: optimizer) }

    /// Continues a saved run: `globalStep` steps taken, these momentum buffers (names and shapes
    /// of this trainer's parameters).
    public mutating func restoreOptimizer(globalStep: Int, momentumBuffers: [String: Tensor]) {
        parameters.restore(&optimizer, globalStep: globalStep, momentumBuffers: momentumBuffers)
    }

    /// Every parameter and buffer under the canonical CAM names (loads in CAMNetwork / `irn cam`).
    public func stateDict() -> [String: Tensor] { parameters.stateDict() }
}
