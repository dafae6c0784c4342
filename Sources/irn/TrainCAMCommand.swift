// `irn train-cam`: trains the CAM classifier from image-level labels (IRNet §3; the reference's
// step/train_cam.py): per epoch a seeded shuffle, batches of `--batch-size` images (the last
// partial batch dropped, as the reference's DataLoader), each image augmented (TrainingAugmentation:
// long side 320–640, flip, random crop) and stacked, one CAMTrainer step each (poly SGD, 10× for
// the classifier), a progress bar, and the checkpoint saved atomically every `--save-every` steps
// and at the end. PyTorch's exact shuffling is not reproduced; the schedule's max_step is
// (images / batch) × epochs as in the reference, and `--max-steps` only stops early.
import Foundation
import Networks
import Pipeline
import Tensors
import Training

enum TrainCAMCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "train-cam",
        summary: "Train the CAM classifier from image-level labels (as the reference's train_cam)",
        usage: "(--voc-root DIR --list FILE | --images DIR --labels FILE [--class-names LIST]) (--weights FILE | --init scratch) --out CAM.safetensors [options]",
        options: [
            OptionSpec("voc-root", "DIR", "VOC folder (JPEGImages, Annotations for the labels)"),
            OptionSpec("list", "FILE", "Image ids to train on (a file, or a name under ImageSets/Segmentation)"),
            OptionSpec("images", "DIR", "Folder of images (custom layout)"),
            OptionSpec("labels", "FILE", "Lines 'image_id class class …' (custom layout)"),
            OptionSpec("class-names", "LIST", "Class names of the custom layout (default: the 20 VOC classes)"),
            OptionSpec("weights", "FILE", "Starting checkpoint: a CAM checkpoint or an ImageNet ResNet50 (.pth/.safetensors)"),
            OptionSpec("init", "KIND", "'weights' (default, needs --weights) or 'scratch' (seeded; see --width, --blocks)"),
            OptionSpec("width", "W", "Width multiplier of a scratch network (default 1)"),
            OptionSpec("blocks", "LIST", "Bottlenecks per layer of a scratch network (default 3,4,6,3)"),
            OptionSpec("out", "FILE", "Checkpoint to write (safetensors; loads in irn cam)"),
            OptionSpec("epochs", "N", "Epochs (default 5)"),
            OptionSpec("batch-size", "N", "Images per step (default 16)"),
            OptionSpec("lr", "X", "Learning rate of the backbone; the classifier gets 10× (default 0.1)"),
            OptionSpec("weight-decay", "X", "Weight decay (default 1e-4; also the reference's effective momentum)"),
            OptionSpec("crop-size", "N", "Side of the square training crops (default 512)"),
            OptionSpec("resize-long", "A,B", "Range of the random long side (default 320,640)"),
            OptionSpec("seed", "N", "Seed of the shuffling, the augmentation and a scratch init (default 0)"),
            OptionSpec("max-steps", "N", "Stop after N steps (the schedule still spans all epochs)"),
            OptionSpec("save-every", "N", "Also save the checkpoint every N steps (default: at each epoch's end)"),
            OptionSpec("threads", "T", "Worker threads (default: all \(Parallelism.processorCount) processors)"),
            OptionSpec("no-augment", nil, "No resize, no flip: the top-left crop (exact comparisons)"),
            OptionSpec("train-backbone", nil, "Every stage learns (no stage-2 detach, conv1/bn1 unfrozen)"),
            OptionSpec("resume", nil, "Continue the run that wrote --out (and OUT.state) from its last save; same options, --max-steps may grow"),
        ],
        examples: [
            "irn train-cam --voc-root VOC2012 --list train_aug.txt --weights resnet50-19c8e357.pth --out cam.safetensors",
            "irn train-cam --images shapes --labels labels.txt --class-names circle,square --init scratch --width 0.125 --train-backbone --crop-size 128 --out cam.safetensors",
        ])

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let out = try arguments.requiredString("out", spec: spec)
        let epochs = try arguments.int("epochs", default: 5, range: 1...100_000)
        let batchSize = try arguments.int("batch-size", default: 16, range: 1...4096)
        let learningRate = try arguments.double("lr", default: 0.1)
        let weightDecay = try arguments.double("weight-decay", default: 1e-4)
        let cropSize = try arguments.int("crop-size", default: 512, range: 16...4096)
        let seed = try arguments.int("seed", default: 0, range: 0...Int.max)
        let maxSteps = try arguments.int("max-steps", default: Int.max, range: 1...Int.max)
        let saveEvery = try arguments.int("save-every", default: 0, range: 0...Int.max)
        let threads = try arguments.int("threads", default: Parallelism.processorCount, range: 1...1024)
        let resizeLong = try arguments.doubles("resize-long", default: [320, 640])
        guard resizeLong.count == 2, let low = Int(exactly: resizeLong[0]), let high = Int(exactly: resizeLong[1]),
              low >= 1, low <= high, high <= 8192 else {
            throw UsageError(message: "--resize-long must be two integers A,B with 1 ≤ A ≤ B ≤ 8192",
                             hint: "for example: --resize-long 320,640")
        }
        guard learningRate > 0, weightDecay >= 0 else {
            throw UsageError(message: "--lr must be positive and --weight-decay not negative", hint: "for example: --lr 0.1 --weight-decay 1e-4")
        }
        let initialization = try initialization(arguments)
        Parallelism.threadCount = threads
        let trainsBackbone = arguments.has("train-backbone")
        let data = try TrainingExamples.load(arguments, spec: spec)
        let stepsPerEpoch = data.examples.count / batchSize
        guard stepsPerEpoch > 0 else {
            throw CommandFailure(message: "\(data.examples.count) images make no full batch of \(batchSize)",
                                 hint: "lower --batch-size to at most \(data.examples.count)")
        }
        // What a resumed run must repeat (not --max-steps, --save-every or --threads).
        let options = ["images \(data.examples.count)", "classes \(data.classNames.joined(separator: ","))",
                       "epochs \(epochs)", "batch \(batchSize)", "lr \(learningRate)", "weight-decay \(weightDecay)",
                       "crop \(cropSize)", "resize-long \(low),\(high)", "seed \(seed)",
                       arguments.has("no-augment") ? "no-augment" : "augment",
                       trainsBackbone ? "train-backbone" : "frozen-stem", initialization.description].joined(separator: "; ")
        let resumed = arguments.has("resume")
            ? try TrainingState.load(checkpoint: out, command: "train-cam", options: options,
                                     imageCount: data.examples.count, stepsPerEpoch: stepsPerEpoch)
            : nil
        let (initial, configuration) = try initialParameters(resumed == nil ? initialization : .checkpoint(out),
                                                             classCount: data.classCount, seed: UInt64(seed))
        let maxStep = stepsPerEpoch * epochs
        let totalSteps = min(maxStep, maxSteps)
        var trainer = CAMTrainer(stateDict: initial, configuration: configuration, classCount: data.classCount,
                                 trainsBackbone: trainsBackbone, learningRate: learningRate,
                                 weightDecay: Float(weightDecay), maxStep: maxStep)
        var cursor = TrainingCursor(resumed: resumed, seed: seed, stepsPerEpoch: stepsPerEpoch)
        guard try cursor.resume(command: "train-cam", checkpoint: out, totalSteps: totalSteps,
                                parameterShape: { trainer.parameters.contains($0) ? trainer.parameters[$0].shape : nil },
                                restore: { trainer.restoreOptimizer(globalStep: $0, momentumBuffers: $1) }, console: console)
        else { return }
        let augmentation = arguments.has("no-augment")
            ? TrainingAugmentation.none(cropSize: cropSize)
            : TrainingAugmentation.cam(cropSize: cropSize, resizeLong: low...high)
        console.err("train-cam: \(data.examples.count) images, \(data.classCount) classes, \(stepsPerEpoch) steps per epoch, "
                    + "\(totalSteps) steps, width \(configuration.widthMultiplier), blocks \(configuration.blockCounts), "
                    + (trainsBackbone ? "every stage learns" : "stages 3-4 and the classifier learn"))
        var progress = ProgressBar(console: console, isTerminal: console.errIsTerminal, interval: 10)
        defer { progress.finish() }
        var loss = ProgressBar.Average()
        var lastLoss = Float.nan
        let metadata = { (step: Int) in
            ["format": "pt", "irn": "train-cam", "step": "\(step)", "classes": data.classNames.joined(separator: ",")]
        }
        func save() throws {
            try TrainingCheckpoints.save(trainer.stateDict(), to: out, metadata: metadata(cursor.step))
            try cursor.state(options: options, momentum: trainer.momentumBuffers).save(checkpoint: out, command: "train-cam")
        }
        training: for epoch in cursor.next.epoch..<epochs {
            guard cursor.step < totalSteps else { break }  // no order drawn for an epoch that will not run
            cursor.begin(epoch: epoch, imageCount: data.examples.count)
            for batch in cursor.batches(of: epoch) {
                guard cursor.step < totalSteps else { break training }
                let indices = Array(cursor.order[(batch * batchSize)..<((batch + 1) * batchSize)])
                let images = try batchImages(indices, data: data, augmentation: augmentation,
                                             seed: UInt64(seed), step: cursor.step)
                let result = trainer.step(images: images, labels: data.targets(indices))
                cursor.finished(epoch: epoch, batch: batch)
                let step = cursor.step
                guard result.loss.isFinite else {
                    throw CommandFailure(message: "the loss became \(result.loss) at step \(step)",
                                         hint: "lower --lr, or start from a checkpoint")
                }
                lastLoss = result.loss
                let mean = loss.add([result.loss])[0]
                if progress.update(ProgressBar.training(step: step, totalSteps: totalSteps, batchSize: batchSize, elapsed: progress.elapsed,
                                             fields: ["epoch \(epoch + 1)/\(epochs)", "loss " + String(format: "%.4f", mean)],
                                             firstStep: cursor.firstStep)) {
                    loss.reset()
                }
                let periodic = saveEvery > 0 ? step % saveEvery == 0 : batch == stepsPerEpoch - 1
                if periodic && step < totalSteps {
                    try save()
                    progress.finish()
                    console.err("saved \(out) at step \(step)")
                }
            }
        }
        try save()
        progress.finish()
        console.err("wrote \(out) after \(cursor.step) steps (last loss " + String(format: "%.4f", lastLoss)
                    + ", " + ProgressBar.duration(progress.elapsed) + ")")
    }

    /// Where the starting parameters come from.
    enum Initialization: CustomStringConvertible {
        case scratch(ResNet50.Configuration)
        case checkpoint(String)

        /// The kind of start, for a resumed run's check (a checkpoint's path may be spelt differently).
        var description: String {
            switch self {
            case .scratch(let c): return "scratch width \(c.widthMultiplier) blocks \(c.blockCounts.map(String.init).joined(separator: ","))"
            case .checkpoint: return "from weights"
            }
        }
    }

    /// --init and the options that go with it (usage errors before any file is read).
    static func initialization(_ arguments: ParsedArguments) throws -> Initialization {
        let kind = arguments.string("init") ?? "weights"
        switch kind {
        case "scratch":
            guard arguments.string("weights") == nil else {
                throw UsageError(message: "--init scratch takes no --weights", hint: "drop one of them")
            }
            let width = try arguments.double("width", default: 1)
            let blocks = try arguments.doubles("blocks", default: [3, 4, 6, 3])
            let counts = blocks.compactMap { Int(exactly: $0) }
            let stem = 64 * width
            guard counts.count == 4, counts.allSatisfy({ (1...64).contains($0) }) else {
                throw UsageError(message: "--blocks must be four integers in 1...64", hint: "for example: --blocks 3,4,6,3")
            }
            guard stem >= 1, stem <= 4096, stem == stem.rounded() else {
                throw UsageError(message: "64 × --width must be a whole number of channels, got \(stem)",
                                 hint: "for example: --width 0.125 (8 stem channels)")
            }
            return .scratch(ResNet50.Configuration(blockCounts: counts, widthMultiplier: width))
        case "weights":
            guard arguments.string("width") == nil, arguments.string("blocks") == nil else {
                throw UsageError(message: "--width and --blocks describe a scratch network; a checkpoint has its own",
                                 hint: "add --init scratch, or drop them")
            }
            return .checkpoint(try arguments.requiredString("weights", spec: spec))
        default:
            throw UsageError(message: "--init must be 'weights' or 'scratch', got '\(kind)'", hint: "for example: --init scratch")
        }
    }

    /// The starting state dict (canonical CAM names) and its backbone configuration.
    static func initialParameters(_ initialization: Initialization, classCount: Int,
                                  seed: UInt64) throws -> ([String: Tensor], ResNet50.Configuration) {
        switch initialization {
        case .scratch(let configuration):
            return (CAMInitialization.scratch(configuration: configuration, classCount: classCount, seed: seed),
                    configuration)
        case .checkpoint(let path):
            let tensors = try NetworkWeights.load(path)
            let configuration = try TrainingCheckpoints.configuration(of: tensors, file: path)
            do {
                return (try CAMInitialization.fromCheckpoint(tensors, configuration: configuration,
                                                             classCount: classCount, seed: seed), configuration)
            } catch {
                throw NetworkWeightsError(file: path, underlying: error)
            }
        }
    }

    /// 0..<count in a seeded Fisher–Yates order.
    static func shuffled(_ count: Int, _ random: inout SeededRandom) -> [Int] {
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, random.nextInt(in: 0...i))
        }
        return order
    }

    /// The augmented images of one batch, stacked [N, 3, crop, crop]. Each image draws from its
    /// own generator, seeded by (seed, step, position), so a batch does not depend on threads.
    static func batchImages(_ indices: [Int], data: TrainingExamples, augmentation: TrainingAugmentation,
                            seed: UInt64, step: Int) throws -> Tensor {
        var samples: [Tensor] = []
        for (position, index) in indices.enumerated() {
            let image = try ImageFiles.load(data.examples[index].imagePath).rgb()
            var random = SeededRandom(seed: SeededWeights.generatorSeed(name: "augment/\(step)/\(position)", seed: seed))
            samples.append(augmentation.apply(image: image, random: &random).image)
        }
        let shape = samples[0].shape
        precondition(samples.allSatisfy { $0.shape == shape }, "train-cam: crops of one batch differ in size")
        return Tensor(shape: [samples.count] + shape, scalars: samples.flatMap(\.scalars))
    }
}
