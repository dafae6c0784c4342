// TorchReferences: what a PyTorch pickle says about tensors before any tensor data is read.
// A storage reference is a persistent id ('storage', type, key, location, numel[, view]); a
// tensor reference is the arguments of torch._utils._rebuild_tensor_v2 (storage, offset,
// size, stride). Part of Checkpoints: the pickle layer makes them, TorchCheckpoint resolves
// them against the storages of a .pth file (zip records or legacy trailing data).

/// A PyTorch storage named by a pickle's persistent id.
public struct TorchStorageReference: Hashable, Sendable {
    /// The storage's key: the zip record `data/<key>`, or the legacy format's root key.
    public var key: String
    /// Element type the reference reads the storage's bytes as.
    public var dtype: CheckpointDType
    /// Elements the reference declares (for a legacy view: the view's length).
    public var count: Int
    /// Device the storage was saved from ("cpu", "cuda:0"); informational.
    public var location: String
    /// Legacy storage views only: where the view (of `count` elements) starts in its root
    /// storage, in elements; nil when the reference is the whole storage.
    public var viewOffset: Int?

    public init(key: String, dtype: CheckpointDType, count: Int, location: String, viewOffset: Int? = nil) {
        self.key = key
        self.dtype = dtype
        self.count = count
        self.location = location
        self.viewOffset = viewOffset
    }
}

/// A PyTorch tensor as a pickle describes it: a strided view of a storage.
public struct TorchTensorReference: Hashable, Sendable {
    public var storage: TorchStorageReference
    /// Offset of the first element in the storage, in elements.
    public var offset: Int
    public var shape: [Int]
    public var strides: [Int]
    public var requiresGrad: Bool
    /// True when the pickle rebuilt it as an `nn.Parameter`.
    public var isParameter: Bool

    public init(storage: TorchStorageReference, offset: Int, shape: [Int], strides: [Int],
                requiresGrad: Bool = false, isParameter: Bool = false) {
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.strides = strides
        self.requiresGrad = requiresGrad
        self.isParameter = isParameter
    }
}
