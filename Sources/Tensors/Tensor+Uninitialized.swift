// Tensor+Uninitialized: building a tensor whose every element a kernel is about to write,
// without first filling it with zeros (which costs a full extra pass over memory for large
// feature maps). Used by the non-GEMM kernels of Tensors; DESIGN §7 (no wasted memory passes).

extension Tensor {
    /// A tensor of `shape` whose elements `initializer` must all write; it gets the whole
    /// buffer (possibly empty, then with a nil base address) and must not read it first.
    @usableFromInline
    init(shape: [Int], uninitializedBy initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initializer(buffer)
            initialized = count
        }
        self.init(shape: shape, scalars: scalars)
    }
}
