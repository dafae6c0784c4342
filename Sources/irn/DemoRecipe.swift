// DemoRecipe: how the demo's bundled weights (Models/) are made, as the exact `irn` command
// lines in order — synth (training scenes) → train-cam (from scratch) → run --steps
// cam,ir-label (CAMs and relation labels of the training scenes, IRNet §4.1) → train-irn (heads
// on the frozen CAM backbone, IRNet §4.2–4.5) — with fixed seeds. `irn demo --retrain` runs them
// in process (DemoRetrain); Docs/CLI.md lists the same lines for a shell.
import Pipeline

struct DemoRecipe: Sendable {
    /// Training scenes (seed 1; the demo's validation scenes are seed 1000).
    var sceneCount = 2000
    var sceneSize = 128
    var sceneSeed: UInt64 = 1
    /// The backbone: ResNet50 at a quarter of the width, reference block counts.
    var width = "0.25"
    var blocks = "3,4,6,3"
    var camEpochs = 4
    var camBatchSize = 16
    var camLearningRate = "0.1"
    var camCropSize = 128
    var camResizeLong = "112,144"
    /// Relation mining on the training scenes' CAMs (the reference's conf_fg_thres, conf_bg_thres).
    var foregroundThreshold = "0.30"
    var backgroundThreshold = "0.05"
    var camScales = "1,0.5,1.5,2"
    var irnEpochs = 3
    var irnBatchSize = 16
    var irnLearningRate = "0.1"
    var irnCropSize = 128
    /// Seed of every training command (shuffling, augmentation, initial weights).
    var seed = 0
    /// Stop early (tests); nil runs the whole schedule.
    var camMaxSteps: Int? = nil
    var irnMaxSteps: Int? = nil

    /// The bundled weights' recipe.
    static let bundled = DemoRecipe()

    /// One command of the recipe.
    struct Stage {
        var name: String
        var command: IRNCommand.Type
        var arguments: [String]
        /// The line a shell would run.
        var commandLine: String { (["irn", command.spec.name] + arguments).map(Self.quoted).joined(separator: " ") }

        static func quoted(_ token: String) -> String {
            token.contains(where: { " \"'$".contains($0) }) ? "'" + token + "'" : token
        }
    }

    /// Where the recipe writes: scenes and stage files under `work`, the CAM checkpoint (which
    /// is also the IRNet backbone) and IRNet's full checkpoint.
    struct Paths {
        var work: String
        var scenes: String { work + "/train" }
        var images: String { scenes + "/JPEGImages" }
        var labels: String { scenes + "/labels.txt" }
        var trainList: String { scenes + "/ImageSets/Segmentation/train.txt" }
        var stageFiles: String { work + "/run" }
        var relationLabels: String { stageFiles + "/ir_label" }
        var cam: String { work + "/cam.safetensors" }
        var irn: String { work + "/irn.safetensors" }
    }

    func stages(_ paths: Paths) -> [Stage] {
        let classNames = SyntheticScenes.classNames.joined(separator: ",")
        let data = ["--images", paths.images, "--labels", paths.labels, "--class-names", classNames]
        var trainCAM = data + ["--init", "scratch", "--width", width, "--blocks", blocks, "--train-backbone",
                               "--crop-size", "\(camCropSize)", "--resize-long", camResizeLong,
                               "--batch-size", "\(camBatchSize)", "--lr", camLearningRate, "--epochs", "\(camEpochs)",
                               "--seed", "\(seed)", "--out", paths.cam]
        if let camMaxSteps { trainCAM += ["--max-steps", "\(camMaxSteps)"] }
        // train-irn reads the scenes as a VOC folder: only the ids matter to it.
        var trainIRN = ["--voc-root", paths.scenes, "--list", paths.trainList, "--cam-labels", paths.relationLabels,
                        "--backbone", paths.cam, "--crop-size", "\(irnCropSize)", "--batch-size", "\(irnBatchSize)",
                        "--lr", irnLearningRate, "--epochs", "\(irnEpochs)", "--seed", "\(seed)", "--out", paths.irn]
        if let irnMaxSteps { trainIRN += ["--max-steps", "\(irnMaxSteps)"] }
        return [
            Stage(name: "synth", command: SynthCommand.self,
                  arguments: ["--out", paths.scenes, "--count", "\(sceneCount)", "--seed", "\(sceneSeed)",
                              "--size", "\(sceneSize)", "--val", "0"]),
            Stage(name: "train-cam", command: TrainCAMCommand.self, arguments: trainCAM),
            Stage(name: "cam + ir-label", command: RunCommand.self,
                  arguments: data + ["--cam-weights", paths.cam, "--steps", "cam,ir-label", "--scales", camScales,
                                     "--ir-fg-threshold", foregroundThreshold, "--ir-bg-threshold", backgroundThreshold,
                                     "--out", paths.stageFiles]),
            Stage(name: "train-irn", command: TrainIRNCommand.self, arguments: trainIRN),
        ]
    }
}
