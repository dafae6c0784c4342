// `irn bench`: measures the performance core on this machine — GFLOP/s of the GEMM on square
// sizes and of conv2d on the convolution shapes of ResNet50 at 512×512 (DESIGN §7). Prints the
// machine (CPU model, cores, build mode) first; --json gives the same numbers for scripts
// (Benchmarks/compare_gemm.py). Each figure is the best of --repeat runs after one warm-up.
import Foundation
import Tensors

struct BenchCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "bench",
        summary: "Measure GEMM and convolution speed (GFLOP/s) on this machine",
        usage: "gemm|conv [--sizes LIST] [--repeat N] [--threads T] [--batch N] [--json]",
        options: [
            OptionSpec("sizes", "LIST", "gemm: square sizes, comma-separated (default 256,512,1024,2048)"),
            OptionSpec("repeat", "N", "timed runs per case after a warm-up; the best is shown (default 5)"),
            OptionSpec("threads", "T", "worker threads (default: all \(Parallelism.processorCount) processors)"),
            OptionSpec("batch", "N", "conv: images per batch (default 1)"),
            OptionSpec("json", nil, "print JSON instead of a table"),
        ],
        examples: ["irn bench gemm --sizes 256,512,1024 --repeat 5 --threads 2",
                   "irn bench conv --json"],
        positionalRange: 1...1)

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let subject = arguments.positional[0]
        guard subject == "gemm" || subject == "conv" else {
            throw UsageError(message: "unknown bench subject '\(subject)'",
                             hint: "choose 'irn bench gemm' or 'irn bench conv'")
        }
        let repeats = try arguments.int("repeat", default: 5, range: 1...1000)
        let threads = try arguments.int("threads", default: Parallelism.processorCount, range: 1...1024)
        let batch = try arguments.int("batch", default: 1, range: 1...64)
        let json = arguments.has("json")
        let previousThreads = Parallelism.threadCount
        Parallelism.threadCount = threads
        defer { Parallelism.threadCount = previousThreads }

        let machine = Machine.current(threads: threads)
        var results: [BenchResult] = []
        if !json { console.out(machine.summary) }
        if subject == "gemm" {
            let sizes = try arguments.doubles("sizes", default: [256, 512, 1024, 2048])
            guard sizes.allSatisfy({ $0 >= 1 && $0 <= 16384 && $0 == $0.rounded() }) else {
                throw UsageError(message: "--sizes must be whole numbers in 1...16384",
                                 hint: "for example: --sizes 256,512,1024")
            }
            if !json { console.out(BenchResult.header) }
            for size in sizes.map({ Int($0) }) {
                let result = GEMMBench.measure(size: size, repeats: repeats)
                results.append(result)
                if !json { console.out(result.row) }
            }
        } else {
            if !json { console.out(BenchResult.header) }
            for shape in ConvBench.resnet50Shapes {
                let result = ConvBench.measure(shape, batch: batch, repeats: repeats)
                results.append(result)
                if !json { console.out(result.row) }
            }
        }
        if json {
            console.out(BenchResult.json(subject: subject, machine: machine, results: results))
        }
    }
}

/// One measured case.
struct BenchResult {
    let name: String
    let shape: String
    let milliseconds: Double
    let gflops: Double
    /// Sizes of the case for scripts (m, n, k or the conv parameters), in JSON only.
    var parameters: [(String, Int)] = []

    static let header = "name                          shape                              ms    GFLOP/s"

    var row: String {
        func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(1, width - s.count)) }
        return pad(name, 30) + pad(shape, 30) + String(format: "%9.3f %10.1f", milliseconds, gflops)
    }

    static func json(subject: String, machine: Machine, results: [BenchResult]) -> String {
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let entries = results.map { result in
            let parameters = result.parameters.map { ", \(quoted($0.0)): \($0.1)" }.joined()
            return "    {\"name\": \(quoted(result.name)), \"shape\": \(quoted(result.shape))\(parameters), "
                + "\"ms\": \(String(format: "%.4f", result.milliseconds)), "
                + "\"gflops\": \(String(format: "%.2f", result.gflops))}"
        }
        return """
            {
              "subject": \(quoted(subject)),
              "cpu": \(quoted(machine.cpu)),
              "processors": \(machine.processors),
              "threads": \(machine.threads),
              "build": \(quoted(machine.build)),
              "commit": \(machine.commit.map(quoted) ?? "null"),
              "peak_gflops": \(String(format: "%.1f", machine.peakGFLOPs)),
              "results": [
            \(entries.joined(separator: ",\n"))
              ]
            }
            """
    }
}

/// Times `body`: one warm-up call, then the best of `repeats` timed calls, in seconds.
func bestTime(repeats: Int, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        best = min(best, elapsed)
    }
    return best
}

enum GEMMBench {
    static func measure(size: Int, repeats: Int) -> BenchResult {
        var random = SeededRandom(seed: 7)
        let a = random.tensor(shape: [size, size], scale: 1).scalars
        let b = random.tensor(shape: [size, size], scale: 1).scalars
        var c = [Float](repeating: 0, count: size * size)
        let seconds = bestTime(repeats: repeats) {
            gemm(m: size, n: size, k: size, a: a, lda: size, b: b, ldb: size, c: &c, ldc: size)
        }
        let flops = 2 * Double(size) * Double(size) * Double(size)
        return BenchResult(name: "gemm \(size)", shape: "\(size)x\(size)x\(size)",
                           milliseconds: seconds * 1e3, gflops: flops / seconds * 1e-9,
                           parameters: [("m", size), ("n", size), ("k", size)])
    }
}
