// StageOutputs: where the pipeline's steps put one image's outputs and how they are written
// (DESIGN §4, §5): OUT/cam/<stem>.npz, OUT/boundary/<stem>.npz, OUT/ir_label/<stem>.png,
// OUT/sem_seg/<stem>.png and OUT/ins_seg/<stem>.{npz,png,json}. The single-image commands and
// the whole-dataset run (DatasetRun) write through this one type, so their files are the same;
// every file is written atomically (FileIO), so a file that exists is complete.
import Codecs
import Instances

/// The steps of the pipeline, in the order they run.
public enum PipelineStep: String, CaseIterable, Comparable, Sendable {
    case cam
    case boundary
    case irLabel = "ir-label"
    case semSeg = "sem-seg"
    case insSeg = "ins-seg"

    /// The step's folder under the output folder.
    public var folder: String {
        switch self {
        case .cam: return "cam"
        case .boundary: return "boundary"
        case .irLabel: return "ir_label"
        case .semSeg: return "sem_seg"
        case .insSeg: return "ins_seg"
        }
    }

    /// The extensions of the files one image gets from this step.
    public var fileExtensions: [String] {
        switch self {
        case .cam, .boundary: return ["npz"]
        case .irLabel, .semSeg: return ["png"]
        case .insSeg: return ["npz", "png", "json"]
        }
    }

    /// The steps whose files this step reads.
    public var inputs: [PipelineStep] {
        switch self {
        case .cam, .boundary: return []
        case .irLabel: return [.cam]
        case .semSeg, .insSeg: return [.cam, .boundary]
        }
    }

    public static func < (a: PipelineStep, b: PipelineStep) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public struct StageOutputs: Sendable {
    /// The output folder (OUT).
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// OUT/<step folder>/<stem>.<extension>.
    public func path(_ step: PipelineStep, _ stem: String, _ fileExtension: String) -> String {
        precondition(step.fileExtensions.contains(fileExtension), "\(step) writes no .\(fileExtension) file")
        return file(step, "\(stem).\(fileExtension)")
    }

    /// OUT/<step folder>/<name>.
    private func file(_ step: PipelineStep, _ name: String) -> String {
        (folder.hasSuffix("/") ? folder : folder + "/") + "\(step.folder)/\(name)"
    }

    /// The first file of `step` for `stem` (the .npz of ins-seg).
    public func primaryPath(_ step: PipelineStep, _ stem: String) -> String {
        path(step, stem, step.fileExtensions[0])
    }

    /// OUT/cam/<stem>.npy: where the reference's make_cam step puts an image's CAMs (a pickled
    /// dict, CAMFile+Reference.swift); read in place of a missing OUT/cam/<stem>.npz.
    public func referenceCAMPath(_ stem: String) -> String {
        file(.cam, "\(stem).npy")
    }

    /// Every file of `step` for `stem`.
    public func paths(_ step: PipelineStep, _ stem: String) -> [String] {
        step.fileExtensions.map { path(step, stem, $0) }
    }

    @discardableResult
    public func write(cam: CAMFile, stem: String) throws -> String {
        let path = primaryPath(.cam, stem)
        try cam.save(to: path)
        return path
    }

    @discardableResult
    public func write(boundary: BoundaryFile, stem: String) throws -> String {
        let path = primaryPath(.boundary, stem)
        try boundary.save(to: path)
        return path
    }

    /// The confident labels (one channel: 0 background, 1... class, 255 unsure) as 8-bit grey.
    @discardableResult
    public func write(relationLabels: Image, stem: String) throws -> String {
        let path = primaryPath(.irLabel, stem)
        try FileIO.writeAtomically(RelationMiningFiles.labelPNG(relationLabels), to: path)
        return path
    }

    /// The semantic label map as a VOC-palette PNG.
    @discardableResult
    public func write(semanticLabels labels: [UInt8], height: Int, width: Int, stem: String) throws -> String {
        let path = primaryPath(.semSeg, stem)
        try FileIO.writeAtomically(LabelFiles.semanticPNG(labels, height: height, width: width), to: path)
        return path
    }

    /// The instances as .npz, index-map .png and .json (in that order; the .json comes last).
    @discardableResult
    public func write(instances: DetectedInstances, stem: String) throws -> [String] {
        let paths = paths(.insSeg, stem)
        try FileIO.writeAtomically(LabelFiles.instanceNPZ(instances), to: paths[0])
        try FileIO.writeAtomically(LabelFiles.instancePNG(instances), to: paths[1])
        try FileIO.writeAtomically(Array(LabelFiles.instanceJSON(instances, image: stem).utf8), to: paths[2])
        return paths
    }
}
