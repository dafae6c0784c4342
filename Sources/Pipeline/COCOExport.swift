// COCOExport: instance predictions as a COCO "instances" document (DESIGN §5 `coco.json`) for
// Detectron2, MMDetection and pycocotools: `images` (id from 1 in list order, file_name, height,
// width), `categories` (id = 0-based class + 1), and `annotations` with the mask as compressed
// RLE (COCORLE.swift), its area, bounding box [x, y, w, h], score and iscrowd 0. Instances below
// the minimum score and empty masks are left out.
import Checkpoints

public struct COCOExport {
    /// One image of the document.
    public struct ImageEntry: Equatable, Sendable {
        public var fileName: String
        public var height: Int
        public var width: Int
        public var instances: InstancePrediction?

        public init(fileName: String, height: Int, width: Int, instances: InstancePrediction?) {
            self.fileName = fileName
            self.height = height
            self.width = width
            self.instances = instances
        }
    }

    public var categoryNames: [String]
    public var minimumScore: Float

    /// What the last `document` call left out.
    public private(set) var skippedBelowScore = 0
    public private(set) var skippedEmpty = 0

    public init(categoryNames: [String] = VOCDataset.categoryNames, minimumScore: Float = 0) {
        self.categoryNames = categoryNames
        self.minimumScore = minimumScore
    }

    /// The COCO document of `images`. Instances must use classes below `categoryNames.count`.
    public mutating func document(_ images: [ImageEntry]) -> JSONValue {
        skippedBelowScore = 0
        skippedEmpty = 0
        var imageValues: [JSONValue] = []
        var annotations: [JSONValue] = []
        for (index, image) in images.enumerated() {
            let imageID = index + 1
            var entry = JSONObject()
            entry["id"] = .integer(imageID)
            entry["file_name"] = .string(image.fileName)
            entry["height"] = .integer(image.height)
            entry["width"] = .integer(image.width)
            imageValues.append(.object(entry))
            guard let instances = image.instances else { continue }
            precondition(instances.count == 0 || (instances.height == image.height && instances.width == image.width),
                         "masks of \(image.fileName) differ from the image size")
            for k in 0..<instances.count {
                let score = instances.scores[k]
                guard score >= minimumScore else { skippedBelowScore += 1; continue }
                precondition(instances.classes[k] < categoryNames.count, "class \(instances.classes[k]) has no category")
                let rle = COCORLE(rowMajor: instances.mask(k), height: image.height, width: image.width)
                guard rle.area > 0 else { skippedEmpty += 1; continue }
                var segmentation = JSONObject()
                segmentation["size"] = .array([.integer(image.height), .integer(image.width)])
                segmentation["counts"] = .string(rle.countsString)
                var annotation = JSONObject()
                annotation["id"] = .integer(annotations.count + 1)
                annotation["image_id"] = .integer(imageID)
                annotation["category_id"] = .integer(instances.classes[k] + 1)
                annotation["segmentation"] = .object(segmentation)
                annotation["area"] = .integer(rle.area)
                annotation["bbox"] = .array(rle.boundingBox.map { .integer($0) })
                annotation["score"] = score.isFinite ? .number(Double(score)) : .null
                annotation["iscrowd"] = .integer(0)
                annotations.append(.object(annotation))
            }
        }
        var categories: [JSONValue] = []
        for (index, name) in categoryNames.enumerated() {
            var category = JSONObject()
            category["id"] = .integer(index + 1)
            category["name"] = .string(name)
            category["supercategory"] = .string("object")
            categories.append(.object(category))
        }
        var document = JSONObject()
        document["images"] = .array(imageValues)
        document["annotations"] = .array(annotations)
        document["categories"] = .array(categories)
        return .object(document)
    }
}
