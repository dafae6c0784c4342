// CheckpointTensor: one tensor read from (or to be written to) a checkpoint file, with the
// element type it has in the file. float16, bfloat16 and float32 hold Float32 values (exact),
// float64 holds Double values (exact; `tensor` rounds them to Float32 as `tensor.float()`
// does), integer and boolean types hold Int64 values, so buffers such as BatchNorm's
// `num_batches_tracked` stay exact. Part of Checkpoints; produced by TorchCheckpoint and
// SafeTensors, collected in a StateDict, written by SafeTensors.
import Tensors

public struct CheckpointTensor: Equatable, Sendable {
    /// The element values in row-major order.
    public enum Values: Equatable, Sendable {
        case floats([Float])
        case doubles([Double])
        case integers([Int64])
    }

    /// Element type in the file (and the type the safetensors writer stores).
    public let dtype: CheckpointDType
    /// Extent of each dimension (empty for a 0-d tensor).
    public let shape: [Int]
    /// The elements in row-major order.
    public let values: Values

    /// A floating-point tensor; `dtype` says how it is stored in a file (float32 by default).
    public init(_ tensor: Tensor, dtype: CheckpointDType = .float32) {
        precondition(dtype.isFloatingPoint, "CheckpointTensor(Tensor) needs a floating dtype, not \(dtype)")
        self.dtype = dtype
        self.shape = tensor.shape
        self.values = .floats(tensor.scalars)
    }

    /// A floating-point tensor from its shape and row-major values.
    public init(shape: [Int], floats: [Float], dtype: CheckpointDType = .float32) {
        self.init(Tensor(shape: shape, scalars: floats), dtype: dtype)
    }

    /// A float64 tensor from its shape and row-major values.
    public init(shape: [Int], doubles: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == doubles.count,
                     "shape \(shape) does not match \(doubles.count) values")
        self.dtype = .float64
        self.shape = shape
        self.values = .doubles(doubles)
    }

    /// An integer or boolean tensor; every value must fit `dtype` (booleans are 0 or 1).
    public init(shape: [Int], integers: [Int64], dtype: CheckpointDType = .int64) {
        precondition(!dtype.isFloatingPoint, "CheckpointTensor(integers:) needs an integer dtype, not \(dtype)")
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == integers.count,
                     "shape \(shape) does not match \(integers.count) values")
        let range = dtype.integerRange
        precondition(integers.allSatisfy { range.contains($0) }, "a value does not fit \(dtype)")
        self.dtype = dtype
        self.shape = shape
        self.values = .integers(integers)
    }

    /// Number of elements.
    public var count: Int {
        switch values {
        case .floats(let floats): return floats.count
        case .doubles(let doubles): return doubles.count
        case .integers(let integers): return integers.count
        }
    }

    /// The values as a Float32 tensor (float64 rounded to nearest), or nil for an integer or
    /// boolean type.
    public var tensor: Tensor? {
        switch values {
        case .floats(let floats): return Tensor(shape: shape, scalars: floats)
        case .doubles(let doubles): return Tensor(shape: shape, scalars: doubles.map { Float($0) })
        case .integers: return nil
        }
    }

    /// The values of an integer or boolean type, or nil for a floating type.
    public var integers: [Int64]? {
        guard case .integers(let integers) = values else { return nil }
        return integers
    }

    /// The values as a Float32 tensor whatever the type (integers are converted, rounding to
    /// nearest beyond 2^24).
    public func floatTensor() -> Tensor {
        switch values {
        case .floats(let floats): return Tensor(shape: shape, scalars: floats)
        case .doubles(let doubles): return Tensor(shape: shape, scalars: doubles.map { Float($0) })
        case .integers(let integers): return Tensor(shape: shape, scalars: integers.map { Float($0) })
        }
    }
}

extension CheckpointTensor: CustomStringConvertible {
    public var description: String {
        "CheckpointTensor(\(dtype), shape: \(shape))"
    }
}
