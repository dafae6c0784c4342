// SyntheticDataset: synthetic scenes (SyntheticScenes.swift) written as a dataset the readers
// of this package take (`irn synth`): a VOC-style folder (JPEGImages/<id>.png, palette PNGs in
// SegmentationClass and SegmentationObject, ImageSets/Segmentation/{train,val,trainval}.txt)
// that VOCDataset reads, plus the custom layout's labels.txt ("id class class ...", class
// names) and class_names.txt (the `--class-names` argument) that LabeledImageList reads.
// Files are written atomically (FileIO).
import Codecs
import Foundation

public enum SyntheticDataset {
    /// The folder layout relative to a root.
    public static let imageFolder = "JPEGImages"
    public static let classFolder = "SegmentationClass"
    public static let objectFolder = "SegmentationObject"
    public static let listFolder = "ImageSets/Segmentation"
    public static let labelsFile = "labels.txt"
    public static let classNamesFile = "class_names.txt"

    /// What was written.
    public struct Summary: Equatable, Sendable {
        public var root: String
        public var trainIDs: [String]
        public var validationIDs: [String]
    }

    static func path(_ root: String, _ relative: String) -> String {
        (root as NSString).appendingPathComponent(relative)
    }

    /// The image, class map and object map of one scene under `root`.
    public static func write(_ scene: SyntheticScene, to root: String) throws {
        try FileIO.writeAtomically(PNG.encode(scene.image), to: path(root, "\(imageFolder)/\(scene.id).png"))
        try FileIO.writeAtomically(LabelFiles.semanticPNG(scene.classMap, height: scene.height, width: scene.width),
                                   to: path(root, "\(classFolder)/\(scene.id).png"))
        try FileIO.writeAtomically(LabelFiles.semanticPNG(scene.objectMap, height: scene.height, width: scene.width),
                                   to: path(root, "\(objectFolder)/\(scene.id).png"))
    }

    /// The list and label files for `scenes` (ids and image-level labels), the first
    /// `scenes.count − validationCount` in train, the rest in val.
    public static func writeLists(ids: [String], labels: [[Int]], validationCount: Int, to root: String) throws -> Summary {
        precondition(ids.count == labels.count && (0 ... ids.count).contains(validationCount),
                     "SyntheticDataset: \(ids.count) ids, \(labels.count) label lists, \(validationCount) for val")
        let trainIDs = Array(ids.dropLast(validationCount)), validationIDs = Array(ids.suffix(validationCount))
        func lines(_ items: [String]) -> [UInt8] { Array(items.map { $0 + "\n" }.joined().utf8) }
        try FileIO.writeAtomically(lines(trainIDs), to: path(root, "\(listFolder)/train.txt"))
        try FileIO.writeAtomically(lines(validationIDs), to: path(root, "\(listFolder)/val.txt"))
        try FileIO.writeAtomically(lines(ids), to: path(root, "\(listFolder)/trainval.txt"))
        let names = SyntheticScenes.classNames
        let labelLines = zip(ids, labels).map { id, classes in ([id] + classes.map { names[$0] }).joined(separator: " ") }
        try FileIO.writeAtomically(lines(["# image id, then its classes (" + names.joined(separator: ",") + ")"] + labelLines),
                                   to: path(root, labelsFile))
        try FileIO.writeAtomically(lines([names.joined(separator: ",")]), to: path(root, classNamesFile))
        return Summary(root: root, trainIDs: trainIDs, validationIDs: validationIDs)
    }

    /// Scenes 0 ..< count of `scenes` with their lists; `progress` gets the number written.
    public static func write(_ scenes: SyntheticScenes, count: Int, validationCount: Int, to root: String,
                             progress: ((Int) -> Void)? = nil) throws -> Summary {
        precondition(count >= 1, "SyntheticDataset: count \(count) must be positive")
        var ids: [String] = [], labels: [[Int]] = []
        for index in 0 ..< count {
            let scene = scenes.scene(index)
            try write(scene, to: root)
            ids.append(scene.id)
            labels.append(scene.labels)
            progress?(index + 1)
        }
        return try writeLists(ids: ids, labels: labels, validationCount: validationCount, to: root)
    }
}
