// IRNetTrainer: IRNet's training step (IRNet §4.2–4.5; reference step/train_irn.py with
// net/resnet50_irn.py AffinityDisplacementLoss; DESIGN §6 "Training"). By default the backbone
// is frozen (its features are detached), so it runs as the inference ResNet50 with folded batch
// norms; with `trainsBackbone` it runs unfolded (TrainableResNet50) and learns too, its tensors
// in group 0 next to the boundary branch (both pretrained-rate: 1×). The heads (IRNetHeads; their
// values held in a ParameterSet) are trained with the reference's PolyOptimizer groups: the
// boundary branch at 1× the learning rate, the displacement branch at 10×, weight decay on all. The
// loss (IRNLoss.swift, Eq. 5–8) normalises by pair counts over the whole batch, but every
// other quantity is per image (GroupNorm included), so images are run one at a time and their
// parameter gradients summed: the batch's memory is one image's activations.

import Tensors
import Networks

public struct IRNetTrainer: Sendable {
    /// The backbone with folded batch norms (refreshed after each step when it learns).
    public private(set) var backbone: ResNet50
    /// The backbone's tensors as given, under "resnet50.*" (the current ones: `stateDict()`).
    public let initialBackboneParameters: [String: Tensor]
    /// True: the backbone learns too (no detach of x1…x5; --train-backbone).
    public let trainsBackbone: Bool
    let trainableBackbone: TrainableResNet50?
    /// The boundary and displacement branches (their parameters mirror `parameters`).
    public private(set) var heads: IRNetHeads
    /// The head parameters in the optimiser's groups (0: boundary branch, 1: displacement
    /// branch, in the reference's order), the backbone's parameters (group 0, after the boundary
    /// branch) and running statistics (buffers) when it learns, and the buffer
    /// "mean_shift.running_mean".
    public private(set) var parameters: ParameterSet
    /// The optimiser (group 0 at the learning rate, group 1 at 10×).
    public var optimizer: PolyOptimizer
    /// "mean_shift.running_mean" ([2]): zero during training, set by `setMeanShift`.
    public var meanShift: Tensor { parameters.buffers["mean_shift.running_mean"]! }
    /// The radius of the pairs (the reference's 10).
    public let radius: Int

    /// A trainer for the backbone `backboneParameters` (names "resnet50.*", the layout of
    /// `ResNet50.parameterLayout(prefix: "resnet50.", configuration:)`), heads starting from
    /// `headParameters` (names of `IRNetHeads.parameterShapes`; their widths are read off the
    /// tensors, the reference's in real training), and the reference's optimiser
    /// with `learningRate`, `weightDecay` and poly decay over `maxStep` steps. With
    /// `trainsBackbone` every backbone parameter (stem included) learns at 1×.
    public init(backboneParameters: [String: Tensor], configuration: ResNet50.Configuration,
                headParameters: [String: Tensor], learningRate: Double, weightDecay: Float, maxStep: Int,
                radius: Int = 10, trainsBackbone: Bool = false) throws {
        let layout = ResNet50.parameterLayout(prefix: "resnet50.", configuration: configuration)
        let bound = try layout.bind(backboneParameters)
        backbone = try ResNet50(parameters: bound, prefix: "resnet50.", configuration: configuration)
        initialBackboneParameters = bound
        self.trainsBackbone = trainsBackbone
        trainableBackbone = trainsBackbone ? TrainableResNet50(configuration: configuration, firstTrainedStage: 1) : nil
        let widths = IRNetHeads.Widths(parameters: headParameters) ?? .reference
        heads = IRNetHeads(levelChannels: configuration.featureChannels, widths: widths, parameters: headParameters)
        let shapes = IRNetHeads.parameterShapes(levelChannels: configuration.featureChannels, widths: widths)
        var set = ParameterSet()
        for (group, names) in [shapes.edge.map(\.name), shapes.displacement.map(\.name)].enumerated() {
            for name in names { set.append(name, headParameters[name]!, group: group) }
            if group == 0 && trainsBackbone {
                for entry in layout.entries {
                    let value = bound[entry.name]!
                    if entry.name.hasSuffix(".running_mean") || entry.name.hasSuffix(".running_var") {
                        set.setBuffer(entry.name, value)
                    } else {
                        set.append(entry.name, value, group: 0)
                    }
                }
            }
        }
        set.setBuffer("mean_shift.running_mean", Tensor(shape: [2]))
        parameters = set
        optimizer = .reference(learningRate: learningRate, weightDecay: weightDecay, maxStep: maxStep)
        self.radius = radius
    }

    /// The pairs of a batch whose images are `height` × `width`: radius `radius` on the
    /// stride-4 map (the size of x1/x2: ⌈⌈H/2⌉/2⌉ for the reference strides).
    public func pairs(imageHeight height: Int, imageWidth width: Int) -> AffinityPairs {
        let size = strideFourSize(height: height, width: width)
        return AffinityPairs(radius: radius, height: size.height, width: size.width)
    }

    /// Size of the backbone's stride-4 maps for an input of `height` × `width`.
    public func strideFourSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let stem = backbone.configuration.strides[0]
        func side(_ n: Int) -> Int {
            let afterStem = (n + 6 - 7) / stem + 1
            return (afterStem + 2 - 3) / 2 + 1
        }
        return (side(height), side(width))
    }

    /// The loss terms, and the summed parameter gradients, of a batch `images` ([N, 3, H, W])
    /// with one stride-4 label map per image (row-major, 0 background, 1…20 classes, ≥ 21
    /// unsure; the size of `pairs(imageHeight:imageWidth:)`).
    public func lossAndGradients(images: Tensor, labelMaps: [[UInt8]]) -> (terms: IRNLossTerms, gradients: [String: Tensor]) {
        precondition(images.rank == 4 && images.shape[1] == 3, "IRNetTrainer: images must be [N, 3, H, W], got \(images.shape)")
        let batch = images.shape[0]
        precondition(labelMaps.count == batch, "IRNetTrainer: \(batch) images but \(labelMaps.count) label maps")
        let pairs = pairs(imageHeight: images.shape[2], imageWidth: images.shape[3])
        let labels = labelMaps.map { AffinityLabels(labelMap: $0, pairs: pairs) }
        let weights = IRNLossWeights(labels: labels)
        let paths = PathOffsets(pairs)
        let imageSize = 3 * images.shape[2] * images.shape[3]
        let workspace = GEMMWorkspace()
        var gradients: [String: Tensor] = [:]
        var sums = IRNLossSums()
        for n in 0 ..< batch {
            let image = Tensor(shape: [1] + images.shape.dropFirst(),
                               scalars: Array(images.scalars[n * imageSize ..< (n + 1) * imageSize]))
            let levels = trainableBackbone?.levels(image, parameters)
            let features = levels?.features ?? backbone.features(image)
            let (logits, field, cache) = heads.forward(features, workspace: workspace)
            var edgeGradient = Tensor(shape: logits.shape)
            var fieldGradient = Tensor(shape: field.shape)
            logits.scalars.withUnsafeBufferPointer { logits in
                field.scalars.withUnsafeBufferPointer { field in
                    edgeGradient.scalars.withUnsafeMutableBufferPointer { edgeGradient in
                        fieldGradient.scalars.withUnsafeMutableBufferPointer { fieldGradient in
                            sums.add(accumulateIRNLoss(
                                edgeLogits: logits.baseAddress!, displacement: field.baseAddress!, labels: labels[n],
                                pairs: pairs, paths: paths, weights: weights, edgeGradient: edgeGradient.baseAddress!,
                                displacementGradient: fieldGradient.baseAddress!))
                        }
                    }
                }
            }
            let imageGradients = heads.backward(boundaryLogitsGradient: edgeGradient, displacementGradient: fieldGradient,
                                                cache: cache, levelGradients: levels != nil)
            for (name, g) in imageGradients.parameters { addGradient(&gradients, name, g) }
            if let trainableBackbone, let levels, let levelGradients = imageGradients.levels {
                var scratch = parameters
                scratch.zeroGradients()
                trainableBackbone.backward(levelGradients: levelGradients, cache: levels.cache, parameters: &scratch)
                for p in scratch.parameters {
                    if let g = p.gradient { addGradient(&gradients, p.name, g) }
                }
            }
        }
        return (weights.terms(sums), gradients)
    }

    /// One training step on a batch (see `lossAndGradients`): the loss, its gradients, one
    /// PolyOptimizer update of the heads. Returns the loss terms before the update.
    @discardableResult
    public mutating func step(images: Tensor, labelMaps: [[UInt8]]) -> IRNLossTerms {
        let (terms, gradients) = lossAndGradients(images: images, labelMaps: labelMaps)
        parameters.zeroGradients()
        for (name, g) in gradients { parameters.accumulateGradient(name, g) }
        parameters.step(&optimizer)
        for p in parameters.parameters where heads.parameters[p.name] != nil { heads.parameters[p.name] = p.value }
        if trainsBackbone {
            // The bound layout's names, so the fold cannot fail.
            backbone = try! ResNet50(parameters: backboneParameters, prefix: "resnet50.",
                                     configuration: backbone.configuration)
        }
        return terms
    }

    /// The optimiser's momentum buffers by parameter name (for a resumable save).
    public var momentumBuffers: [String: Tensor] { parameters.momentumBuffers(in: optimizer) }

    /// Continues a saved run: `globalStep` steps taken, these momentum buffers (names and shapes
    /// of this trainer's parameters).
    public mutating func restoreOptimizer(globalStep: Int, momentumBuffers: [String: Tensor]) {
        parameters.restore(&optimizer, globalStep: globalStep, momentumBuffers: momentumBuffers)
    }

    /// Boundary logits and displacement field (no mean shift) of `images` ([N, 3, H, W]).
    public func forward(_ images: Tensor) -> (boundaryLogits: Tensor, displacement: Tensor) {
        let (logits, field, _) = heads.forward(backbone.features(images))
        return (logits, field)
    }

    /// The mean of each displacement channel over the pixels of one image ([1, 3, H, W]; the
    /// reference feeds the top-left crop, zero-padded to the crop size), in Double.
    public func meanDisplacement(_ image: Tensor) -> [Double] {
        precondition(image.rank == 4 && image.shape[0] == 1, "IRNetTrainer: one image [1, 3, H, W], got \(image.shape)")
        let field = forward(image).displacement
        let plane = field.shape[2] * field.shape[3]
        return (0 ..< 2).map { k in
            field.scalars[k * plane ..< (k + 1) * plane].reduce(0.0) { $0 + Double($1) } / Double(plane)
        }
    }

    /// Sets the mean shift to the mean over images of their `meanDisplacement`s.
    public mutating func setMeanShift(imageMeans: [[Double]]) {
        precondition(!imageMeans.isEmpty && imageMeans.allSatisfy { $0.count == 2 },
                     "IRNetTrainer: the mean shift needs per-image means of two channels")
        let count = Double(imageMeans.count)
        parameters.setBuffer("mean_shift.running_mean", Tensor(shape: [2], scalars: (0 ..< 2).map { k in
            Float(imageMeans.reduce(0.0) { $0 + $1[k] } / count)
        }))
    }

    /// The backbone's current tensors under "resnet50.*" (the given ones unless it learns).
    public var backboneParameters: [String: Tensor] {
        guard trainsBackbone else { return initialBackboneParameters }
        return initialBackboneParameters.merging(parameters.stateDict().filter { $0.key.hasPrefix("resnet50.") }) { _, trained in trained }
    }

    /// Every tensor of the trained network under the reference's names ("resnet50.*",
    /// "fc_edge*", "fc_dp*", "mean_shift.running_mean"): what Networks' IRNetwork binds.
    public func stateDict() -> [String: Tensor] {
        initialBackboneParameters.merging(parameters.stateDict()) { _, trained in trained }
    }
}
