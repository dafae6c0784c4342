// DatasetEvaluation: scoring a folder of stage outputs against ground truth (a VOC folder, or a
// GroundTruthFolder of a custom dataset), as
// IRNet's step/eval_sem_seg.py, eval_ins_seg.py and eval_cam.py do with chainercv's datasets:
// sem_seg PNGs (unsure 255 read as background) by confusion matrix, ins_seg npz by VOC AP^r,
// cam npz (`high_res`, `keys`) by mIoU at one or many background thresholds; for ins_seg and
// cam the reference's own `<id>.npy` files are read where no `<id>.npz` is. A missing
// prediction counts as all background / no instances and is reported, never skipped, so
// scores stay comparable (DESIGN §4 `irn eval`; metrics: the Evaluation module).
import Foundation
import Evaluation

public enum DatasetEvaluation {
    /// The file of image `id` in a stage output folder.
    public static func predictionPath(_ folder: String, _ id: String, _ fileExtension: String) -> String {
        (folder as NSString).appendingPathComponent("\(id).\(fileExtension)")
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// The stored array file of `id` in `folder`: `<id>.npz`, or else the reference's own
    /// `<id>.npy` (a pickled dict, as its make_cam and ins-seg steps save them); nil if neither.
    public static func arrayFile(_ folder: String, _ id: String) -> String? {
        let archive = predictionPath(folder, id, "npz")
        if exists(archive) { return archive }
        let reference = predictionPath(folder, id, "npy")
        return exists(reference) ? reference : nil
    }

    /// The confusion matrix of sem_seg/<id>.png over `ids`, and the ids without a prediction.
    public static func semantic(dataset: some GroundTruthSource, ids: [String], predictions folder: String) throws
        -> (confusion: ConfusionMatrix, missing: [String]) {
        var confusion = ConfusionMatrix()
        var missing: [String] = []
        for id in ids {
            let truth = try dataset.classMap(id)
            let path = predictionPath(folder, id, "png")
            var predicted: [UInt8]
            if exists(path) {
                let map = try LabelMapFile.read(path)
                guard map.width == truth.width, map.height == truth.height else {
                    throw DatasetError.badFile(path: path, reason: "prediction is \(map.width)x\(map.height), ground truth \(truth.width)x\(truth.height)")
                }
                predicted = map.values
                for k in predicted.indices where predicted[k] == 255 { predicted[k] = 0 }
            } else {
                missing.append(id)
                predicted = [UInt8](repeating: 0, count: truth.values.count)
            }
            confusion.accumulate(prediction: predicted, groundTruth: truth.values)
        }
        return (confusion, missing)
    }

    /// VOC AP^r of ins_seg/<id>.npz over `ids` at `iouThresholds`, and the ids without a
    /// prediction.
    public static func instances(dataset: some GroundTruthSource, ids: [String], predictions folder: String,
                                 iouThresholds: [Double]) throws
        -> (evaluator: InstanceSegmentationEvaluator, missing: [String]) {
        var evaluator = InstanceSegmentationEvaluator(iouThresholds: iouThresholds)
        var missing: [String] = []
        for id in ids {
            let truth = try dataset.instances(id)
            let pixels = truth.height * truth.width
            var prediction = PredictedInstances(masks: .empty(pixelCount: pixels), labels: [], scores: [])
            if let path = arrayFile(folder, id) {
                let stored = try PredictionFiles.readInstances(path)
                guard stored.count == 0 || (stored.height == truth.height && stored.width == truth.width) else {
                    throw DatasetError.badFile(path: path, reason: "masks are \(stored.width)x\(stored.height), ground truth \(truth.width)x\(truth.height)")
                }
                if stored.count > 0 {
                    prediction = PredictedInstances(
                        masks: InstanceMasks(count: stored.count, pixelCount: pixels, bytes: stored.masks),
                        labels: stored.classes, scores: stored.scores.map { Double($0) })
                }
            } else {
                missing.append(id)
            }
            evaluator.add(prediction: prediction, groundTruth: truth.instances)
        }
        return (evaluator, missing)
    }

    /// CAM labels of cam/<id>.npz over `ids` at every threshold, and the ids without a
    /// prediction.
    public static func cams(dataset: some GroundTruthSource, ids: [String], predictions folder: String,
                            thresholds: [Float]) throws -> (sweep: CAMThresholdSweep, missing: [String]) {
        var sweep = CAMThresholdSweep(thresholds: thresholds)
        var missing: [String] = []
        for id in ids {
            let truth = try dataset.classMap(id)
            if let path = arrayFile(folder, id) {
                let cam = try PredictionFiles.readCAM(path)
                guard cam.height == truth.height, cam.width == truth.width else {
                    throw DatasetError.badFile(path: path, reason: "high_res is \(cam.width)x\(cam.height), ground truth \(truth.width)x\(truth.height)")
                }
                sweep.accumulate(cams: cam.highRes, keys: cam.keys, groundTruth: truth.values)
            } else {
                missing.append(id)
                sweep.accumulate(cams: [], keys: [], groundTruth: truth.values)
            }
        }
        return (sweep, missing)
    }
}
