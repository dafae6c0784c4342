// DenseCRF: the fully connected CRF of Krähenbühl & Koltun (NeurIPS 2011) over a W×H pixel grid
// with Gaussian pairwise kernels and Potts compatibilities, solved by mean-field inference
// (Algorithm 1: initialise Q = softmax(-U); repeat: message passing with each kernel, Potts
// weighting, add the unary, normalise). Relation mining (DESIGN §6) refines CAM label maps with
// it. Numbers follow pydensecrf / densecrf: same features, lattice, normalisation and update.
// Unary construction is in DenseCRF+Unary, the presets in DenseCRF+Presets, the exact O(N²)
// twin in DenseCRF+Exact.

import Tensors

public struct DenseCRF: Sendable {
    /// Grid width W.
    public let width: Int
    /// Grid height H.
    public let height: Int
    /// Number of labels K.
    public let labelCount: Int
    /// Unary energies U, label-major [K, H·W] (zeros until a unary is set).
    public internal(set) var unary: [Float]
    /// Pairwise terms, in the order they were added.
    public private(set) var kernels: [DenseCRFKernel] = []

    /// An empty CRF of `width` × `height` pixels and `labelCount` labels.
    public init(width: Int, height: Int, labelCount: Int) {
        precondition(width >= 1 && height >= 1, "CRF grid \(width)×\(height) is empty")
        precondition(labelCount >= 1, "CRF needs at least one label")
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        precondition(!overflow && pixels < Int(Int32.max) / 8, "CRF grid \(width)×\(height) is too large")
        self.width = width
        self.height = height
        self.labelCount = labelCount
        unary = [Float](repeating: 0, count: labelCount * pixels)
    }

    /// Number of pixels N = W·H.
    public var pixelCount: Int { width * height }

    /// Sets the unary energies from a [K, H, W] tensor (energy = -log probability).
    public mutating func setUnary(energies: Tensor) {
        precondition(energies.shape == [labelCount, height, width],
                     "unary shape \(energies.shape) is not [\(labelCount), \(height), \(width)]")
        unary = energies.scalars
    }

    /// Adds a kernel over arbitrary per-pixel features (pixel-major, `dimension` per pixel,
    /// already divided by their bandwidths) with Potts weight `compat`.
    public mutating func addPairwise(features: [Float], dimension: Int, compat: Float) {
        precondition(features.count == pixelCount * dimension,
                     "\(features.count) features do not fill \(pixelCount) pixels × \(dimension)")
        kernels.append(DenseCRFKernel(features: features, dimension: dimension, compatibility: compat,
                                      addingOriginVertices: pixelCount % 4 != 0))
    }

    /// Adds the smoothness kernel exp(-|p_i - p_j|²/2θ²) with θ = `sxy` (pydensecrf's
    /// `addPairwiseGaussian(sxy, compat)`).
    public mutating func addGaussian(sxy: Float, compat: Float) {
        addGaussian(sx: sxy, sy: sxy, compat: compat)
    }

    /// The smoothness kernel with separate horizontal and vertical bandwidths.
    public mutating func addGaussian(sx: Float, sy: Float, compat: Float) {
        precondition(sx > 0 && sy > 0 && sx.isFinite && sy.isFinite, "Gaussian bandwidths must be positive")
        var features = [Float](repeating: 0, count: pixelCount * 2)
        for y in 0 ..< height {
            for x in 0 ..< width {
                let i = y * width + x
                features[2 * i] = Float(x) / sx
                features[2 * i + 1] = Float(y) / sy
            }
        }
        addPairwise(features: features, dimension: 2, compat: compat)
    }

    /// Adds the appearance kernel exp(-|p_i - p_j|²/2θα² - |I_i - I_j|²/2θβ²) with θα = `sxy`,
    /// θβ = `srgb`, for 8-bit RGB pixels interleaved row by row (`rgb.count == 3·W·H`), as
    /// pydensecrf's `addPairwiseBilateral(sxy, srgb, rgbim, compat)`.
    public mutating func addBilateral(sxy: Float, srgb: Float, rgb: [UInt8], compat: Float) {
        addBilateral(sx: sxy, sy: sxy, sr: srgb, sg: srgb, sb: srgb, rgb: rgb, compat: compat)
    }

    /// The appearance kernel with a bandwidth per axis and per colour channel.
    public mutating func addBilateral(sx: Float, sy: Float, sr: Float, sg: Float, sb: Float,
                                      rgb: [UInt8], compat: Float) {
        precondition(rgb.count == 3 * pixelCount, "RGB image has \(rgb.count) bytes, expected \(3 * pixelCount)")
        addBilateral(sx: sx, sy: sy, sr: sr, sg: sg, sb: sb, compat: compat) { i, c in Float(rgb[3 * i + c]) }
    }

    /// The appearance kernel for a [3, H, W] tensor of colour values (0-255 for 8-bit images).
    public mutating func addBilateral(sxy: Float, srgb: Float, image: Tensor, compat: Float) {
        precondition(image.shape == [3, height, width], "image shape \(image.shape) is not [3, \(height), \(width)]")
        let n = pixelCount
        addBilateral(sx: sxy, sy: sxy, sr: srgb, sg: srgb, sb: srgb, compat: compat) { i, c in
            image.scalars[c * n + i]
        }
    }

    private mutating func addBilateral(sx: Float, sy: Float, sr: Float, sg: Float, sb: Float, compat: Float,
                                       colour: (Int, Int) -> Float) {
        let bandwidths = [sx, sy, sr, sg, sb]
        precondition(bandwidths.allSatisfy { $0 > 0 && $0.isFinite }, "bilateral bandwidths must be positive")
        var features = [Float](repeating: 0, count: pixelCount * 5)
        for y in 0 ..< height {
            for x in 0 ..< width {
                let i = y * width + x
                features[5 * i] = Float(x) / sx
                features[5 * i + 1] = Float(y) / sy
                features[5 * i + 2] = colour(i, 0) / sr
                features[5 * i + 3] = colour(i, 1) / sg
                features[5 * i + 4] = colour(i, 2) / sb
            }
        }
        addPairwise(features: features, dimension: 5, compat: compat)
    }

    /// Mean-field inference: `iterations` updates from Q = softmax(-U); returns Q as [K, H, W].
    public func infer(iterations: Int) -> Tensor {
        precondition(iterations >= 0, "iteration count must not be negative")
        let n = pixelCount, k = labelCount
        let stride = (k + 7) / 8 * 8
        // -U, pixel-major with `stride` lanes; lanes past K hold -∞ so softmax gives them 0.
        var negativeUnary = [Float](repeating: -.infinity, count: n * stride)
        unary.withUnsafeBufferPointer { unary in
            negativeUnary.withUnsafeMutableBufferPointer { target in
                let u = unary.baseAddress!, t = target.baseAddress!
                forEachChunk(count: n, costPerItem: 2 * k, maxChunks: 32, threshold: 1 << 16) { range in
                    for i in range {
                        for l in 0 ..< k { t[i &* stride &+ l] = -u[l &* n &+ i] }
                    }
                }
            }
        }
        var q = negativeUnary
        var next = [Float](repeating: 0, count: iterations > 0 ? n * stride : 0)
        q.withUnsafeMutableBufferPointer { q in
            next.withUnsafeMutableBufferPointer { next in
                negativeUnary.withUnsafeBufferPointer { negativeUnary in
                    DenseCRF.normalise(q.baseAddress!, pixels: n, stride: stride, labels: k)
                    guard iterations > 0 else { return }
                    var current = q.baseAddress!, update = next.baseAddress!
                    let workspace = LatticeWorkspace()
                    for _ in 0 ..< iterations {
                        update.update(from: negativeUnary.baseAddress!, count: n * stride)
                        for kernel in kernels {
                            kernel.normalisation.withUnsafeBufferPointer { scale in
                                kernel.lattice.filter(UnsafePointer(current), into: update, stride: stride, channels: k,
                                                      inputScale: scale.baseAddress!, outputScale: scale.baseAddress!,
                                                      accumulationWeight: kernel.compatibility, workspace: workspace)
                            }
                        }
                        DenseCRF.normalise(update, pixels: n, stride: stride, labels: k)
                        swap(&current, &update)
                    }
                    if current != q.baseAddress! { q.baseAddress!.update(from: current, count: n * stride) }
                }
            }
        }
        var result = [Float](repeating: 0, count: k * n)
        q.withUnsafeBufferPointer { q in
            result.withUnsafeMutableBufferPointer { target in
                let source = q.baseAddress!, t = target.baseAddress!
                forEachChunk(count: n, costPerItem: 2 * k, maxChunks: 32, threshold: 1 << 16) { range in
                    for l in 0 ..< k {
                        for i in range { t[l &* n &+ i] = source[i &* stride &+ l] }
                    }
                }
            }
        }
        return Tensor(shape: [k, height, width], scalars: result)
    }

    /// The most probable label per pixel after `iterations` mean-field updates (row-major H·W).
    public func map(iterations: Int) -> [Int] {
        DenseCRF.labels(fromProbabilities: infer(iterations: iterations))
    }

    /// Argmax over the first axis of a [K, H, W] tensor; ties go to the lower label (NumPy's rule).
    public static func labels(fromProbabilities probabilities: Tensor) -> [Int] {
        precondition(probabilities.rank == 3 && probabilities.shape[0] >= 1, "expected [K, H, W] probabilities")
        let k = probabilities.shape[0], n = probabilities.shape[1] * probabilities.shape[2]
        var best = [Int](repeating: 0, count: n)
        probabilities.scalars.withUnsafeBufferPointer { p in
            best.withUnsafeMutableBufferPointer { best in
                for i in 0 ..< n {
                    var top = p[i], label = 0
                    for l in 1 ..< k where p[l &* n &+ i] > top {
                        top = p[l &* n &+ i]
                        label = l
                    }
                    best[i] = label
                }
            }
        }
        return best
    }
}
