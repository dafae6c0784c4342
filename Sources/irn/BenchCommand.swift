// `irn bench`: measures the performance core on this machine — GFLOP/s of the GEMM on square
// sizes and of conv2d on the convolution shapes of ResNet50 at 512×512, with im2col and Winograd
// rows for the 3×3 layers of a photo at scale 2 (DESIGN §7). Prints the
// machine (CPU model, cores, build mode) first; --json gives the same numbers for scripts
// (Benchmarks/compare_gemm.py). Each figure is the best of --repeat runs after one warm-up.
import Foundation
import Tensors

struct BenchCommand: IRNCommand {
    static let spec = CommandSpec(
        name: "bench",
        summary: "Measure GEMM, convolution, stage and decoding speed on this machine",
        usage: "[gemm|conv|networks|walk|pamr|crf|decode|train-cam|train-irn] [--sizes LIST] [--repeat N] [--threads T] [--batch N] [--image IMG] [--files LIST] [--json]",
        options: [
            OptionSpec("sizes", "LIST", "gemm: square sizes, comma-separated (default 256,512,1024,2048)"),
            OptionSpec("repeat", "N", "timed runs per case after a warm-up; the best is shown (default 5)"),
            OptionSpec("threads", "T", "worker threads (default: all \(Parallelism.processorCount) processors)"),
            OptionSpec("batch", "N", "conv, train-cam: images per batch (default 1)"),
            OptionSpec("image", "IMG", "networks, pamr, crf: the photo to use (default: a seeded 375x500 image)"),
            OptionSpec("files", "LIST", "decode: image files to decode, comma-separated"),
            OptionSpec("json", nil, "print JSON instead of a table"),
        ],
        examples: ["irn bench                       (one figure of each kind)",
                   "irn bench gemm --sizes 256,512,1024 --repeat 5 --threads 2",
                   "irn bench conv --json",
                   "irn bench walk",
                   "irn bench train-irn             (IRNet training images/s, 512 and 128 crops)",
                   "irn bench decode --files photo.jpg,labels.png --repeat 20",
                   "irn bench train-cam --batch 4 --repeat 2"],
        positionalRange: 0...1)

    static func run(_ arguments: ParsedArguments, console: Console) throws {
        let subject = arguments.positional.first ?? "overview"
        guard subject == "gemm" || subject == "conv" || subject == "overview" || subject == "train-cam"
                || StageBench.subjects.contains(subject) else {
            throw UsageError(message: "unknown bench subject '\(subject)'",
                             hint: "choose one of gemm, conv, " + StageBench.subjects.joined(separator: ", ") + ", train-cam")
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
        if subject == "overview" {
            // Without a subject: one figure of each kind, a minute or so in all.
            if !json { console.out(BenchResult.header) }
            // The walk goes first: its peak-memory figure is the process's high-water mark.
            var overview = try StageBench.measure("walk", imagePath: nil, files: [], repeats: min(repeats, 3))
            overview.append(GEMMBench.measure(size: 1024, repeats: repeats))
            if let shape = ConvBench.resnet50Shapes.last { overview.append(ConvBench.measure(shape, batch: 1, repeats: repeats)) }
            overview += try NetworkBench.measure(imagePath: nil, repeats: 1)
            for stage in ["pamr", "crf"] {
                overview += try StageBench.measure(stage, imagePath: nil, files: [], repeats: min(repeats, 3))
            }
            for result in overview {
                results.append(result)
                if !json { console.out(result.row) }
            }
        } else if subject == "gemm" {
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
        } else if subject == "train-cam" {
            if !json { console.out(BenchResult.header) }
            for result in TrainingBench.measure(batch: batch, repeats: repeats) {
                results.append(result)
                if !json { console.out(result.row) }
            }
        } else if StageBench.subjects.contains(subject) {
            if !json { console.out(BenchResult.header) }
            let files = arguments.string("files").map { $0.split(separator: ",").map(String.init) } ?? []
            for result in try StageBench.measure(subject, imagePath: arguments.string("image"), files: files,
                                                 repeats: repeats) {
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
            for shape in ConvBench.photoShapes {
                let result = ConvBench.measure(shape, batch: 2, repeats: repeats)
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
        let rate = gflops.isNaN ? String(repeating: " ", count: 10) + "-" : String(format: " %10.1f", gflops)
        return pad(name, 30) + pad(shape, 30) + String(format: "%9.3f", milliseconds) + rate
    }

    static func json(subject: String, machine: Machine, results: [BenchResult]) -> String {
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let entries = results.map { result in
            let parameters = result.parameters.map { ", \(quoted($0.0)): \($0.1)" }.joined()
            return "    {\"name\": \(quoted(result.name)), \"shape\": \(quoted(result.shape))\(parameters), "
                + "\"ms\": \(String(format: "%.4f", result.milliseconds)), "
                + "\"gflops\": \(result.gflops.isNaN ? "null" : String(format: "%.2f", result.gflops))}"
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
