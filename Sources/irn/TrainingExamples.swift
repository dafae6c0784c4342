// TrainingExamples: the images and image-level labels a training command reads (DESIGN §4),
// from a VOC folder (`--voc-root DIR --list FILE`, labels from Annotations/*.xml, as the
// reference's cls_labels.npy records them) or the custom layout (`--images DIR --labels FILE
// [--class-names a,b,c]`), through Pipeline's dataset readers. Every image path is resolved up
// front, so a missing file is reported before training starts.
import Foundation
import Pipeline
import Tensors

struct TrainingExample {
    let id: String
    let imagePath: String
    /// 0-based classes present in the image.
    let classes: [Int]
}

struct TrainingExamples {
    let examples: [TrainingExample]
    let classNames: [String]

    var classCount: Int { classNames.count }

    /// The examples named by the command's dataset options.
    static func load(_ arguments: ParsedArguments, spec: CommandSpec) throws -> TrainingExamples {
        if let root = arguments.string("voc-root") {
            guard arguments.string("images") == nil, arguments.string("labels") == nil else {
                throw UsageError(message: "give either --voc-root with --list, or --images with --labels, not both",
                                 hint: "usage: irn \(spec.name) \(spec.usage)")
            }
            let list = try arguments.requiredString("list", spec: spec)
            let dataset = try VOCDataset(root: root)
            let examples = try dataset.ids(list: list).map { id in
                TrainingExample(id: id, imagePath: dataset.imagePath(id), classes: try dataset.imageLabels(id))
            }
            for example in examples where !FileManager.default.fileExists(atPath: example.imagePath) {
                throw DatasetError.missingFile(path: example.imagePath, role: "image")
            }
            return TrainingExamples(examples: examples, classNames: VOCDataset.categoryNames)
        }
        guard let images = arguments.string("images"), let labels = arguments.string("labels") else {
            throw UsageError(message: "'irn \(spec.name)' needs --voc-root DIR --list FILE, or --images DIR --labels FILE",
                             hint: "usage: irn \(spec.name) \(spec.usage)")
        }
        var classNames = VOCDataset.categoryNames
        if let text = arguments.string("class-names") {
            guard let names = LabeledImageList.classNames(text) else {
                throw UsageError(message: "--class-names must be a comma-separated list of distinct names, got '\(text)'",
                                 hint: "for example: --class-names cat,dog,bird")
            }
            classNames = names
        }
        let folder = try ImageFolder(root: images)
        let list = try LabeledImageList.read(labels, classNames: classNames)
        let examples = try list.entries.map {
            TrainingExample(id: $0.id, imagePath: try folder.imagePath($0.id), classes: $0.classes)
        }
        return TrainingExamples(examples: examples, classNames: list.classNames)
    }

    /// Multi-hot targets [N, classes] of the examples at `indices`.
    func targets(_ indices: [Int]) -> Tensor {
        var targets = Tensor(shape: [indices.count, classCount])
        for (row, index) in indices.enumerated() {
            for c in examples[index].classes { targets.scalars[row * classCount + c] = 1 }
        }
        return targets
    }
}
