// Float32 -> float16 / bfloat16 rounding (used when writing safetensors) against NumPy's
// float16 and PyTorch's bfloat16 conversions of the same Float32 bit patterns
// (make_checkpoints.py `precision`), and float16 -> Float32 -> float16 identity over all
// 65536 patterns (the reading side, exact by construction).
import XCTest
import Checkpoints
import TestSupport

final class ReducedPrecisionTests: XCTestCase {
    func testRoundingMatchesNumPyAndPyTorch() throws {
        let inputs = try Fixtures.array("checkpoints/precision/float32_bits.npy").int64s().map { Float(bitPattern: UInt32($0)) }
        let half = try Fixtures.array("checkpoints/precision/float16_bits.npy").int64s().map { UInt16($0) }
        let bfloat = try Fixtures.array("checkpoints/precision/bfloat16_bits.npy").int64s().map { UInt16($0) }
        for (dtype, expected) in [(CheckpointDType.float16, half), (.bfloat16, bfloat)] {
            let tensor = CheckpointTensor(shape: [inputs.count], floats: inputs, dtype: dtype)
            let file = SafeTensors.write(StateDict([("x", tensor)]))
            let data = file.suffix(inputs.count * 2)
            let bits = stride(from: data.startIndex, to: data.endIndex, by: 2).map { UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8 }
            let wrong = zip(bits, expected).enumerated().filter { $0.element.0 != $0.element.1 }
            XCTAssertEqual(wrong.count, 0, "\(dtype): first differences \(wrong.prefix(5).map { (inputs[$0.offset], $0.element) })")
        }
    }

    func testEveryHalfPatternSurvivesARoundTrip() throws {
        var bytes: [UInt8] = []
        for pattern in 0...0xFFFF { bytes += [UInt8(pattern & 0xFF), UInt8(pattern >> 8)] }
        let header = Array(#"{"h":{"dtype":"F16","shape":[65536],"data_offsets":[0,131072]}}"#.utf8)
        let file = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header + bytes
        let (tensors, _) = try SafeTensors.read(file)
        let again = SafeTensors.write(tensors)
        XCTAssertEqual(Array(again.suffix(bytes.count)), bytes)
    }
}
