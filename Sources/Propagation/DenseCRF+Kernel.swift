// DenseCRFKernel: one pairwise term of the fully connected CRF, a Gaussian kernel
// k(f_i, f_j) = exp(-|f_i - f_j|² / 2) over scaled features (positions / θ, colours / θ) with a
// Potts compatibility of weight w (Krähenbühl & Koltun, NeurIPS 2011, Eq. 3-4). Its message is
// filtered with the permutohedral lattice and normalised symmetrically as densecrf does by
// default: m = D^-½ K D^-½ Q with D = diag(K·1), where K·1 is itself computed by the lattice.

public struct DenseCRFKernel: Sendable {
    /// Scaled features, point-major (`features[i*dimension + k]`).
    public let features: [Float]
    /// Feature dimension (2 for the positional kernel, 5 for the bilateral one).
    public let dimension: Int
    /// Potts weight w: label l at pixel i gains w·m_i(l) in the mean-field update.
    public let compatibility: Float
    /// The lattice built on `features`.
    public let lattice: PermutohedralLattice
    /// D^-½: 1/√(lattice-filtered ones + 1e-20) per point.
    public let normalisation: [Float]

    /// A kernel over `features` (point-major). `addingOriginVertices` reproduces densecrf's
    /// padded construction (see `PermutohedralLattice.init`).
    public init(features: [Float], dimension: Int, compatibility: Float, addingOriginVertices: Bool) {
        precondition(compatibility.isFinite, "kernel compatibility must be finite")
        self.features = features
        self.dimension = dimension
        self.compatibility = compatibility
        let lattice = PermutohedralLattice(features: features, dimension: dimension,
                                           addingOriginVertices: addingOriginVertices)
        self.lattice = lattice
        let n = lattice.pointCount
        var ones = [Float](repeating: 0, count: n * 8)
        for i in 0 ..< n { ones[i * 8] = 1 }
        var sums = [Float](repeating: 0, count: n * 8)
        ones.withUnsafeBufferPointer { ones in
            sums.withUnsafeMutableBufferPointer { sums in
                lattice.filter(ones.baseAddress!, into: sums.baseAddress!, stride: 8, channels: 1)
            }
        }
        normalisation = (0 ..< n).map { i in Float(1.0 / (Double(sums[i * 8]) + 1e-20).squareRoot()) }
    }

    /// The normalised message D^-½ K D^-½ v of `values` (point-major, `channels` per point).
    public func filter(_ values: [Float], channels: Int) -> [Float] {
        let n = lattice.pointCount
        precondition(channels >= 1 && values.count == n * channels)
        let stride = (channels + 7) / 8 * 8
        var padded = [Float](repeating: 0, count: n * stride)
        for i in 0 ..< n {
            for c in 0 ..< channels { padded[i * stride + c] = values[i * channels + c] }
        }
        var filtered = [Float](repeating: 0, count: n * stride)
        padded.withUnsafeBufferPointer { input in
            filtered.withUnsafeMutableBufferPointer { output in
                normalisation.withUnsafeBufferPointer { scale in
                    lattice.filter(input.baseAddress!, into: output.baseAddress!, stride: stride, channels: channels,
                                   inputScale: scale.baseAddress!, outputScale: scale.baseAddress!)
                }
            }
        }
        var result = [Float](repeating: 0, count: n * channels)
        for i in 0 ..< n {
            for c in 0 ..< channels { result[i * channels + c] = filtered[i * stride + c] }
        }
        return result
    }
}
