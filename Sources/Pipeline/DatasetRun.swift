// DatasetRun: every step of the pipeline over a list of images (DESIGN §3, §4 `irn run`):
// cam → boundary → ir-label (relation mining) → sem-seg → ins-seg per image, with the same
// stage functions and writers as the single-image commands (classActivationMaps, boundaryMaps,
// RelationMiningFiles, WalkLabeling, StageOutputs), so each file equals theirs byte for byte.
// Resumable: a step whose files for an image exist is skipped and later steps read them back;
// outputs are atomic, and stale temporary files of a killed run are removed at the start.
// The networks are loaded once, on first need. Errors name the image.
import Codecs
import Dispatch
import Foundation
import Networks

public final class DatasetRun {
    public let configuration: DatasetRunConfiguration
    public let outputs: StageOutputs
    private var camNetwork: CAMNetwork?
    private var irNetwork: EdgeDisplacement?
    private var loadSeconds = 0.0
    private var stepSeconds: [PipelineStep: Double] = [:]
    private var stepImages: [PipelineStep: Int] = [:]
    /// Images whose label walk started from zero (WalkLabeling.walkStartsFromZero), in run order.
    private var zeroWalkIDs: [String] = []

    /// A run of `configuration`; networks given here are used instead of loading the
    /// configuration's checkpoints.
    public init(_ configuration: DatasetRunConfiguration, camNetwork: CAMNetwork? = nil,
                irNetwork: EdgeDisplacement? = nil) {
        self.configuration = configuration
        self.outputs = StageOutputs(folder: configuration.output)
        self.camNetwork = camNetwork
        self.irNetwork = irNetwork
    }

    /// The ids this process takes: the configuration's shard of the source's list.
    public var shardIDs: [String] { configuration.shard.select(configuration.source.ids) }

    /// Runs the configured steps over `ids` (by default this process's shard of the list), in
    /// order, calling `progress` after each image. Stops at the first failing image.
    @discardableResult
    public func run(ids: [String]? = nil, progress: ((DatasetRunProgress) -> Void)? = nil) throws -> DatasetRunSummary {
        let ids = ids ?? shardIDs
        let start = DispatchTime.now().uptimeNanoseconds
        let removed = removeStalePartialFiles(ids: Set(ids))
        var state = DatasetRunProgress(id: "", done: 0, total: ids.count, computed: 0, skipped: 0,
                                       elapsed: 0, computeSeconds: 0)
        for id in ids {
            let before = DispatchTime.now().uptimeNanoseconds
            if try process(id) {
                state.computed += 1
                state.computeSeconds += Self.seconds(since: before)
            } else {
                state.skipped += 1
            }
            state.done += 1
            state.id = id
            state.elapsed = Self.seconds(since: start)
            progress?(state)
        }
        return DatasetRunSummary(total: ids.count, computed: state.computed, skipped: state.skipped,
                                 seconds: Self.seconds(since: start), loadSeconds: loadSeconds,
                                 stepSeconds: stepSeconds, stepImages: stepImages, removedPartialFiles: removed,
                                 zeroWalkIDs: zeroWalkIDs)
    }

    /// The steps whose files for `id` do not all exist yet.
    public func pendingSteps(_ id: String) -> [PipelineStep] {
        configuration.steps.filter { step in
            !outputs.paths(step, id).allSatisfy { FileManager.default.fileExists(atPath: $0) }
        }
    }

    /// Runs the pending steps of one image; returns false when there were none.
    @discardableResult
    public func process(_ id: String) throws -> Bool {
        let pending = pendingSteps(id)
        guard !pending.isEmpty else { return false }
        var work = ImageWork(id: id, run: self)
        for step in pending {
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                try work.perform(step)
            } catch let error as DatasetRunError {
                throw error
            } catch {
                throw DatasetRunError.image(id: id, step: step, underlying: error)
            }
            stepSeconds[step, default: 0] += Self.seconds(since: start)
            stepImages[step, default: 0] += 1
        }
        return true
    }

    /// Notes an image whose label walk starts from zero (once, whichever label step finds it).
    func noteZeroWalk(_ id: String) {
        if zeroWalkIDs.last != id { zeroWalkIDs.append(id) }
    }

    // MARK: networks

    func camNetworkLoaded() throws -> CAMNetwork {
        if let camNetwork { return camNetwork }
        guard let path = configuration.camWeights else { throw DatasetRunError.missingWeights(step: .cam) }
        let start = DispatchTime.now().uptimeNanoseconds
        let network = try NetworkWeights.camNetwork(from: path)
        loadSeconds += Self.seconds(since: start)
        camNetwork = network
        return network
    }

    func irNetworkLoaded() throws -> EdgeDisplacement {
        if let irNetwork { return irNetwork }
        guard let path = configuration.irnWeights else { throw DatasetRunError.missingWeights(step: .boundary) }
        let start = DispatchTime.now().uptimeNanoseconds
        let network = EdgeDisplacement(network: try NetworkWeights.irNetwork(from: path), cropSize: configuration.cropSize)
        loadSeconds += Self.seconds(since: start)
        irNetwork = network
        return network
    }

    // MARK: stale temporary files

    /// Removes the temporary files FileIO leaves when a process dies mid-write
    /// (".<id>.<ext>.<pid>.partial") for `ids`, in the folders of the configured steps. Only
    /// this run's ids are touched, so other shards writing to the same folder are safe.
    func removeStalePartialFiles(ids: Set<String>) -> Int {
        var removed = 0
        for step in configuration.steps {
            let folder = (configuration.output as NSString).appendingPathComponent(step.folder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names {
                guard let stem = Self.partialFileStem(name, extensions: step.fileExtensions), ids.contains(stem) else { continue }
                if (try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))) != nil {
                    removed += 1
                }
            }
        }
        return removed
    }

    /// The image id of a temporary file name ".<id>.<ext>.<pid>.partial", or nil.
    public static func partialFileStem(_ name: String, extensions: [String]) -> String? {
        guard name.hasPrefix("."), name.hasSuffix(".partial") else { return nil }
        var inner = name.dropFirst().dropLast(".partial".count)
        guard let dot = inner.lastIndex(of: "."), !inner[inner.index(after: dot)...].isEmpty,
              inner[inner.index(after: dot)...].allSatisfy(\.isNumber) else { return nil }
        inner = inner[..<dot]
        for fileExtension in extensions where inner.hasSuffix("." + fileExtension) {
            return String(inner.dropLast(fileExtension.count + 1))
        }
        return nil
    }

    static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// The steps of one image, sharing the decoded photo and the stage results between them.
private struct ImageWork {
    let id: String
    let run: DatasetRun
    var image: Image?
    var cam: CAMFile?
    var boundary: BoundaryFile?

    init(id: String, run: DatasetRun) {
        self.id = id
        self.run = run
    }

    var configuration: DatasetRunConfiguration { run.configuration }

    mutating func photo() throws -> Image {
        if let image { return image }
        let loaded: Image
        do {
            loaded = try ImageFiles.load(configuration.source.imagePath(id))
        } catch {
            throw DatasetRunError.image(id: id, step: nil, underlying: error)
        }
        image = loaded
        return loaded
    }

    mutating func perform(_ step: PipelineStep) throws {
        let outputs = run.outputs
        switch step {
        case .cam:
            let computed = try computeCAM()
            try outputs.write(cam: computed, stem: id)
            cam = computed
        case .boundary:
            let network = try run.irNetworkLoaded()
            let computed = boundaryMaps(of: try photo().rgb(), network: network)
            try outputs.write(boundary: computed, stem: id)
            boundary = computed
        case .irLabel:
            let stored = try storedCAM(for: step)
            guard let highRes = stored.highRes else {
                throw DatasetRunError.missingHighRes(id: id, path: outputs.primaryPath(.cam, id))
            }
            let labels = try RelationMiningFiles.mine(image: try photo(), keys: stored.keys, highRes: highRes,
                                                      camPath: outputs.primaryPath(.cam, id), mining: configuration.mining)
            try outputs.write(relationLabels: labels, stem: id)
        case .semSeg:
            let (cam, boundary) = try stages(for: step)
            if WalkLabeling.walkStartsFromZero(cam: cam, boundary: boundary) { run.noteZeroWalk(id) }
            try outputs.write(semanticLabels: configuration.labeling.semantic(cam: cam, boundary: boundary),
                              height: cam.height, width: cam.width, stem: id)
        case .insSeg:
            let (cam, boundary) = try stages(for: step)
            if WalkLabeling.walkStartsFromZero(cam: cam, boundary: boundary) { run.noteZeroWalk(id) }
            try outputs.write(instances: try configuration.labeling.instances(cam: cam, boundary: boundary), stem: id)
        }
    }

    /// The CAM file of this image, computed as `irn cam` computes it.
    mutating func computeCAM() throws -> CAMFile {
        let keys: [Int]
        do {
            keys = try configuration.source.classes(id)
        } catch {
            throw DatasetRunError.image(id: id, step: nil, underlying: error)
        }
        guard !keys.isEmpty else { throw DatasetRunError.noClasses(id: id) }
        let network = try run.camNetworkLoaded()
        if let key = keys.first(where: { $0 >= network.classCount }) {
            throw DatasetRunError.classOutOfRange(id: id, key: key, classCount: network.classCount)
        }
        let rgb = try photo().rgb()
        for scale in configuration.scales {
            let size = rescaledSize(height: rgb.height, width: rgb.width, scale: scale)
            guard size.height >= 1, size.width >= 1 else {
                throw DatasetRunError.scaleTooSmall(id: id, scale: scale, width: rgb.width, height: rgb.height)
            }
        }
        return classActivationMaps(of: rgb, network: network, keys: keys, scales: configuration.scales)
    }

    /// This image's CAM: computed in this run, or read from OUT/cam.
    mutating func storedCAM(for step: PipelineStep) throws -> CAMFile {
        if let cam { return cam }
        let loaded = try CAMFile.load(try existing(.cam, for: step))
        cam = loaded
        return loaded
    }

    /// This image's CAM and boundary files, computed in this run or read back, checked
    /// against each other.
    mutating func stages(for step: PipelineStep) throws -> (CAMFile, BoundaryFile) {
        let cam = try storedCAM(for: step)
        if boundary == nil {
            boundary = try BoundaryFile.load(try existing(.boundary, for: step))
        }
        try boundary!.check(against: cam, camPath: try existing(.cam, for: step),
                            boundaryPath: run.outputs.primaryPath(.boundary, id))
        return (cam, boundary!)
    }

    /// The path of `producer`'s file for this image, which must exist. A CAM file may also be
    /// the reference's OUT/cam/<id>.npy, read when there is no OUT/cam/<id>.npz.
    func existing(_ producer: PipelineStep, for step: PipelineStep) throws -> String {
        let path = run.outputs.primaryPath(producer, id)
        if FileManager.default.fileExists(atPath: path) { return path }
        if producer == .cam, FileManager.default.fileExists(atPath: run.outputs.referenceCAMPath(id)) {
            return run.outputs.referenceCAMPath(id)
        }
        throw DatasetRunError.missingInput(id: id, step: step, path: path, producer: producer)
    }
}
