// DemoOutput: the files of a demo run under one folder, in the layouts the other commands read,
// so every number of the report can be recomputed with `irn eval` on them:
//   scenes/                      the validation scenes as a VOC-style dataset (SyntheticDataset)
//   cam/<id>.npz                 CAMs (keys, cam, high_res, size)
//   boundary/<id>.npz            boundary and displacement maps
//   sem_seg/<id>.png             semantic pseudo labels
//   ins_seg/<id>.npz|png|json    IRN instances (+ displacement)
//   ins_seg_cam/, ins_seg_walk/  instances of CAM only and of + boundary (npz)
//   vis/<id>.png                 panels (DemoPanel); index.html and results.txt: the report;
//   tuning.txt                   the grids the settings were chosen from (DemoTuning)
// The stage files go through StageOutputs, as `irn run` writes them.
import Foundation

public struct DemoOutput: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    /// The VOC-style folder of the scenes.
    public var scenesRoot: String { path("scenes") }

    /// Writes one scene's ground truth, stage files and (if `panel`) its panel.
    public func write(_ result: DemoSceneResult, panel: Bool) throws {
        let id = result.scene.id
        try SyntheticDataset.write(result.scene, to: scenesRoot)
        let stages = StageOutputs(folder: root)
        try stages.write(cam: result.cam, stem: id)
        try stages.write(boundary: result.boundary, stem: id)
        try stages.write(semanticLabels: result.semantic, height: result.scene.height, width: result.scene.width, stem: id)
        try stages.write(instances: result.irnInstances, stem: id)
        try FileIO.writeAtomically(LabelFiles.instanceNPZ(result.camInstances), to: path("ins_seg_cam/\(id).npz"))
        try FileIO.writeAtomically(LabelFiles.instanceNPZ(result.walkInstances), to: path("ins_seg_walk/\(id).npz"))
        if panel {
            try ImageFiles.save(DemoPanel.render(result), to: path("vis/\(id).png"))
        }
    }

    /// The lists and labels of the scenes (all in val), index.html and results.txt.
    public func finish(ids: [String], labels: [[Int]], report: DemoReport) throws {
        _ = try SyntheticDataset.writeLists(ids: ids, labels: labels, validationCount: ids.count, to: scenesRoot)
        try FileIO.writeAtomically(Array(report.html.utf8), to: path("index.html"))
        try FileIO.writeAtomically(Array((report.table + "\n").utf8), to: path("results.txt"))
        if report.tuning != nil {
            try FileIO.writeAtomically(Array((report.tuningTable + "\n").utf8), to: path("tuning.txt"))
        }
    }
}
