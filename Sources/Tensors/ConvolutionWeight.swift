// ConvolutionWeight: a conv's weight [Cout, Cin, kh, kw] kept packed for the GEMM, as the
// Cout × Cin·kh·kw matrix conv2d multiplies (GEMM+PackedMatrix.swift). Networks that run the
// same layer on many images hold their weights this way, so no call packs them again; the
// products are bit-identical to conv2d with the plain weight (DESIGN §7).

public struct ConvolutionWeight: Sendable {
    /// [Cout, Cin, kh, kw].
    public let shape: [Int]
    /// The weight as the Cout × Cin·kh·kw operand A of the GEMM.
    public let packed: PackedMatrix

    public init(_ weight: Tensor) {
        precondition(weight.rank == 4, "ConvolutionWeight: weight must be [Cout, Cin, kh, kw], got \(weight.shape)")
        shape = weight.shape
        packed = PackedMatrix(weight: weight)
    }

    public var outChannels: Int { shape[0] }
    public var inChannels: Int { shape[1] }
}
