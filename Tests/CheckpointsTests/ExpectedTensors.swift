// ExpectedTensors: compares a StateDict with the tensors PyTorch held, as make_checkpoints.py
// stored them (manifest lines "dtype<TAB>name" and expected/<k>.npy; floats as float32 via
// tensor.float(), float64 as float64, integers and bools in their own dtype). Floats must be bitwise equal,
// integers equal, names in the same order, dtypes as PyTorch named them.
import XCTest
import Checkpoints
import Codecs
import TestSupport

enum ExpectedTensors {
    static func manifest(_ path: String) throws -> [(dtype: String, name: String)] {
        let text = String(decoding: try Fixtures.bytes(path), as: UTF8.self)
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (String(parts[0]), String(parts[1]))
        }
    }

    /// Asserts `stateDict` holds exactly the manifest's tensors; returns how many were compared.
    @discardableResult
    static func assertMatches(_ stateDict: StateDict, folder: String, file: StaticString = #filePath,
                              line: UInt = #line) throws -> Int {
        let entries = try manifest(folder + "/manifest.txt")
        XCTAssertEqual(stateDict.names, entries.map(\.name), "names and order", file: file, line: line)
        var elements = 0
        for (k, entry) in entries.enumerated() {
            guard let tensor = stateDict[entry.name] else {
                XCTFail("'\(entry.name)' missing", file: file, line: line)
                continue
            }
            let expected = try Fixtures.array("\(folder)/expected/\(k).npy")
            XCTAssertEqual(tensor.dtype.rawValue, entry.dtype, entry.name, file: file, line: line)
            XCTAssertEqual(tensor.shape, expected.shape, entry.name, file: file, line: line)
            switch tensor.values {
            case .floats(let values):
                XCTAssertEqual(expected.dtype, .float32, entry.name, file: file, line: line)
                XCTAssertEqual(values.map(\.bitPattern), expected.floats().map(\.bitPattern),
                               "\(entry.name): not bitwise equal to PyTorch", file: file, line: line)
            case .doubles(let values):
                XCTAssertEqual(expected.dtype, .float64, entry.name, file: file, line: line)
                XCTAssertEqual(values.map(\.bitPattern), expected.doubles().map(\.bitPattern),
                               "\(entry.name): not bitwise equal to PyTorch", file: file, line: line)
                XCTAssertEqual(tensor.tensor?.scalars, values.map { Float($0) }, entry.name, file: file, line: line)
            case .integers(let values):
                XCTAssertEqual(values, expected.int64s(), entry.name, file: file, line: line)
            }
            elements += tensor.count
        }
        return elements
    }
}

/// The typed errors of the checkpoint and pickled-array readers (for Corruption.outcomes).
func isReaderError(_ error: Error) -> Bool { error is CheckpointError || error is PickleError || error is NPYError }

/// The marker file the malicious fixtures' payloads would create.
enum Payload {
    static let marker = "/tmp/irn-checkpoints-payload-ran"

    static func clear() { try? FileManager.default.removeItem(atPath: marker) }

    static func assertDidNotRun(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the payload ran", file: file, line: line)
    }
}
