// RunErrorReport: the command-line wording of `irn run` failures (Pipeline.DatasetRunError):
// always the image id first, then the step and the underlying error as ErrorReport phrases it,
// so that a failure in a run over thousands of images says which image to look at.
import Pipeline

enum RunErrorReport {
    static func describe(_ error: DatasetRunError) -> (message: String, hint: String) {
        switch error {
        case .image(let id, let step, let underlying):
            let (message, hint) = ErrorReport.describe(underlying)
            return ("image \(id)" + (step.map { " (step \($0.rawValue))" } ?? "") + ": " + message, hint)
        case .missingInput(let id, let step, let path, let producer):
            return ("image \(id) (step \(step.rawValue)): missing \(path)",
                    "add \(producer.rawValue) to --steps, or run it first")
        case .missingWeights(let step):
            return ("the \(step.rawValue) step needs its checkpoint", "give --\(step == .cam ? "cam" : "irn")-weights FILE")
        case .noClasses(let id):
            return ("image \(id): no class labels", "the cam step needs at least one class per image; check its annotation or labels line")
        case .classOutOfRange(let id, let key, let count):
            return ("image \(id): class \(key) but the CAM network has \(count) classes", "use class indices below \(count), or the matching checkpoint")
        case .scaleTooSmall(let id, let scale, let width, let height):
            return ("image \(id): scale \(scale) shrinks the \(width)x\(height) image to nothing", "use larger --scales")
        case .missingHighRes(let id, let path):
            return ("image \(id) (step ir-label): \(path) has no high_res array", "remake it with the cam step")
        }
    }
}
