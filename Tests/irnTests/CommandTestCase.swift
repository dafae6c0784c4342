// CommandTestCase: the scaffolding every command test shares — a fresh temporary folder per
// test (removed afterwards) and a way to run `irn` in-process, capturing stderr lines and the
// exit code exactly as the tool would produce them.
import XCTest
import Foundation
@testable import irn

class CommandTestCase: XCTestCase {
    /// A folder that exists for the duration of one test.
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("irn-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `irn arguments…` and returns the exit code and the lines written to stderr.
    func run(_ arguments: [String]) -> (code: Int32, err: [String]) {
        var err: [String] = []
        let code = IRNCommandLine.run(arguments, console: Console(out: { _ in }, err: { err.append($0) }))
        return (code, err)
    }

    /// A path inside the test's folder.
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}
