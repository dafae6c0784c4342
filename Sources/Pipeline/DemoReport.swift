// DemoReport: the demo's results as a reader sees them, modelled on the IRNet paper's Tables
// 1 and 2 (CAMs versus the random walk's pseudo labels by mIoU; instance AP^r as boundary and
// displacement are added): a plain-text table for the terminal and an HTML page (index.html)
// with the same table and the scenes' panels.
import Evaluation

public struct DemoReport: Sendable {
    public var options: DemoOptions
    public var origin: String
    public var trained: Bool
    public var scores: DemoScores
    public var ids: [String]
    /// Scenes with a panel in vis/<id>.png.
    public var panelIDs: [String]
    /// Wall time of the scenes' processing (0 without a clock).
    public var seconds: Double
    /// The search that chose `options.settings` (nil: the settings were given).
    public var tuning: DemoTuning.Result?

    public init(options: DemoOptions, models: DemoModels, scores: DemoScores, ids: [String], panelIDs: [String],
                seconds: Double, tuning: DemoTuning.Result? = nil) {
        self.options = options
        origin = models.origin
        trained = models.trained
        self.scores = scores
        self.ids = ids
        self.panelIDs = panelIDs
        self.seconds = seconds
        self.tuning = tuning
    }

    /// A percentage with one decimal ("48.3"), "n/a" for NaN.
    public static func percent(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let tenths = Int((value * 1000).rounded())
        return (tenths < 0 ? "-" : "") + "\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    static func threshold(_ value: Float) -> String {
        let hundredths = Int((value * 100).rounded())
        return "0.\(hundredths < 10 ? "0" : "")\(hundredths)"
    }

    /// Rows of Table 1 (label, mIoU).
    public var semanticRows: [(String, String)] {
        [
            ("CAM (background \(Self.threshold(scores.camThresholds[0])), the reference's)", Self.percent(scores.camMeanIoU)),
            ("CAM (background \(Self.threshold(scores.camThresholds[1])), " + (tuning == nil ? "given)" : "tuned)"),
             Self.percent(scores.tunedCAMMeanIoU)),
            ("Semantic pseudo labels (CAM + random walk)", Self.percent(scores.semanticMeanIoU)),
        ]
    }

    /// Where the settings came from, in one line.
    public var settingsLine: String {
        let s = options.settings
        let values = "beta \(Self.decimal(Double(s.beta))), semantic background \(Self.threshold(s.semanticBackground)), "
            + "instance background \(Self.threshold(s.instanceBackground)), CAM background \(Self.threshold(s.camBackground))"
        guard let tuning else { return "settings (given): " + values }
        return "settings chosen on \(tuning.tuning.count) tuning scenes (seed \(tuning.tuning.seed)), not on the scenes scored here: " + values
    }

    /// The search's grids as text (empty without a search): semantic mIoU per β and background,
    /// AP50 of IRNet's instances and CAM mIoU per background, on the tuning scenes.
    public var tuningTable: String {
        guard let tuning else { return "" }
        var lines = ["Tuning on \(tuning.tuning.count) scenes (seed \(tuning.tuning.seed)); " + settingsLine.split(separator: ":", maxSplits: 1)[1].dropFirst(), ""]
        let header = pad("", 22) + tuning.searchedBackgrounds.map { leftPad(Self.threshold($0), 6) }.joined()
        lines.append("semantic mIoU (%), background:")
        lines.append(header)
        for (beta, row) in zip(tuning.searchedBetas, tuning.semanticGrid) {
            lines.append(pad("beta \(Self.decimal(Double(beta)))", 22) + row.map { leftPad(Self.percent($0), 6) }.joined())
        }
        lines.append("")
        lines.append("IRN instances AP50 (%) at beta \(Self.decimal(Double(tuning.settings.beta))), background:")
        lines.append(header)
        lines.append(pad("", 22) + tuning.instanceGrid.map { leftPad(Self.percent($0), 6) }.joined())
        lines.append("")
        lines.append("CAM mIoU (%), background:")
        lines.append(pad("", 22) + tuning.tuning.backgrounds.map { leftPad(Self.threshold($0), 6) }.joined())
        lines.append(pad("", 22) + tuning.camGrid.map { leftPad(Self.percent($0), 6) }.joined())
        return lines.joined(separator: "\n")
    }

    /// Rows of Table 2 (method, AP25, AP50, AP70, AP75).
    public var instanceRows: [(String, [String])] {
        DemoScores.Method.allCases.map { method in
            (method.rawValue, InstanceSegmentationEvaluator.standardThresholds.map { Self.percent(scores.averagePrecision(method, iou: $0)) })
        }
    }

    /// The report as text for the terminal.
    public var table: String {
        var lines: [String] = []
        lines.append("IRN demo: \(scores.sceneCount) synthetic scenes of \(options.sceneSize)x\(options.sceneSize) "
                     + "(seed \(options.seed)), \(scores.groundTruthInstances) instances, \(scores.touchingInstances) touching another")
        lines.append("weights: \(origin)" + (trained ? "" : " — numbers are meaningless until the networks are trained"))
        lines.append(settingsLine)
        lines.append("")
        lines.append("Table 1. Semantic labels                        mIoU (%)")
        for (label, value) in semanticRows { lines.append(pad(label, 48) + leftPad(value, 8)) }
        lines.append("")
        lines.append("Table 2. Instance labels                 " + InstanceSegmentationEvaluator.standardThresholds.map {
            leftPad("AP\(Int(($0 * 100).rounded()))", 7)
        }.joined())
        for (label, values) in instanceRows { lines.append(pad(label, 41) + values.map { leftPad($0, 7) }.joined()) }
        lines.append("")
        lines.append("CAM only: 4-connected components of the CAM argmax, scored by the CAM maximum inside; "
                     + "+ boundary: components of the random walk's labels, scored by the walked maximum; "
                     + "+ displacement: IRNet's instances.")
        if seconds > 0 {
            let perScene = seconds / Double(max(1, scores.sceneCount))
            lines.append("time: \(Self.decimal(seconds)) s (\(Self.decimal(perScene * 1000)) ms per scene)")
        }
        return lines.joined(separator: "\n")
    }

    public static func decimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }

    static func escaped(_ text: String) -> String {
        text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;").replacingAll("\"", "&quot;")
    }

    /// The page showing the tables and the panels vis/<id>.png.
    public var html: String {
        var body: [String] = []
        body.append("<h1>IRN demo</h1>")
        body.append("<p>\(Self.escaped("\(scores.sceneCount) synthetic scenes of \(options.sceneSize)×\(options.sceneSize) (seed \(options.seed)), \(scores.groundTruthInstances) ground-truth instances, \(scores.touchingInstances) of them touching another. Weights: \(origin)."))</p>")
        body.append("<p>\(Self.escaped(settingsLine)).</p>")
        if !trained {
            body.append("<p><strong>The networks are untrained: the numbers only show that every stage runs.</strong></p>")
        }
        body.append("<h2>Table 1. Semantic labels</h2>")
        body.append("<table><tr><th>labels</th><th>mIoU (%)</th></tr>")
        for (label, value) in semanticRows {
            body.append("<tr><td>\(Self.escaped(label))</td><td>\(value)</td></tr>")
        }
        body.append("</table>")
        body.append("<h2>Table 2. Instance labels</h2>")
        body.append("<table><tr><th>method</th>" + InstanceSegmentationEvaluator.standardThresholds.map {
            "<th>AP<sub>\(Int(($0 * 100).rounded()))</sub> (%)</th>"
        }.joined() + "</tr>")
        for (label, values) in instanceRows {
            body.append("<tr><td>\(Self.escaped(label))</td>" + values.map { "<td>\($0)</td>" }.joined() + "</tr>")
        }
        body.append("</table>")
        body.append("<p>CAM only: 4-connected components of the CAM argmax, scored by the CAM maximum inside. "
                    + "+ boundary: components of the random walk's labels, scored by the walked maximum. "
                    + "+ displacement: IRNet's instances (centroids of the displacement field, per-instance walk).</p>")
        if tuning != nil {
            body.append("<h2>Tuning</h2>")
            body.append("<pre>\(Self.escaped(tuningTable))</pre>")
        }
        body.append("<h2>Scenes</h2>")
        let captions = DemoPanel.captions.map { $0.joined(separator: " · ") }
        body.append("<p>Top row: \(Self.escaped(captions[0])).<br>Bottom row: \(Self.escaped(captions[1])).</p>")
        for id in panelIDs {
            body.append("<figure><img src=\"vis/\(Self.escaped(id)).png\" alt=\"\(Self.escaped(id))\"><figcaption>\(Self.escaped(id))</figcaption></figure>")
        }
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>IRN demo</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}img{image-rendering:pixelated;width:100%;max-width:1200px}</style>
            </head><body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }
}

extension String {
    /// Every occurrence of `target` replaced (Foundation-free).
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
