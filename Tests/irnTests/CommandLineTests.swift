// The command-line contract: --help and --version exit 0, an unknown command or option exits 2
// with one error line and one hint line on stderr.
import XCTest
@testable import irn

final class CommandLineTests: XCTestCase {
    private func run(_ arguments: [String]) -> (code: Int32, out: [String], err: [String]) {
        var out: [String] = [], err: [String] = []
        let console = Console(out: { out.append($0) }, err: { err.append($0) })
        let code = IRNCommandLine.run(arguments, console: console)
        return (code, out, err)
    }

    func testHelpAndVersion() {
        let help = run(["--help"])
        XCTAssertEqual(help.code, 0)
        XCTAssertTrue(help.out.joined().contains("Usage: irn <command>"))
        XCTAssertTrue(help.out.joined().contains("Example"))
        let version = run(["--version"])
        XCTAssertEqual(version.code, 0)
        XCTAssertEqual(version.out, ["irn \(IRNCommandLine.version)"])
    }

    func testUnknownCommandIsAUsageError() {
        let result = run(["frobnicate"])
        XCTAssertEqual(result.code, 2)
        XCTAssertEqual(result.err.count, 2)
        XCTAssertEqual(result.err[0], "irn: error: unknown command 'frobnicate'")
        XCTAssertTrue(result.err[1].hasPrefix("hint: "))
    }

    func testNoArgumentsPrintsOverviewAndExits2() {
        XCTAssertEqual(run([]).code, 2)
    }
}
