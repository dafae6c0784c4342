// DatasetRunConfiguration: what a whole-dataset run does (DESIGN §4 `irn run`): the images
// (DatasetRunSource), the output folder, the steps, the checkpoints of the two networks and
// every stage parameter with the reference's defaults (run_sample.py: cam_scales 1,0.5,1.5,2;
// conf_fg_thres 0.30, conf_bg_thres 0.05; beta 10, exp_times 8, sem_seg_bg_thres 0.25;
// IRNet inputs padded to 512), plus the shard of the list this process takes.

public struct DatasetRunConfiguration: Sendable {
    public var source: DatasetRunSource
    /// The output folder; step outputs go to OUT/<step folder>/<id>.<ext> (StageOutputs).
    public var output: String
    /// The steps to run, in pipeline order whatever order they are given in.
    public var steps: [PipelineStep]
    /// The CAM network's checkpoint; needed when the cam step has images left to do.
    public var camWeights: String?
    /// IRNet's checkpoint; needed when the boundary step has images left to do.
    public var irnWeights: String?
    /// CAM scales, each in (0, 4].
    public var scales: [Double]
    /// The side IRNet's input is zero-padded to.
    public var cropSize: Int
    /// Thresholds and CRF of the ir-label step.
    public var mining: RelationMining
    /// Random-walk settings of the sem-seg and ins-seg steps.
    public var labeling: WalkLabeling
    /// The part of the list this process takes.
    public var shard: DatasetRunShard

    public init(source: DatasetRunSource, output: String, steps: [PipelineStep] = PipelineStep.allCases,
                camWeights: String? = nil, irnWeights: String? = nil, scales: [Double] = defaultCAMScales,
                cropSize: Int = 512, mining: RelationMining = RelationMining(),
                labeling: WalkLabeling = WalkLabeling(), shard: DatasetRunShard = .all) {
        self.source = source
        self.output = output
        self.steps = Array(Set(steps)).sorted()
        self.camWeights = camWeights
        self.irnWeights = irnWeights
        self.scales = scales
        self.cropSize = cropSize
        self.mining = mining
        self.labeling = labeling
        self.shard = shard
    }
}
