// Parameter sets of the dense CRF and the one-call label refinement built on them. The relation
// mining preset is the one IRNet's cam_to_ir_label step uses (DESIGN §6): unary from labels with
// gt_prob 0.7 (label 0 is an ordinary class), positional kernel sxy 3 with Potts weight 3,
// bilateral kernel sxy 50, srgb 5 with weight 10, 10 mean-field iterations.

public struct DenseCRFParameters: Sendable, Equatable {
    /// Bandwidth (pixels) and Potts weight of the positional Gaussian kernel.
    public var gaussianSXY: Float
    public var gaussianCompat: Float
    /// Spatial bandwidth (pixels), colour bandwidth (intensity levels) and Potts weight of the
    /// bilateral kernel.
    public var bilateralSXY: Float
    public var bilateralSRGB: Float
    public var bilateralCompat: Float
    /// Mean-field iterations.
    public var iterations: Int
    /// Confidence given to the input label of each pixel.
    public var gtProbability: Double
    /// Whether label 0 means "unsure" (uniform unary) rather than a class.
    public var zeroUnsure: Bool

    public init(gaussianSXY: Float, gaussianCompat: Float, bilateralSXY: Float, bilateralSRGB: Float,
                bilateralCompat: Float, iterations: Int, gtProbability: Double, zeroUnsure: Bool) {
        self.gaussianSXY = gaussianSXY
        self.gaussianCompat = gaussianCompat
        self.bilateralSXY = bilateralSXY
        self.bilateralSRGB = bilateralSRGB
        self.bilateralCompat = bilateralCompat
        self.iterations = iterations
        self.gtProbability = gtProbability
        self.zeroUnsure = zeroUnsure
    }

    /// IRNet's relation-mining refinement (reference misc/imutils.py, crf_inference_label).
    public static let relationMining = DenseCRFParameters(
        gaussianSXY: 3, gaussianCompat: 3, bilateralSXY: 50, bilateralSRGB: 5, bilateralCompat: 10,
        iterations: 10, gtProbability: 0.7, zeroUnsure: false)
}

extension DenseCRF {
    /// A CRF with both kernels of `parameters` on an 8-bit RGB image (interleaved, row-major)
    /// and no unary yet. The kernels depend only on the image, so one such CRF can refine
    /// several label maps of that image (relation mining refines two): set each unary on a copy.
    public init(rgb: [UInt8], width: Int, height: Int, labelCount: Int, parameters: DenseCRFParameters) {
        self.init(width: width, height: height, labelCount: labelCount)
        addGaussian(sxy: parameters.gaussianSXY, compat: parameters.gaussianCompat)
        addBilateral(sxy: parameters.bilateralSXY, srgb: parameters.bilateralSRGB, rgb: rgb,
                     compat: parameters.bilateralCompat)
    }

    /// A CRF with both kernels of `parameters` on an 8-bit RGB image (interleaved, row-major)
    /// and the unary of `labels` (row-major label map; see `setUnary(fromLabels:...)`).
    public init(labels: [Int], labelCount: Int, rgb: [UInt8], width: Int, height: Int,
                parameters: DenseCRFParameters) {
        self.init(rgb: rgb, width: width, height: height, labelCount: labelCount, parameters: parameters)
        setUnary(fromLabels: labels, gtProbability: parameters.gtProbability, zeroUnsure: parameters.zeroUnsure)
    }

    /// The most probable label per pixel when `labels` is the unary and `parameters` sets the
    /// confidence and the iteration count (kernels as already added).
    public func refine(labels: [Int], parameters: DenseCRFParameters) -> [Int] {
        var crf = self
        crf.setUnary(fromLabels: labels, gtProbability: parameters.gtProbability, zeroUnsure: parameters.zeroUnsure)
        return crf.map(iterations: parameters.iterations)
    }

    /// Refines a label map on its image: the CRF's most probable label per pixel after
    /// `parameters.iterations` mean-field updates (with `zeroUnsure` the result indexes rows,
    /// i.e. label value v comes back as v - 1). Several maps of one image share the kernels.
    public static func refine(labels: [Int], labelCount: Int, rgb: [UInt8], width: Int, height: Int,
                              parameters: DenseCRFParameters = .relationMining) -> [Int] {
        DenseCRF(rgb: rgb, width: width, height: height, labelCount: labelCount, parameters: parameters)
            .refine(labels: labels, parameters: parameters)
    }
}
