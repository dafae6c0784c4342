// Activation: the pointwise function a kernel may fuse into its output store (GEMM epilogue,
// conv2d). Only what the networks of DESIGN §6 need: identity and ReLU (max(x, 0), NaN kept).

public enum Activation: Sendable, Equatable {
    case identity
    case relu

    /// The activation applied to one value (the reference for the fused SIMD versions).
    @inlinable
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .identity: return x
        case .relu: return x < 0 ? 0 : x
        }
    }
}
