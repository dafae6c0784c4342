// `irn train-irn`: trains IRNet's boundary and displacement branches on the relation labels
// that `irn mine-relations` wrote (IRNet §4.2–4.5; reference step/train_irn.py; DESIGN §4,
// §6 "Training"): frozen backbone, batches of augmented crops (or top-left crops with
// --no-augment), the reference's loss and PolyOptimizer, then the mean displacement over the
// training images (top-left crops) as the mean shift. --train-backbone lets the backbone learn
// too (no detach). Writes a safetensors checkpoint under the reference's names, atomically, that
// `irn boundary` loads: at each epoch's end (or every --save-every steps) and at the end, the
// periodic ones with the mean shift still zero. Progress on stderr.
import Foundation
import Pipeline
import Tensors
import Training

enum TrainIRNCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "train-irn",
        summary: "Train IRNet (boundary and displacement branches) on mined relation labels",
        usage: "(--voc-root DIR --list FILE | --images DIR --labels FILE) --cam-labels DIR --backbone W --out FILE [options]",
        options: [
            OptionSpec("voc-root", "DIR", "VOC folder (JPEGImages), with --list"),
            OptionSpec("list", "FILE", "Image ids, one per line (a name such as train_aug resolves inside the VOC folder)"),
            OptionSpec("images", "DIR", "Folder of images named <id>.jpg/.png, with --labels"),
            OptionSpec("labels", "FILE", "Labels file: '<id> class class ...' per line (only the ids are used)"),
            OptionSpec("cam-labels", "DIR", "Relation labels from irn mine-relations (DIR/<id>.png: 0 bg, 1-20, 255 unsure)"),
            OptionSpec("backbone", "W", "ResNet50 weights: ImageNet .pth (torchvision names), a CAM or an IRNet checkpoint (its heads are the starting point)"),
            OptionSpec("out", "FILE", "Output checkpoint (.safetensors)"),
            OptionSpec("epochs", "N", "Passes over the images, 1...1000 (default 3)"),
            OptionSpec("batch-size", "N", "Images per step, 1...1024 (default 32)"),
            OptionSpec("lr", "X", "Learning rate of the boundary branch; the displacement branch gets 10x (default 0.1)"),
            OptionSpec("weight-decay", "X", "Weight decay, >= 0 (default 1e-4; also the momentum, as in the reference)"),
            OptionSpec("crop-size", "N", "Side of the training crops, 80...4096 (default 512)"),
            OptionSpec("seed", "N", "Seed of the shuffling, the augmentation and fresh heads (default 0)"),
            OptionSpec("max-steps", "N", "Stop after N steps (the learning-rate schedule stays that of all epochs)"),
            OptionSpec("save-every", "N", "Also save the checkpoint every N steps (default: at each epoch's end)"),
            OptionSpec("threads", "T", "Worker threads (default: all \(Parallelism.processorCount) processors)"),
            OptionSpec("no-augment", nil, "No rescale, no flip, top-left crops (for exact comparisons)"),
            OptionSpec("train-backbone", nil, "The backbone learns too (no detach of its features; 1x learning rate, as the boundary branch)"),
            OptionSpec("resume", nil, "Continue the run that wrote --out (and OUT.state) from its last save; same options, --max-steps may grow"),
        ],
        examples: ["irn train-irn --voc-root VOC2012 --list train_aug --cam-labels out/ir_label --backbone resnet50-19c8e357.pth --out irn.safetensors",
                   "irn train-irn --images imgs --labels labels.txt --cam-labels out/ir_label --backbone cam.safetensors --out irn.safetensors --epochs 1 --batch-size 8 --crop-size 256"])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let camLabels = try arguments.requiredString("cam-labels", spec: spec)
        let backbonePath = try arguments.requiredString("backbone", spec: spec)
        let out = try arguments.requiredString("out", spec: spec)
        let epochs = try arguments.int("epochs", default: 3, range: 1...1000)
        let batchSize = try arguments.int("batch-size", default: 32, range: 1...1024)
        let learningRate = try arguments.double("lr", default: 0.1)
        let weightDecay = try arguments.double("weight-decay", default: 1e-4)
        guard learningRate > 0, weightDecay >= 0 else {
            throw UsageError(message: "--lr must be positive and --weight-decay not negative",
                             hint: "for example: --lr 0.1 --weight-decay 1e-4")
        }
        // The stride-4 map of the crop must hold sources for radius 10: 4·19 pixels wide.
        let cropSize = try arguments.int("crop-size", default: 512, range: 80...4096)
        let seed = try arguments.int("seed", default: 0, range: 0...Int.max)
        let maxSteps = try arguments.string("max-steps").map { _ in try arguments.int("max-steps", default: 0, range: 1...Int.max) }
        let saveEvery = try arguments.int("save-every", default: 0, range: 0...Int.max)
        let trainsBackbone = arguments.has("train-backbone")
        Parallelism.threadCount = try arguments.int("threads", default: Parallelism.processorCount, range: 1...1024)
        let augment = !arguments.has("no-augment")

        let items = try TrainIRNInputs.items(arguments, spec: spec, camLabels: camLabels)
        let stepsPerEpoch = items.count / batchSize
        guard stepsPerEpoch > 0 else {
            throw UsageError(message: "\(items.count) image(s) do not fill one batch of \(batchSize)",
                             hint: "lower --batch-size (the last incomplete batch of each epoch is dropped, as in the reference)")
        }
        // What a resumed run must repeat (not --max-steps, --save-every or --threads).
        let options = ["images \(items.count)", "epochs \(epochs)", "batch \(batchSize)", "lr \(learningRate)",
                       "weight-decay \(weightDecay)", "crop \(cropSize)", "seed \(seed)", augment ? "augment" : "no-augment",
                       trainsBackbone ? "train-backbone" : "frozen-backbone"].joined(separator: "; ")
        let resumed = arguments.has("resume")
            ? try TrainingState.load(checkpoint: out, command: "train-irn", options: options,
                                     imageCount: items.count, stepsPerEpoch: stepsPerEpoch)
            : nil
        // A resumed run starts from its own checkpoint: backbone and heads as last saved.
        let weights = try TrainIRNInputs.weights(resumed == nil ? backbonePath : out)
        let heads = weights.heads ?? IRNetHeads.initialParameters(levelChannels: weights.configuration.featureChannels,
                                                                  seed: UInt64(seed))
        let scheduleSteps = stepsPerEpoch * epochs
        var trainer = try IRNetTrainer(backboneParameters: weights.backbone, configuration: weights.configuration,
                                       headParameters: heads, learningRate: learningRate, weightDecay: Float(weightDecay),
                                       maxStep: scheduleSteps, trainsBackbone: trainsBackbone)
        let totalSteps = min(scheduleSteps, maxSteps ?? scheduleSteps)
        var cursor = TrainingCursor(resumed: resumed, seed: seed, stepsPerEpoch: stepsPerEpoch)
        guard try cursor.resume(command: "train-irn", checkpoint: out, totalSteps: totalSteps,
                                parameterShape: { trainer.parameters.contains($0) ? trainer.parameters[$0].shape : nil },
                                restore: { trainer.restoreOptimizer(globalStep: $0, momentumBuffers: $1) }, console: console)
        else { return }
        console.err("train-irn: \(items.count) images, \(stepsPerEpoch) steps per epoch, \(totalSteps) steps, batch \(batchSize), crop \(cropSize), backbone width \(weights.configuration.widthMultiplier) blocks \(weights.configuration.blockCounts)\(trainsBackbone ? " (learning)" : " (frozen)")\(weights.heads == nil ? "" : ", heads from \(backbonePath)")")

        let augmentation: TrainingAugmentation = augment ? .irn(cropSize: cropSize) : .none(cropSize: cropSize)
        var progress = ProgressBar(console: console, isTerminal: console.errIsTerminal, interval: 10)
        defer { progress.finish() }
        var losses = ProgressBar.Average()
        let metadata = { (step: Int) in ["format": "pt", "irn": "train-irn", "step": "\(step)"] }
        func save() throws {
            try TrainingCheckpoints.save(trainer.stateDict(), to: out, metadata: metadata(cursor.step))
            try cursor.state(options: options, momentum: trainer.momentumBuffers).save(checkpoint: out, command: "train-irn")
        }
        training: for epoch in cursor.next.epoch ..< epochs {
            if cursor.step == totalSteps { break }  // no order drawn for an epoch that will not run
            cursor.begin(epoch: epoch, imageCount: items.count)
            for batch in cursor.batches(of: epoch) {
                if cursor.step == totalSteps { break training }
                let members = cursor.order[batch * batchSize ..< (batch + 1) * batchSize]
                let samples = try members.map { try TrainIRNInputs.sample(items[$0], augmentation: augmentation, random: &cursor.random) }
                let images = Tensor(shape: [batchSize, 3, cropSize, cropSize], scalars: samples.flatMap { $0.image.scalars })
                let terms = trainer.step(images: images, labelMaps: samples.map { $0.labels.values })
                cursor.finished(epoch: epoch, batch: batch)
                let step = cursor.step
                guard terms.total.isFinite else {
                    throw CommandFailure(message: "the loss became \(terms.total) at step \(step)",
                                         hint: "lower --lr, or start from a checkpoint")
                }
                // The four terms as the reference prints them, then their total; means since the last line.
                let means = losses.add([terms.positiveAffinity, terms.negativeAffinity, terms.foregroundDisplacement,
                                        terms.backgroundDisplacement, terms.total])
                let text = means.prefix(4).map { String(format: "%.4f", $0) }.joined(separator: " ")
                if progress.update(ProgressBar.training(step: step, totalSteps: totalSteps, batchSize: batchSize, elapsed: progress.elapsed,
                                             fields: ["epoch \(epoch + 1)/\(epochs)",
                                                      "loss \(text) (total " + String(format: "%.4f", means[4]) + ")"],
                                             firstStep: cursor.firstStep)) {
                    losses.reset()
                }
                let periodic = saveEvery > 0 ? step % saveEvery == 0 : batch == stepsPerEpoch - 1
                if periodic && step < totalSteps {
                    try save()
                    progress.finish()
                    console.err("saved \(out) at step \(step)")
                }
            }
        }

        progress.finish()
        // The mean shift: top-left crops of the images in list order, whole batches only.
        let meanImages = stepsPerEpoch * batchSize
        var means: [[Double]] = []
        for item in items.prefix(meanImages) {
            let image = try ImageFiles.load(item.imagePath)
            means.append(trainer.meanDisplacement(AffinityTrainingData.topLeftCrop(image, cropSize: cropSize)))
        }
        trainer.setMeanShift(imageMeans: means)
        try save()
        console.err("mean shift \(trainer.meanShift.scalars) over \(means.count) images; wrote \(out)")
    }
}
