// NetworkWeights: checkpoint files turned into networks. A file is recognised by its content —
// a PyTorch .pth (zip archive of PyTorch >= 1.6, or the legacy pickle stream) or a safetensors
// file — and read without executing anything (Checkpoints). Its tensors become the named
// parameters the CAM network and IRNet bind (Networks' ParameterLayout; DESIGN §5). The
// backbone is inferred from the tensors — width from the stem conv's shape, bottlenecks per
// layer from the "layerK.N." names — as are the CAM class count (classifier rows) and IRNet's
// head widths, so the reduced models the training commands write load as they are. Every
// failure names the file.
import Checkpoints
import Networks
import Tensors

/// A checkpoint file that could not be read or does not fit the network: `underlying` is the
/// reader's or the binder's typed error (CheckpointError, PickleError, ZipError,
/// SafeTensorsError, NetworkBindingError, FileIOError...).
public struct NetworkWeightsError: Error, CustomStringConvertible {
    public let file: String
    public let underlying: any Error

    public init(file: String, underlying: any Error) {
        self.file = file
        self.underlying = underlying
    }

    public var description: String { "\(file): \(underlying)" }
}

/// Why a file is no checkpoint at all, or holds no network we know.
public enum CheckpointFileError: Error, Equatable, Sendable {
    /// Neither a zip/legacy PyTorch checkpoint nor a safetensors file.
    case unknownFormat
    /// No tensor of shape [C, 3, 7, 7] (the ResNet50 stem) to infer the width from.
    case noBackbone
}

public enum NetworkWeights {
    /// The container a checkpoint's bytes are in.
    public enum Format: Equatable, Sendable {
        case torch
        case safeTensors
    }

    /// The format of `bytes`, or nil: "PK" (zip) or a pickle PROTO opcode starts a .pth file;
    /// a little-endian header length that fits the file, followed by "{", a safetensors file.
    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.count >= 9, bytes[8] == UInt8(ascii: "{") {
            var length: UInt64 = 0
            for k in 0 ..< 8 { length |= UInt64(bytes[k]) << (8 * UInt64(k)) }
            if length <= UInt64(bytes.count - 8) { return .safeTensors }
        }
        if bytes.starts(with: [0x50, 0x4B]) || bytes.first == 0x80 { return .torch }
        return nil
    }

    /// The state dict stored in checkpoint `bytes` of either format.
    public static func stateDict(from bytes: [UInt8]) throws -> StateDict {
        switch format(of: bytes) {
        case .torch: return try TorchCheckpoint.stateDict(from: bytes)
        case .safeTensors: return try SafeTensors.read(bytes).tensors
        case nil: throw CheckpointFileError.unknownFormat
        }
    }

    /// Every entry as a Float32 tensor (integer buffers such as num_batches_tracked converted;
    /// the networks ignore them).
    public static func parameters(_ dict: StateDict) -> [String: Tensor] {
        var parameters: [String: Tensor] = [:]
        for (name, tensor) in dict.entries { parameters[name] = tensor.floatTensor() }
        return parameters
    }

    /// The backbone configuration of a state dict: the reference strides, the width from the
    /// stem conv ([64·w, 3, 7, 7]), the bottlenecks of each layer from the names
    /// "…layerK.N.conv1.weight" (the reference's 3, 4, 6, 3 for a layer without such names, as in
    /// files that only use the reference's container aliases).
    public static func configuration(of parameters: [String: Tensor]) throws -> ResNet50.Configuration {
        let preferred = ["resnet50.conv1.weight", "stage1.0.weight", "backbone.0.0.weight"]
        func isStem(_ tensor: Tensor) -> Bool {
            tensor.rank == 4 && tensor.shape[0] >= 1 && Array(tensor.shape.dropFirst()) == [3, 7, 7]
        }
        let stem = preferred.compactMap { parameters[$0] }.first
            ?? parameters.keys.sorted().compactMap { parameters[$0] }.first(where: isStem)
        guard let stem, isStem(stem) else {
            throw CheckpointFileError.noBackbone
        }
        var blocks = [0, 0, 0, 0]
        for name in parameters.keys {
            let parts = name.split(separator: ".")
            guard parts.count >= 4, parts[parts.count - 2] == "conv1", parts.last == "weight" else { continue }
            let layer = parts[parts.count - 4], block = parts[parts.count - 3]
            guard layer.hasPrefix("layer"), let k = Int(layer.dropFirst(5)), (1 ... 4).contains(k),
                  let n = Int(block), n >= 0, n < 1024 else { continue }
            blocks[k - 1] = max(blocks[k - 1], n + 1)
        }
        let reference = ResNet50.Configuration.reference.blockCounts
        return ResNet50.Configuration(blockCounts: (0 ..< 4).map { blocks[$0] > 0 ? blocks[$0] : reference[$0] },
                                      widthMultiplier: Double(stem.shape[0]) / 64)
    }

    /// Rows of the CAM classifier ("classifier.weight" or its alias "newly_added.0.weight",
    /// [classes, C5, 1, 1]); the reference's 20 when there is none.
    public static func classCount(of parameters: [String: Tensor]) -> Int {
        guard let classifier = parameters["classifier.weight"] ?? parameters["newly_added.0.weight"],
              classifier.rank == 4, classifier.shape[0] > 0 else { return 20 }
        return classifier.shape[0]
    }

    /// The named tensors of the checkpoint file at `path`.
    public static func load(_ path: String) throws -> [String: Tensor] {
        try loadWithMetadata(path).parameters
    }

    /// The named tensors of the checkpoint file at `path` and its text metadata (a safetensors
    /// header's "__metadata__"; empty for .pth files).
    public static func loadWithMetadata(_ path: String) throws -> (parameters: [String: Tensor], metadata: [String: String]) {
        let bytes = try FileIO.read(path)
        do {
            if format(of: bytes) == .safeTensors {
                let file = try SafeTensors.read(bytes)
                return (parameters(file.tensors), file.metadata)
            }
            // Integer buffers (num_batches_tracked, IRNet's path_indices: 200 MB in the
            // reference's checkpoint) are never read by the networks, so they are not decoded.
            guard format(of: bytes) == .torch else { throw CheckpointFileError.unknownFormat }
            return (parameters(try TorchCheckpoint.stateDict(from: bytes, including: { _, dtype in dtype.isFloatingPoint })), [:])
        } catch {
            throw NetworkWeightsError(file: path, underlying: error)
        }
    }

    /// The CAM network of a checkpoint file (the reference's resnet50_cam Net / CAM state dict,
    /// or what `irn train-cam` writes: any width, block counts and class count).
    public static func camNetwork(from path: String) throws -> CAMNetwork {
        try camNetwork(parameters: load(path), file: path)
    }

    /// The CAM network of a checkpoint's tensors (`file` names it in errors).
    public static func camNetwork(parameters: [String: Tensor], file: String) throws -> CAMNetwork {
        do {
            return try CAMNetwork(parameters: parameters, configuration: try configuration(of: parameters),
                                  classCount: classCount(of: parameters))
        } catch {
            throw NetworkWeightsError(file: file, underlying: error)
        }
    }

    /// IRNet of a checkpoint file (the reference's resnet50_irn AffinityDisplacementLoss /
    /// EdgeDisplacement state dict, or what `irn train-irn` writes: any width, block counts and
    /// head widths).
    public static func irNetwork(from path: String) throws -> IRNetwork {
        let parameters = try load(path)
        do {
            return try IRNetwork(parameters: parameters, configuration: try configuration(of: parameters),
                                 headWidths: IRNetwork.HeadWidths(parameters: parameters) ?? .reference)
        } catch {
            throw NetworkWeightsError(file: path, underlying: error)
        }
    }
}
