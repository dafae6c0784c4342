// VOCDataset: a PASCAL VOC style folder: JPEGImages/<id>.jpg, Annotations/<id>.xml (image-level
// labels), SegmentationClass/<id>.png (class indices, 255 void), SegmentationObject/<id>.png
// (instance indices, 0 and 255 not instances) and ImageSets/Segmentation/<split>.txt lists.
// Ground truth is read as chainercv's VOC datasets read it for IRNet's evaluation steps
// (DESIGN §4 `irn eval`); ids may be any file stem, not only VOC's "2007_000032" form.
import Foundation
import Evaluation

public struct VOCDataset: Sendable {
    /// The 20 VOC foreground classes; 0-based index i is label i + 1 in class maps.
    public static let categoryNames = [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
        "train", "tvmonitor",
    ]

    public let root: String

    /// A dataset rooted at `root` (the folder holding JPEGImages, Annotations, ...).
    public init(root: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.missingRoot(path: root)
        }
        self.root = root
    }

    func path(_ folder: String, _ id: String, _ fileExtension: String) -> String {
        precondition(ImageIDList.problem(with: id) == nil, "'\(id)' is not an image id")
        return (root as NSString).appendingPathComponent("\(folder)/\(id).\(fileExtension)")
    }

    /// JPEGImages/<id>.jpg, or JPEGImages/<id>.png when only that exists (`irn synth` writes PNG).
    public func imagePath(_ id: String) -> String {
        let jpeg = path("JPEGImages", id, "jpg")
        if FileManager.default.fileExists(atPath: jpeg) { return jpeg }
        let png = path("JPEGImages", id, "png")
        return FileManager.default.fileExists(atPath: png) ? png : jpeg
    }
    public func annotationPath(_ id: String) -> String { path("Annotations", id, "xml") }
    public func classMapPath(_ id: String) -> String { path("SegmentationClass", id, "png") }
    public func objectMapPath(_ id: String) -> String { path("SegmentationObject", id, "png") }

    /// The list file a `--list` argument names: the path itself if it exists, else a split name
    /// ("val") under ImageSets/Segmentation.
    public func listPath(_ argument: String) -> String {
        if FileManager.default.fileExists(atPath: argument) || argument.contains("/") { return argument }
        let split = (root as NSString).appendingPathComponent("ImageSets/Segmentation/\(argument).txt")
        return FileManager.default.fileExists(atPath: split) ? split : argument
    }

    /// The ids of a list (see `listPath`).
    public func ids(list argument: String) throws -> [String] {
        let path = listPath(argument)
        guard FileManager.default.fileExists(atPath: path) else {
            throw DatasetError.missingFile(path: path, role: "image list")
        }
        return try ImageIDList.read(path)
    }

    /// The 0-based classes named anywhere in the image's annotation, ascending and distinct.
    public func imageLabels(_ id: String) throws -> [Int] {
        let path = annotationPath(id)
        try Self.requireFile(path, role: "annotation")
        let annotation = try VOCAnnotation.read(path)
        return Set(annotation.names.compactMap { Self.categoryNames.firstIndex(of: $0) }).sorted()
    }

    /// The ground-truth class map (0 background, 1...20, 255 void).
    public func classMap(_ id: String) throws -> LabelMap {
        let path = classMapPath(id)
        try Self.requireFile(path, role: "ground-truth class map")
        return try LabelMapFile.read(path)
    }

    /// The ground-truth instances, as chainercv's VOCInstanceSegmentationDataset builds them.
    public func instances(_ id: String) throws -> (instances: GroundTruthInstances, height: Int, width: Int) {
        let classes = try classMap(id)
        let objectPath = objectMapPath(id)
        try Self.requireFile(objectPath, role: "ground-truth instance map")
        let objects = try LabelMapFile.read(objectPath)
        let instances = try Self.instances(classMap: classes, objectMap: objects, path: objectPath)
        return (instances, classes.height, classes.width)
    }

    /// Instances from a class map and an object map: one per distinct object value other than
    /// 0 and 255, ascending; its class is the smallest class value under it (void read as −1)
    /// minus 1, which must be a foreground class.
    public static func instances(classMap: LabelMap, objectMap: LabelMap, path: String) throws -> GroundTruthInstances {
        guard classMap.width == objectMap.width, classMap.height == objectMap.height else {
            throw DatasetError.badFile(path: path, reason: "instance map is \(objectMap.width)x\(objectMap.height), class map \(classMap.width)x\(classMap.height)")
        }
        var present = [Bool](repeating: false, count: 256)
        for value in objectMap.values { present[Int(value)] = true }
        let ids = (1..<255).filter { present[$0] }
        let n = objectMap.values.count
        var masks = [Bool](repeating: false, count: ids.count * n)
        var labels: [Int] = []
        for (k, instance) in ids.enumerated() {
            var smallest = Int.max
            for pixel in 0..<n where Int(objectMap.values[pixel]) == instance {
                masks[k * n + pixel] = true
                let value = classMap.values[pixel]
                smallest = min(smallest, value == 255 ? -1 : Int(value))
            }
            guard smallest >= 1 else {
                throw DatasetError.badFile(path: path, reason: "instance \(instance) lies on \(smallest == 0 ? "background" : "void") pixels of the class map")
            }
            labels.append(smallest - 1)
        }
        return GroundTruthInstances(masks: InstanceMasks(count: ids.count, pixelCount: n, values: masks), labels: labels)
    }

    static func requireFile(_ path: String, role: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DatasetError.missingFile(path: path, role: role)
        }
    }
}
