// TrainingResume: what `irn train-cam` and `irn train-irn` save beside their checkpoint so that
// `--resume` continues a run exactly where it stopped (Docs/Formats.md, "Training state"):
// OUT.state, a safetensors file with the optimiser's momentum buffers ("momentum.<parameter>"),
// the current epoch's image order ("order", int64) and, in its metadata, the steps taken, where
// the next batch starts (epoch, batch), the shuffling generator's state and the options that
// must not change. Each file is written atomically, the state after the checkpoint; --resume
// checks that their steps agree, so a run stopped between the two writes is refused.
import Checkpoints
import Foundation
import Pipeline
import Tensors

struct TrainingState: Equatable {
    /// Steps taken (the optimiser's global step).
    var step: Int
    /// Where the next batch starts: epoch (0-based) and batch within it.
    var epoch: Int
    var batch: Int
    /// The generator's state after the last step (SeededRandom(seed: random) continues it).
    var random: UInt64
    /// The image order of epoch `epoch` (drawn at its start).
    var order: [Int]
    /// The options that define the run (a resumed run must give the same).
    var options: String
    var momentum: [String: Tensor]

    /// OUT.state beside the checkpoint OUT.
    static func path(checkpoint: String) -> String { checkpoint + ".state" }

    func save(checkpoint: String, command: String) throws {
        var dict = StateDict()
        for name in momentum.keys.sorted() { dict["momentum." + name] = CheckpointTensor(momentum[name]!) }
        dict["order"] = CheckpointTensor(shape: [order.count], integers: order.map { Int64($0) })
        let metadata = ["irn": command, "step": "\(step)", "epoch": "\(epoch)", "batch": "\(batch)",
                        "random": "\(random)", "options": options]
        try FileIO.writeAtomically(SafeTensors.write(dict, metadata: metadata), to: Self.path(checkpoint: checkpoint))
    }

    /// Reads the state of the run that wrote `checkpoint`, checked against this run's command,
    /// options, image count and epoch length.
    static func load(checkpoint: String, command: String, options: String, imageCount: Int,
                     stepsPerEpoch: Int) throws -> TrainingState {
        let path = path(checkpoint: checkpoint)
        let hint = "resume with the command line of the run that wrote \(checkpoint), or start afresh without --resume"
        guard FileManager.default.fileExists(atPath: checkpoint), FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(message: "--resume: \(checkpoint) and \(path) must both exist", hint: hint)
        }
        let file = try SafeTensors.read(FileIO.read(path))
        func fail(_ reason: String) -> CommandFailure { CommandFailure(message: "--resume: \(path) \(reason)", hint: hint) }
        let metadata = file.metadata
        let tensors = file.tensors
        guard metadata["irn"] == command else { throw fail("was written by \(metadata["irn"] ?? "another program"), not irn \(command)") }
        guard metadata["options"] == options else {
            throw fail("belongs to a run with other options (\(metadata["options"] ?? "none"); this run: \(options))")
        }
        guard let step = metadata["step"].flatMap({ Int($0) }), let epoch = metadata["epoch"].flatMap({ Int($0) }),
              let batch = metadata["batch"].flatMap({ Int($0) }), let random = metadata["random"].flatMap({ UInt64($0) }),
              step >= 0, epoch >= 0, (0..<stepsPerEpoch).contains(batch), step == epoch * stepsPerEpoch + batch else {
            throw fail("has no consistent step, epoch, batch and generator state")
        }
        // The two files are written one after the other: a run stopped between them left a
        // checkpoint of another step, which this state does not continue.
        let checkpointStep = try SafeTensors.read(FileIO.read(checkpoint)).metadata["step"]
        guard checkpointStep == "\(step)" else {
            throw CommandFailure(message: "--resume: \(checkpoint) is at step \(checkpointStep ?? "?") but \(path) at step \(step) (the run stopped between writing the two)",
                                 hint: "start afresh without --resume, or from \(checkpoint) with --weights/--backbone")
        }
        guard let orderTensor = tensors["order"], let orderValues = orderTensor.integers,
              orderValues.count == imageCount, Set(orderValues) == Set((0..<Int64(imageCount)).map { $0 }) else {
            throw fail("does not hold an order of the \(imageCount) images")
        }
        var momentum: [String: Tensor] = [:]
        for name in tensors.names where name.hasPrefix("momentum.") {
            guard let tensor = tensors[name]?.tensor else { throw fail("holds a non-float \(name)") }
            momentum[String(name.dropFirst("momentum.".count))] = tensor
        }
        return TrainingState(step: step, epoch: epoch, batch: batch, random: random,
                             order: orderValues.map { Int($0) }, options: options, momentum: momentum)
    }

    /// Checks that every momentum buffer names a parameter of the trainer, with its shape.
    func checkMomentum(against parameters: ParameterShapes, checkpoint: String) throws {
        for (name, buffer) in momentum where parameters(name) != buffer.shape {
            throw CommandFailure(message: "--resume: \(Self.path(checkpoint: checkpoint)) has momentum for '\(name)' of shape \(buffer.shape), which the network's parameters do not match",
                                 hint: "resume with the command line of the run that wrote \(checkpoint)")
        }
    }

    /// The shape of a trainer's parameter, nil for a name it does not have.
    typealias ParameterShapes = (String) -> [Int]?
}

/// Where a training run is, for both training commands: steps taken, where the next batch
/// starts, the generator of shuffles (and train-irn's augmentation) and the current epoch's
/// order. A fresh run starts at step 0; a resumed one where its state says.
struct TrainingCursor {
    private(set) var step: Int
    private(set) var next: (epoch: Int, batch: Int)
    var random: SeededRandom
    private(set) var order: [Int] = []
    let firstStep: Int
    private let resumed: TrainingState?
    private let stepsPerEpoch: Int

    init(resumed: TrainingState?, seed: Int, stepsPerEpoch: Int) {
        self.resumed = resumed
        self.stepsPerEpoch = stepsPerEpoch
        step = resumed?.step ?? 0
        firstStep = step
        next = (resumed?.epoch ?? 0, resumed?.batch ?? 0)
        random = SeededRandom(seed: resumed?.random ?? UInt64(seed))
    }

    /// Starts `epoch`: a run resumed inside it keeps its order, otherwise one is drawn.
    mutating func begin(epoch: Int, imageCount: Int) {
        if let resumed, epoch == resumed.epoch, resumed.batch > 0 {
            order = resumed.order
        } else {
            order = TrainCAMCommand.shuffled(imageCount, &random)
        }
    }

    /// The batches of `epoch` still to run.
    func batches(of epoch: Int) -> Range<Int> { (epoch == next.epoch ? next.batch : 0)..<stepsPerEpoch }

    /// Counts a finished step (batch `batch` of `epoch`).
    mutating func finished(epoch: Int, batch: Int) {
        step += 1
        next = batch + 1 < stepsPerEpoch ? (epoch, batch + 1) : (epoch + 1, 0)
    }

    /// The state to save beside a checkpoint of this step.
    func state(options: String, momentum: [String: Tensor]) -> TrainingState {
        TrainingState(step: step, epoch: next.epoch, batch: next.batch, random: random.state, order: order,
                      options: options, momentum: momentum)
    }

    /// Restores the optimiser of a resumed run (after checking its momentum buffers against the
    /// parameters) and says so; false when the run already reached `totalSteps`.
    func resume(command: String, checkpoint: String, totalSteps: Int, parameterShape: TrainingState.ParameterShapes,
                restore: (Int, [String: Tensor]) -> Void, console: Console) throws -> Bool {
        guard let resumed else { return true }
        try resumed.checkMomentum(against: parameterShape, checkpoint: checkpoint)
        restore(resumed.step, resumed.momentum)
        guard resumed.step < totalSteps else {
            console.err("\(command): \(checkpoint) is already at step \(resumed.step) of \(totalSteps); nothing to do")
            return false
        }
        console.err("resuming \(checkpoint) at step \(resumed.step) (epoch \(resumed.epoch + 1), batch \(resumed.batch + 1))")
        return true
    }
}
