// LabelFiles: the outputs of the label stages (DESIGN §5). sem_seg/<stem>.png is a palette PNG
// of class values (0 background, key + 1 for class `key`, VOC palette). ins_seg/<stem>.npz holds
// score float32[N], mask uint8[N, H, W], class int64[N] in the reference's order;
// ins_seg/<stem>.png is the instance index map (0 none, i + 1 for row i of the npz; rows past
// 254 are left out of the PNG) and ins_seg/<stem>.json lists each instance's index, class id,
// class name, score and pixel count.
import Codecs
import Instances
import Foundation

public enum LabelFiles {
    /// The palette PNG of a label map of `height` × `width` values.
    public static func semanticPNG(_ labels: [UInt8], height: Int, width: Int) -> [UInt8] {
        PNG.encodeIndexed(Image(width: width, height: height, channels: 1, pixels: labels), palette: VOCPalette.rgb)
    }

    /// The ins-seg .npz: score, mask, class.
    public static func instanceNPZ(_ instances: DetectedInstances) -> [UInt8] {
        NPZ.encode([
            ("score", NPYArray(float32: instances.scores, shape: [instances.count])),
            ("mask", NPYArray(uint8: instances.masks, shape: [instances.count, instances.height, instances.width])),
            ("class", NPYArray(int64: instances.classes.map { Int64($0) }, shape: [instances.count])),
        ])
    }

    /// Reads an ins-seg .npz back.
    public static func decodeInstances(_ bytes: [UInt8], file: String = "<memory>") throws -> DetectedInstances {
        let archive = try StageArchive(bytes, file: file)
        let scores = try archive.floatsAllowingNaN("score")
        let classes = try archive.integers("class")
        let mask = try archive.array("mask")
        guard mask.shape.count == 3, mask.shape[0] == scores.count, mask.dtype.size == 1 else {
            throw archive.fail("mask", "expected uint8[\(scores.count), H, W], found \(mask.dtype.rawValue) \(mask.shape)")
        }
        guard classes.count == scores.count else {
            throw archive.fail("class", "expected \(scores.count) entries, found \(classes.count)")
        }
        return DetectedInstances(height: mask.shape[1], width: mask.shape[2], scores: scores, classes: classes,
                                 masks: mask.uint8s().map { $0 == 0 ? 0 : 1 })
    }

    /// The instance index map: 0 where no instance is, i + 1 inside instance i (i < 255).
    public static func instanceIndexMap(_ instances: DetectedInstances) -> [UInt8] {
        let plane = instances.height * instances.width
        var map = [UInt8](repeating: 0, count: plane)
        for i in 0 ..< min(instances.count, 255) {
            let value = UInt8(i + 1)
            for p in 0 ..< plane where instances.masks[i * plane + p] != 0 && map[p] == 0 { map[p] = value }
        }
        return map
    }

    public static func instancePNG(_ instances: DetectedInstances) -> [UInt8] {
        PNG.encodeIndexed(Image(width: instances.width, height: instances.height, channels: 1,
                                pixels: instanceIndexMap(instances)), palette: VOCPalette.rgb)
    }

    /// The per-instance summary as JSON text (keys in a fixed order; a non-finite score is null).
    public static func instanceJSON(_ instances: DetectedInstances, image: String) -> String {
        let plane = instances.height * instances.width
        var rows: [String] = []
        for i in 0 ..< instances.count {
            let pixels = instances.masks[i * plane ..< (i + 1) * plane].reduce(0) { $0 + Int($1) }
            let score = instances.scores[i]
            let key = instances.classes[i]
            rows.append("    {\"index\": \(i + 1), \"class\": \(key), \"class_name\": \(quoted(VOCClasses.name(of: key))), "
                        + "\"score\": \(score.isFinite ? "\(score)" : "null"), \"pixels\": \(pixels)}")
        }
        return """
            {
              "image": \(quoted(image)),
              "height": \(instances.height),
              "width": \(instances.width),
              "instances": [
            \(rows.joined(separator: ",\n"))
              ]
            }

            """
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }
}

extension StageArchive {
    /// A 1-D float array whose values may be NaN (scores of the reference may be).
    func floatsAllowingNaN(_ name: String) throws -> [Float] {
        let array = try array(name)
        guard [.float32, .float64, .float16].contains(array.dtype), array.shape.count == 1 else {
            throw fail(name, "expected float32[N], found \(array.dtype.rawValue) \(array.shape)")
        }
        return array.floats()
    }
}
