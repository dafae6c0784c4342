// DatasetRunSource: where a whole-dataset run finds each image and its image-level classes
// (DESIGN §4 `irn run`): a VOC folder (JPEGImages/<id>.jpg, classes from Annotations/<id>.xml,
// ids from an ImageSets list) or the custom layout (an image folder and a labels file whose
// lines are "image_id class class ..."). Classes are 0-based foreground indices, ascending.
import Foundation

public struct DatasetRunSource: Sendable {
    enum Layout: Sendable {
        case voc(VOCDataset)
        case custom(ImageFolder, [String: [Int]])
    }

    let layout: Layout
    /// The image ids, in list order.
    public let ids: [String]
    /// The class names classes index (VOC's 20 unless the labels file used others).
    public let classNames: [String]

    /// A VOC folder and a list of it (a file, or a split name under ImageSets/Segmentation).
    public static func voc(root: String, list: String) throws -> DatasetRunSource {
        let dataset = try VOCDataset(root: root)
        return DatasetRunSource(layout: .voc(dataset), ids: try dataset.ids(list: list),
                                classNames: VOCDataset.categoryNames)
    }

    /// An image folder and a parsed labels file.
    public static func custom(images: ImageFolder, labels: LabeledImageList) -> DatasetRunSource {
        var classes: [String: [Int]] = [:]
        for entry in labels.entries { classes[entry.id] = entry.classes }
        return DatasetRunSource(layout: .custom(images, classes), ids: labels.entries.map(\.id),
                                classNames: labels.classNames)
    }

    /// An image folder and the labels file at `labelsPath`.
    public static func custom(images: String, labels labelsPath: String,
                              classNames: [String] = VOCDataset.categoryNames) throws -> DatasetRunSource {
        let folder = try ImageFolder(root: images)
        return custom(images: folder, labels: try LabeledImageList.read(labelsPath, classNames: classNames))
    }

    /// The image file of `id`.
    public func imagePath(_ id: String) throws -> String {
        switch layout {
        case .voc(let dataset):
            let path = dataset.imagePath(id)
            guard FileManager.default.fileExists(atPath: path) else {
                throw DatasetError.missingFile(path: path, role: "image")
            }
            return path
        case .custom(let folder, _):
            return try folder.imagePath(id)
        }
    }

    /// The 0-based classes of `id` (possibly none).
    public func classes(_ id: String) throws -> [Int] {
        switch layout {
        case .voc(let dataset): return try dataset.imageLabels(id)
        case .custom(_, let classes): return classes[id] ?? []
        }
    }
}
