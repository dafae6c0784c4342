// DatasetRunProgress: what a whole-dataset run reports after each image (for a progress bar:
// done/total, images per second, time left) and at the end (DatasetRunSummary: images computed
// and skipped, seconds spent per step). Images whose outputs all existed are skipped and count
// as done, but not in the rate, which is over the images actually computed.

public struct DatasetRunProgress: Sendable {
    /// The image just finished.
    public var id: String
    /// Images finished (computed or skipped) out of `total`.
    public var done: Int
    public var total: Int
    /// Images for which at least one step ran.
    public var computed: Int
    /// Images whose outputs all existed already.
    public var skipped: Int
    /// Seconds since the run started.
    public var elapsed: Double
    /// Seconds spent on computed images (network loading included).
    public var computeSeconds: Double

    public init(id: String, done: Int, total: Int, computed: Int, skipped: Int, elapsed: Double, computeSeconds: Double) {
        self.id = id
        self.done = done
        self.total = total
        self.computed = computed
        self.skipped = skipped
        self.elapsed = elapsed
        self.computeSeconds = computeSeconds
    }

    /// Computed images per second, once one has been.
    public var imagesPerSecond: Double? {
        computed > 0 && computeSeconds > 0 ? Double(computed) / computeSeconds : nil
    }

    /// Seconds left at the current rate, assuming every remaining image must be computed.
    public var estimatedSecondsLeft: Double? {
        imagesPerSecond.map { Double(total - done) / $0 }
    }
}

public struct DatasetRunSummary: Sendable {
    public var total: Int
    public var computed: Int
    public var skipped: Int
    /// Seconds of the whole run.
    public var seconds: Double
    /// Seconds spent loading checkpoints.
    public var loadSeconds: Double
    /// Seconds spent in each step (reading its inputs, computing, writing), and the number of
    /// images it ran on.
    public var stepSeconds: [PipelineStep: Double]
    public var stepImages: [PipelineStep: Int]
    /// Stale temporary files of interrupted runs removed at the start.
    public var removedPartialFiles: Int
    /// Images whose label walk had nothing to start from (no CAM value off the boundary): the
    /// reference's 0/0 labels every pixel with the first class (WalkLabeling.walkStartsFromZero).
    public var zeroWalkIDs: [String] = []
}

/// A failure of a run: which image, which step, and the underlying typed error.
public enum DatasetRunError: Error {
    /// Processing image `id` failed in `step` (nil: reading the image or its classes).
    case image(id: String, step: PipelineStep?, underlying: any Error)
    /// A step needs the output of an earlier step that was not asked for and does not exist.
    case missingInput(id: String, step: PipelineStep, path: String, producer: PipelineStep)
    /// A step needs a checkpoint that the configuration does not name.
    case missingWeights(step: PipelineStep)
    /// Image `id` has no class (the CAM step needs at least one).
    case noClasses(id: String)
    /// Image `id` names a class the CAM network does not have.
    case classOutOfRange(id: String, key: Int, classCount: Int)
    /// A CAM scale shrinks image `id` to nothing.
    case scaleTooSmall(id: String, scale: Double, width: Int, height: Int)
    /// The stored CAM of `id` lacks high_res, which the ir-label step needs.
    case missingHighRes(id: String, path: String)
}
