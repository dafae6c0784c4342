// PickledArrays on the dict numpy.save pickles (Fixtures/Generators/pickled_arrays.py): every
// NumPy array and PyTorch tensor equal, bit for bit, to the plain arrays NumPy wrote beside it
// (every accepted dtype, Fortran order, big-endian, 0-d, empty, strided tensor views); a
// forbidden global refused by name; every truncation and byte corruption a typed error.
import XCTest
import Checkpoints
import Codecs
import TestSupport

final class PickledArraysTests: XCTestCase {
    private func file() throws -> [UInt8] { try Fixtures.bytes("checkpoints/pickled_arrays.npy") }

    func testValuesEqualNumPy() throws {
        let entries = try PickledArrays.dictionary(fromPickle: NPY.pickledObject(file()))
        let expected = try NPZ.decode(Fixtures.bytes("checkpoints/pickled_arrays_expected.npz"))
        XCTAssertEqual(entries.map(\.name), expected.map(\.0))
        let types: [String: String] = ["<f4": "float32", "<f8": "float64", "<f2": "float16", "<i8": "int64", "<i4": "int32",
                                       "<i2": "int16", "|i1": "int8", "|u1": "uint8", "|b1": "bool"]
        for ((name, tensor), (_, array)) in zip(entries, expected) {
            XCTAssertEqual(tensor.dtype.rawValue, types[array.dtype.rawValue], name)
            XCTAssertEqual(tensor.shape, array.shape, name)
            switch tensor.values {
            case .floats(let values): XCTAssertEqual(values.map(\.bitPattern), array.floats().map(\.bitPattern), name)
            case .doubles(let values): XCTAssertEqual(values.map(\.bitPattern), array.doubles().map(\.bitPattern), name)
            case .integers(let values): XCTAssertEqual(values, array.int64s(), name)
            }
        }
        print("pickled arrays: \(entries.count) entries equal to NumPy's")
    }

    func testForbiddenGlobalIsRefusedByName() throws {
        Payload.clear()
        XCTAssertThrowsError(try PickledArrays.dictionary(fromPickle: Fixtures.bytes("checkpoints/malicious/os_system_stack_global.pkl"))) {
            guard case .forbiddenGlobal("os", "system", _)? = $0 as? PickleError else { return XCTFail("\($0)") }
        }
        Payload.assertDidNotRun()
    }

    func testNotADictOfArrays() throws {
        // A plain .npy array is no pickled object; a pickled list is no dict.
        XCTAssertThrowsError(try NPY.pickledObject(NPY.encode(NPYArray(float32: [1, 2], shape: [2])))) {
            XCTAssertEqual($0 as? NPYError, .unsupportedDType("<f4"))
        }
        XCTAssertThrowsError(try PickledArrays.dictionary(fromPickle: [0x80, 0x02, 0x5D, 0x2E])) {  // PROTO 2, EMPTY_LIST, STOP
            guard case .malformed? = $0 as? CheckpointError else { return XCTFail("\($0)") }
        }
        // {"a": "text"} at protocol 2: EMPTY_DICT, BINUNICODE key and value, SETITEM, STOP.
        let dict: [UInt8] = [0x80, 0x02, 0x7D, 0x58, 1, 0, 0, 0, 0x61, 0x58, 4, 0, 0, 0] + Array("text".utf8) + [0x73, 0x2E]
        XCTAssertThrowsError(try PickledArrays.dictionary(fromPickle: dict)) {
            XCTAssertEqual($0 as? CheckpointError, .malformed("'a' is a str, not an array or a tensor"))
        }
    }

    func testEveryTruncationIsAnError() throws {
        let bytes = try file()
        for length in 0..<bytes.count {
            do {
                _ = try PickledArrays.dictionary(fromPickle: NPY.pickledObject(Array(bytes[0..<length])))
                XCTFail("cut at \(length): loaded")
            } catch is NPYError {
            } catch is CheckpointError {
            } catch is PickleError {
            } catch {
                XCTFail("cut at \(length): untyped error \(error)")
            }
        }
    }

    func testCorruptedBytesGiveTypedErrorsOrValues() throws {
        let bytes = try file()
        let outcomes = Corruption.outcomes(of: bytes, isTyped: isReaderError) {
            _ = try PickledArrays.dictionary(fromPickle: NPY.pickledObject($0))
        }
        XCTAssertGreaterThan(outcomes.refused, bytes.count / 10)
        print("corrupted pickled arrays: \(outcomes.loaded) loaded, \(outcomes.refused) refused")
    }
}
