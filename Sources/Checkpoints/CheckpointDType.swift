// CheckpointDType: the element types a checkpoint file may store, with their byte sizes and
// their names in PyTorch pickles (storage classes such as `torch.FloatStorage`) and in
// safetensors headers ("F32"). Part of Checkpoints; floating types are read into Float32
// tensors, integer and boolean types into Int64 values (see CheckpointTensor).

/// Element type of a stored tensor.
public enum CheckpointDType: String, CaseIterable, Sendable {
    case float16, bfloat16, float32, float64
    case bool, uint8, int8, int16, int32, int64

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .uint8, .int8: return 1
        case .float16, .bfloat16, .int16: return 2
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        }
    }

    /// True for the types read as Float32 values.
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: return true
        default: return false
        }
    }

    /// The range of values an integer type can hold (booleans: 0...1).
    public var integerRange: ClosedRange<Int64> {
        switch self {
        case .bool: return 0...1
        case .uint8: return 0...255
        case .int8: return -128...127
        case .int16: return -32768...32767
        case .int32: return Int64(Int32.min)...Int64(Int32.max)
        default: return Int64.min...Int64.max
        }
    }

    /// The PyTorch storage class that pickles name for this type (`torch.<name>`).
    public var torchStorageName: String {
        switch self {
        case .float16: return "HalfStorage"
        case .bfloat16: return "BFloat16Storage"
        case .float32: return "FloatStorage"
        case .float64: return "DoubleStorage"
        case .bool: return "BoolStorage"
        case .uint8: return "ByteStorage"
        case .int8: return "CharStorage"
        case .int16: return "ShortStorage"
        case .int32: return "IntStorage"
        case .int64: return "LongStorage"
        }
    }

    /// The dtype string of a safetensors header.
    public var safeTensorsName: String {
        switch self {
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float32: return "F32"
        case .float64: return "F64"
        case .bool: return "BOOL"
        case .uint8: return "U8"
        case .int8: return "I8"
        case .int16: return "I16"
        case .int32: return "I32"
        case .int64: return "I64"
        }
    }

    /// The type a PyTorch storage class name stands for, if it is one we read.
    public init?(torchStorageName name: String) {
        guard let match = CheckpointDType.allCases.first(where: { $0.torchStorageName == name }) else { return nil }
        self = match
    }

    /// The type a safetensors dtype string stands for, if it is one we read.
    public init?(safeTensorsName name: String) {
        guard let match = CheckpointDType.allCases.first(where: { $0.safeTensorsName == name }) else { return nil }
        self = match
    }

    /// PyTorch storage classes that are valid in a checkpoint but hold types we do not read
    /// (complex and quantized). They may be named by a pickle; loading them is "unsupported".
    static let unsupportedTorchStorageNames: Set<String> = [
        "ComplexFloatStorage", "ComplexDoubleStorage", "ComplexHalfStorage",
        "QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage",
    ]
}
