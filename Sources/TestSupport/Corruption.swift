// Corruption: robustness checks of decoders on damaged files. Replaces one byte at a time
// (at the chosen positions, with the chosen values), decodes, and counts how many still decode
// and how many are refused; any error that the decoder's own typed errors do not cover fails
// the test, so a reader can be shown never to crash or throw something untyped.
import XCTest

public enum Corruption {
    /// Decodes every one-byte corruption of `bytes`: at each of `positions`, each of
    /// `replacements(position, original byte)` in place of the byte. `isTyped` says whether an
    /// error is one of the reader's typed errors.
    public static func outcomes(of bytes: [UInt8], positions: [Int]? = nil,
                                replacements: (Int, UInt8) -> [UInt8] = { [$1 ^ 0xFF] },
                                isTyped: (Error) -> Bool, load: ([UInt8]) throws -> Void,
                                file: StaticString = #filePath, line: UInt = #line) -> (loaded: Int, refused: Int) {
        var outcomes = (loaded: 0, refused: 0)
        for position in positions ?? Array(bytes.indices) {
            for replacement in replacements(position, bytes[position]) {
                var corrupted = bytes
                corrupted[position] = replacement
                do {
                    try load(corrupted)
                    outcomes.loaded += 1
                } catch where isTyped(error) {
                    outcomes.refused += 1
                } catch {
                    XCTFail("byte \(position) = \(replacement): untyped error \(error)", file: file, line: line)
                }
            }
        }
        return outcomes
    }
}
