// GroundTruthFolder: ground truth of a custom dataset for `irn eval` (DESIGN §4): a folder of
// class-index PNGs named <id>.png (0 background, k + 1 for 0-based class k, 255 void; indexed
// or 8-bit greyscale, as VOC's SegmentationClass) and, for instance evaluation, a folder of
// instance-index PNGs <id>.png (0 and 255 are no instance, as VOC's SegmentationObject).
// GroundTruthSource is what DatasetEvaluation reads; VOCDataset and this folder provide it.
import Foundation
import Evaluation

/// Per-image ground truth by id: the class map, and the instances with the map's size.
public protocol GroundTruthSource {
    func classMap(_ id: String) throws -> LabelMap
    func instances(_ id: String) throws -> (instances: GroundTruthInstances, height: Int, width: Int)
}

extension VOCDataset: GroundTruthSource {}

public struct GroundTruthFolder: GroundTruthSource, Sendable {
    /// Folder of class maps <id>.png.
    public let classes: String
    /// Folder of instance maps <id>.png; needed only for instances.
    public let objects: String?

    public init(classes: String, objects: String? = nil) throws {
        for folder in [classes] + (objects.map { [$0] } ?? []) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DatasetError.missingRoot(path: folder)
            }
        }
        self.classes = classes
        self.objects = objects
    }

    func path(_ folder: String, _ id: String) -> String {
        precondition(ImageIDList.problem(with: id) == nil, "'\(id)' is not an image id")
        return (folder as NSString).appendingPathComponent("\(id).png")
    }

    public func classMap(_ id: String) throws -> LabelMap {
        let file = path(classes, id)
        try VOCDataset.requireFile(file, role: "ground-truth class map")
        return try LabelMapFile.read(file)
    }

    public func instances(_ id: String) throws -> (instances: GroundTruthInstances, height: Int, width: Int) {
        guard let objects else {
            throw DatasetError.missingRoot(path: "(no folder of ground-truth instance maps given)")
        }
        let classMap = try classMap(id)
        let file = path(objects, id)
        try VOCDataset.requireFile(file, role: "ground-truth instance map")
        let instances = try VOCDataset.instances(classMap: classMap, objectMap: try LabelMapFile.read(file), path: file)
        return (instances, classMap.height, classMap.width)
    }
}
