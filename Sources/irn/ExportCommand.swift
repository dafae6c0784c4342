// `irn export coco`: writes the instance outputs of a list of images (ins_seg/<id>.npz) as one
// COCO instances JSON file with RLE masks (DESIGN §5 `coco.json`), for training Detectron2 or
// MMDetection on the pseudo labels. With --voc-root, file names and the sizes of images without
// an ins_seg file come from the VOC folder; otherwise such images are left out, with a warning.
import Foundation
import Codecs
import Checkpoints
import Pipeline

enum ExportCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "export",
        summary: "Export instance outputs as COCO JSON with RLE masks",
        usage: "coco --ins-dir DIR --list FILE --out FILE.json [--min-score S] [--voc-root DIR]",
        options: [
            OptionSpec("ins-dir", "DIR", "Folder of ins_seg/<id>.npz files"),
            OptionSpec("list", "FILE", "Image ids, one per line (or a split name under --voc-root)"),
            OptionSpec("out", "FILE", "The COCO JSON file to write"),
            OptionSpec("min-score", "S", "Leave out instances scoring below S (default 0)"),
            OptionSpec("voc-root", "DIR", "VOC folder: file names and sizes of images without instances"),
        ],
        examples: ["irn export coco --ins-dir out/ins_seg --list train.txt --out out/coco.json --min-score 0.1"],
        positionalRange: 1...1)

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        guard arguments.positional[0] == "coco" else {
            throw UsageError(message: "unknown export format '\(arguments.positional[0])'", hint: "use 'irn export coco'")
        }
        let folder = try arguments.requiredString("ins-dir", spec: spec)
        let list = try arguments.requiredString("list", spec: spec)
        let output = try arguments.requiredString("out", spec: spec)
        let minimumScore = try arguments.double("min-score", default: 0)
        let dataset = try arguments.string("voc-root").map { try VOCDataset(root: $0) }
        guard FileIOFolders.isFolder(folder) else {
            throw CommandFailure(message: "no such folder: \(folder)", hint: "--ins-dir names the folder 'irn ins-seg' wrote, e.g. out/ins_seg")
        }
        let ids: [String]
        if let dataset {
            ids = try dataset.ids(list: list)
        } else {
            guard FileManager.default.fileExists(atPath: list) else { throw DatasetError.missingFile(path: list, role: "image list") }
            ids = try ImageIDList.read(list)
        }
        var images: [COCOExport.ImageEntry] = []
        var missing: [String] = []
        for id in ids {
            var annotation: VOCAnnotation?
            if let dataset, FileManager.default.fileExists(atPath: dataset.annotationPath(id)) {
                annotation = try VOCAnnotation.read(dataset.annotationPath(id))
            }
            let fileName = annotation?.fileName ?? "\(id).jpg"
            if let path = DatasetEvaluation.arrayFile(folder, id) {
                let instances = try PredictionFiles.readInstances(path)
                images.append(.init(fileName: fileName, height: instances.height, width: instances.width, instances: instances))
                continue
            }
            missing.append(id)
            guard let dataset else { continue }
            if let width = annotation?.width, let height = annotation?.height, width > 0, height > 0 {
                images.append(.init(fileName: fileName, height: height, width: width, instances: nil))
            } else {
                let image = try ImageFiles.load(dataset.imagePath(id))
                images.append(.init(fileName: fileName, height: image.height, width: image.width, instances: nil))
            }
        }
        var export = COCOExport(minimumScore: Float(minimumScore))
        for image in images {
            if let bad = image.instances?.classes.first(where: { $0 >= export.categoryNames.count }) {
                throw CommandFailure(message: "\(image.fileName): class \(bad) is not one of the \(export.categoryNames.count) VOC classes",
                                     hint: "ins_seg classes are 0-based VOC classes (0...19)")
            }
        }
        let document = export.document(images)
        try FileIO.writeAtomically(Array((document.serialized + "\n").utf8), to: output)
        if case .object(let object) = document, case .array(let annotations)? = object["annotations"] {
            console.err("wrote \(output): \(images.count) images, \(annotations.count) instances"
                        + (export.skippedBelowScore > 0 ? ", \(export.skippedBelowScore) below --min-score left out" : "")
                        + (export.skippedEmpty > 0 ? ", \(export.skippedEmpty) empty masks left out" : ""))
        }
        if !missing.isEmpty {
            let shown = missing.prefix(3).joined(separator: ", ") + (missing.count > 3 ? ", ..." : "")
            let fate = dataset == nil ? "left out (give --voc-root to keep them as images without instances)" : "kept without instances"
            console.err("irn: warning: \(missing.count) of \(ids.count) images have no ins_seg file in \(folder) (\(shown)); \(fate)")
        }
    }
}
