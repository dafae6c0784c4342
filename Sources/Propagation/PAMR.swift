// PAMR: pixel-adaptive mask refinement (Araslanov & Roth, "Single-Stage Semantic Segmentation
// from Image Labels", CVPR 2020, §3.3). It sharpens coarse class masks so that they
// follow image edges: each pixel's mask becomes an affinity-weighted average of its dilated
// 8-neighbourhoods, repeated a fixed number of times. DESIGN §6 "PAMR" lists the facts the
// numbers depend on. This file holds the public type and the neighbourhood geometry; the
// affinities (kernel and softmax) are in PAMR+Affinities.swift, the iterations in
// PAMR+Iterations.swift, and the plain-loop twin of both in PAMR+Naive.swift.
import Tensors

/// Pixel-adaptive mask refinement.
///
/// For an image I ([N, C, H, W], C = 3 for RGB, any C ≥ 1 works) and masks ([N, K, h, w]):
/// 1. the masks are resized to H × W bilinearly with aligned corners;
/// 2. for every dilation d the 8 pixels at offsets (±d | 0, ±d | 0) \ (0, 0) are the pixel's
///    neighbours; positions outside the image repeat the nearest edge pixel (replicate padding);
/// 3. σ_c(p) is the unbiased standard deviation of channel c over the 9·D samples of all
///    dilations (each dilation's 3 × 3 grid, so the centre is counted D times);
/// 4. the affinity to neighbour n is the channel mean of −|I_c(p) − I_c(n)| / (1e-8 + 0.1·σ_c(p)),
///    turned into weights by a softmax over the 8·D neighbours (the centre is not one of them);
/// 5. `iterations` times, every mask channel becomes Σ_n weight_n · mask(n), again with
///    replicate padding at the borders.
///
/// Neighbours are ordered by dilation, then row-major within the 3 × 3 grid without its centre:
/// (−d,−d), (−d,0), (−d,d), (0,−d), (0,d), (d,−d), (d,0), (d,d) as (row, column) offsets.
/// Equals the reference module `PAMR(num_iter, dilations)` of visinf/1-stage-wseg
/// (models/mods/pamr.py), fed with the image and the mask.
public struct PAMR: Sendable, Equatable {
    /// Number of propagation steps (the reference's `num_iter`; 10 in its configuration).
    public var iterations: Int
    /// Neighbourhood dilations (the reference's `PAMR_KERNEL`).
    public var dilations: [Int]

    /// A refinement with `iterations` propagation steps over the given dilations.
    public init(iterations: Int = 10, dilations: [Int] = [1, 2, 4, 8, 12, 24]) {
        precondition(iterations >= 0, "PAMR: iterations \(iterations) must not be negative")
        precondition(!dilations.isEmpty, "PAMR: needs at least one dilation")
        precondition(dilations.allSatisfy { $0 >= 1 }, "PAMR: dilations \(dilations) must be ≥ 1")
        self.iterations = iterations
        self.dilations = dilations
    }

    /// Number of neighbours of every pixel: 8 per dilation.
    public var neighbourCount: Int { 8 * dilations.count }

    /// The refined masks, [N, K, H, W]: `mask` ([N, K, h, w], any size) resized to the size of
    /// `image` ([N, C, H, W]) and propagated `iterations` times along the image's affinities.
    public func refine(image: Tensor, mask: Tensor) -> Tensor {
        let geometry = PAMRGeometry(image: image.shape, mask: mask.shape, dilations: dilations)
        let resized = resizeBilinear(mask, height: geometry.height, width: geometry.width,
                                     alignCorners: true)
        guard iterations > 0 else { return resized }
        let weights = PAMRWeights(image: image, geometry: geometry)
        return weights.propagate(resized, channels: geometry.maskChannels, iterations: iterations)
    }

    /// The softmax affinities of `image` ([N, C, H, W]) as [N, 8·D, H, W]: the weight each
    /// pixel gives to each neighbour (neighbour order as in the type's documentation). They sum
    /// to 1 over the neighbour axis and do not change across iterations.
    public func affinities(image: Tensor) -> Tensor {
        let geometry = PAMRGeometry(image: image.shape, mask: nil, dilations: dilations)
        return PAMRWeights(image: image, geometry: geometry).tensor()
    }
}

/// Sizes and neighbour offsets of one PAMR call, checked at the API boundary.
struct PAMRGeometry {
    let batch, imageChannels, height, width: Int
    /// Mask channels K (0 when only the affinities are asked for).
    let maskChannels: Int
    let dilations: [Int]
    /// Padding on every side of a padded plane: the largest dilation.
    let margin: Int
    /// Columns of a padded plane: the margin on the left, the margin plus the vector width on
    /// the right, so that a full vector load at any column of the image stays inside its row.
    let paddedWidth: Int
    let paddedHeight: Int

    init(image: [Int], mask: [Int]?, dilations: [Int]) {
        precondition(image.count == 4, "PAMR: image of shape \(image) must be [N, C, H, W]")
        precondition(image.allSatisfy { $0 > 0 }, "PAMR: image of shape \(image) is empty")
        batch = image[0]; imageChannels = image[1]; height = image[2]; width = image[3]
        if let mask {
            precondition(mask.count == 4, "PAMR: mask of shape \(mask) must be [N, K, h, w]")
            precondition(mask[0] == batch,
                         "PAMR: mask batch \(mask[0]) differs from image batch \(batch)")
            precondition(mask.allSatisfy { $0 > 0 }, "PAMR: mask of shape \(mask) is empty")
            maskChannels = mask[1]
        } else {
            maskChannels = 0
        }
        self.dilations = dilations
        margin = dilations.max()!
        paddedHeight = height + 2 * margin
        paddedWidth = width + 2 * margin + PAMRVector.width
    }

    /// Neighbours per pixel (8 per dilation).
    var neighbours: Int { 8 * dilations.count }

    /// Samples of the local standard deviation per pixel (9 per dilation).
    var samples: Int { 9 * dilations.count }

    /// Elements of one padded plane.
    var paddedPlane: Int { paddedHeight * paddedWidth }

    /// Row stride of the weight rows: the image width rounded up to whole vectors.
    var vectorWidth: Int { (width + PAMRVector.width - 1) / PAMRVector.width * PAMRVector.width }

    /// Offsets (in elements of a padded plane) of the 9·D standard-deviation samples, in the
    /// order of the reference's LocalStDev kernel: per dilation, the 3 × 3 grid row by row.
    var sampleOffsets: [Int] {
        dilations.flatMap { d in
            PAMRGeometry.grid.map { dy, dx in dy * d * paddedWidth + dx * d }
        }
    }

    /// Offsets of the 8·D neighbours, the grid without its centre, per dilation.
    var neighbourOffsets: [Int] {
        dilations.flatMap { d in
            PAMRGeometry.grid.filter { $0 != (0, 0) }.map { dy, dx in dy * d * paddedWidth + dx * d }
        }
    }

    /// (row, column) steps of the 3 × 3 grid, row-major.
    static let grid: [(Int, Int)] = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 0), (0, 1),
                                     (1, -1), (1, 0), (1, 1)]
}
