// `irn bench`: help with an example, a usage error (exit 2) for an unknown subject, and a tiny
// real run whose JSON names every requested size.
import XCTest
@testable import irn

final class BenchCommandTests: XCTestCase {
    private func run(_ arguments: [String]) -> (code: Int32, out: [String], err: [String]) {
        var out: [String] = [], err: [String] = []
        let console = Console(out: { out.append($0) }, err: { err.append($0) })
        let code = IRNCommandLine.run(arguments, console: console)
        return (code, out, err)
    }

    func testHelpShowsOptionsAndExample() {
        let result = run(["bench", "--help"])
        XCTAssertEqual(result.code, 0)
        let text = result.out.joined(separator: "\n")
        XCTAssertTrue(text.contains("Usage: irn bench"))
        XCTAssertTrue(text.contains("--threads"))
        XCTAssertTrue(text.contains("Example"))
        XCTAssertTrue(text.contains("irn bench gemm"))
    }

    func testUnknownSubjectIsAUsageError() {
        let result = run(["bench", "fft"])
        XCTAssertEqual(result.code, 2)
        XCTAssertEqual(result.err.first, "irn: error: unknown bench subject 'fft'")
        XCTAssertTrue(result.err.last?.hasPrefix("hint: ") ?? false)
        XCTAssertEqual(run(["bench", "gemm", "conv"]).code, 2)
        XCTAssertEqual(run(["bench", "gemm", "--sizes", "0"]).code, 2)
        XCTAssertEqual(run(["bench", "gemm", "--threads", "zero"]).code, 2)
    }

    func testSmallGEMMRunPrintsJSON() throws {
        let result = run(["bench", "gemm", "--sizes", "8,33", "--repeat", "1", "--threads", "2", "--json"])
        XCTAssertEqual(result.code, 0, result.err.joined(separator: "\n"))
        let data = Data(result.out.joined(separator: "\n").utf8)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["threads"] as? Int, 2)
        let results = try XCTUnwrap(object["results"] as? [[String: Any]])
        XCTAssertEqual(results.compactMap { $0["shape"] as? String }, ["8x8x8", "33x33x33"])
        XCTAssertTrue(results.allSatisfy { ($0["gflops"] as? Double ?? 0) > 0 })
    }
}
