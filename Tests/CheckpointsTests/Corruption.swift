// Corruption: loads every one-byte corruption of a file and counts how many still load and how
// many are refused, failing the test on any error that is not one of the readers' typed errors.
// Shared by the checkpoint and pickled-array readers' robustness tests.
import XCTest
import Checkpoints
import Codecs

enum Corruption {
    /// For each position, each of `replacements(position, byte)` in place of the byte.
    static func outcomes(of bytes: [UInt8], replacements: (Int, UInt8) -> [UInt8] = { [$1 ^ 0xFF] },
                         load: ([UInt8]) throws -> Void,
                         file: StaticString = #filePath, line: UInt = #line) -> (loaded: Int, refused: Int) {
        var outcomes = (loaded: 0, refused: 0)
        for position in bytes.indices {
            for replacement in replacements(position, bytes[position]) {
                var corrupted = bytes
                corrupted[position] = replacement
                do {
                    try load(corrupted)
                    outcomes.loaded += 1
                } catch is CheckpointError {
                    outcomes.refused += 1
                } catch is PickleError {
                    outcomes.refused += 1
                } catch is NPYError {
                    outcomes.refused += 1
                } catch {
                    XCTFail("byte \(position): untyped error \(error)", file: file, line: line)
                }
            }
        }
        return outcomes
    }
}
