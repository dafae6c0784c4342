// DatasetErrorReport: the command-line wording of dataset errors (DatasetError): a bad list
// line with its file and line number, a missing ground-truth or image file with its role,
// an unknown class name, a missing dataset folder.
import Pipeline

enum DatasetErrorReport {
    static func describe(_ error: DatasetError) -> (message: String, hint: String) {
        switch error {
        case .badListLine(let path, let line, let text, let reason):
            return ("\(path):\(line): \(reason): '\(text)'", "write one image id (a file name without folder) per line; '#' starts a comment")
        case .emptyList(let path):
            return ("\(path) names no image", "write one image id per line")
        case .missingFile(let path, let role):
            return ("missing \(role): \(path)", "check --voc-root and the ids in the list")
        case .badFile(let path, let reason):
            return ("\(path): \(reason)", "is this the right file?")
        case .unknownClass(let path, let line, let name):
            return ("\(path):\(line): unknown class '\(name)'", "use VOC class names, 0-based indices, or give --class-names")
        case .missingRoot(let path):
            return ("no such dataset folder: \(path)", "--voc-root names the folder holding JPEGImages and SegmentationClass")
        }
    }
}
