// EvalReport: how `irn eval` prints its metrics: an aligned table (class name, then one column
// per number, NaN shown as "-" for classes absent from both prediction and ground truth) ending
// with the mean, or one JSON object (NaN as null) for scripts. Numbers are the Evaluation
// module's, printed with 4 decimals in tables and in full in JSON.
import Checkpoints
import Evaluation
import Pipeline

struct EvalReport {
    var table: String
    var fields: JSONObject

    func json(images: Int, missing: Int) -> String {
        var object = JSONObject()
        object["images"] = .integer(images)
        object["missing_predictions"] = .integer(missing)
        for (key, value) in fields.members { object[key] = value }
        return JSONValue.object(object).serialized
    }

    static func number(_ value: Double) -> JSONValue { value.isFinite ? .number(value) : .null }

    static func numbers(_ values: [Double]) -> JSONValue { .array(values.map(number)) }

    static func formatted(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let scaled = (value * 10_000).rounded()
        let sign = scaled < 0 ? "-" : ""
        let magnitude = Int(abs(scaled))
        let fraction = String(magnitude % 10_000)
        return sign + String(magnitude / 10_000) + "." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }

    /// Rows of cells, left column left-aligned, the others right-aligned.
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column -> String in
                let cell = row[column]
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func className(_ index: Int, background: Bool) -> String {
        let names = background ? ["background"] + VOCDataset.categoryNames : VOCDataset.categoryNames
        return index < names.count ? names[index] : "class \(index)"
    }

    /// IRNet's eval_sem_seg output: IoU, fp and fn per class, the background's fp/fn, the
    /// foreground means and the mIoU.
    static func semantic(_ confusion: ConfusionMatrix) -> EvalReport {
        let cut = confusion.leading(21)
        let summary = SemanticSummary(confusion)
        let fp = cut.falsePositiveShare, fn = cut.falseNegativeShare
        let rows = (0..<cut.classCount).map { k in
            [className(k, background: true), formatted(summary.intersectionOverUnion[k]), formatted(fp[k]), formatted(fn[k])]
        }
        var lines = [render(["class", "IoU", "fp", "fn"], rows), ""]
        lines.append("background fp \(formatted(summary.backgroundFalsePositive))  fn \(formatted(summary.backgroundFalseNegative))")
        lines.append("foreground mean fp \(formatted(summary.foregroundFalsePositive))  fn \(formatted(summary.foregroundFalseNegative))")
        lines.append("mIoU \(formatted(summary.meanIntersectionOverUnion))")
        var fields = JSONObject()
        fields["classes"] = .array((0..<cut.classCount).map { .string(className($0, background: true)) })
        fields["iou"] = numbers(summary.intersectionOverUnion)
        fields["miou"] = number(summary.meanIntersectionOverUnion)
        fields["fp"] = numbers(fp)
        fields["fn"] = numbers(fn)
        fields["background_fp"] = number(summary.backgroundFalsePositive)
        fields["background_fn"] = number(summary.backgroundFalseNegative)
        fields["foreground_mean_fp"] = number(summary.foregroundFalsePositive)
        fields["foreground_mean_fn"] = number(summary.foregroundFalseNegative)
        return EvalReport(table: lines.joined(separator: "\n"), fields: fields)
    }

    /// AP per class at each IoU threshold (one column each) and the mAPs.
    static func instances(_ results: [AveragePrecisionResult]) -> EvalReport {
        let classCount = max(VOCDataset.categoryNames.count, results.map(\.averagePrecision.count).max() ?? 0)
        func ap(_ result: AveragePrecisionResult, _ k: Int) -> Double {
            k < result.averagePrecision.count ? result.averagePrecision[k] : .nan
        }
        let header = ["class"] + results.map { "AP@\(short($0.iouThreshold))" }
        var rows = (0..<classCount).map { k in [className(k, background: false)] + results.map { formatted(ap($0, k)) } }
        rows.append(["mAP"] + results.map { formatted($0.meanAveragePrecision) })
        var fields = JSONObject()
        fields["classes"] = .array((0..<classCount).map { .string(className($0, background: false)) })
        fields["metric"] = .string(results.first?.metric == .voc2007 ? "voc2007" : "voc2010")
        fields["results"] = .array(results.map { result in
            var entry = JSONObject()
            entry["iou_threshold"] = .number(result.iouThreshold)
            entry["ap"] = numbers((0..<classCount).map { ap(result, $0) })
            entry["map"] = number(result.meanAveragePrecision)
            return .object(entry)
        })
        return EvalReport(table: render(header, rows), fields: fields)
    }

    /// The per-class IoU at the best threshold, then mIoU at every threshold swept.
    static func cams(_ sweep: CAMThresholdSweep) -> EvalReport {
        let scores = sweep.meanIntersectionOverUnions
        let best = sweep.best
        let index = best?.index ?? 0
        let iou = sweep.confusions[index].intersectionOverUnion
        var lines = [render(["class", "IoU"], iou.indices.map { [className($0, background: true), formatted(iou[$0])] }), ""]
        if sweep.thresholds.count > 1 {
            lines.append(render(["threshold", "mIoU"], sweep.thresholds.indices.map { [short(Double(sweep.thresholds[$0])), formatted(scores[$0])] }))
            lines.append("")
            lines.append("best threshold \(short(Double(sweep.thresholds[index])))  mIoU \(formatted(scores[index]))")
        } else {
            lines.append("threshold \(short(Double(sweep.thresholds[0])))  mIoU \(formatted(scores[0]))")
        }
        var fields = JSONObject()
        fields["classes"] = .array(iou.indices.map { .string(className($0, background: true)) })
        fields["thresholds"] = .array(sweep.thresholds.map { .number(Double($0)) })
        fields["miou"] = numbers(scores)
        fields["best_threshold"] = best.map { .number(Double($0.threshold)) } ?? .null
        fields["best_miou"] = best.map { number($0.meanIntersectionOverUnion) } ?? .null
        fields["iou"] = numbers(iou)
        return EvalReport(table: lines.joined(separator: "\n"), fields: fields)
    }

    /// A threshold without trailing noise ("0.15", not "0.15000000596").
    static func short(_ value: Double) -> String {
        "\(Float(value))"
    }
}
