// Machine: what `irn bench` reports about the computer it runs on — the CPU model (from
// /proc/cpuinfo when readable), the processor count, the worker threads used and whether this
// is a native (-march=native) or portable (IRN_PORTABLE=1) build.
import Foundation
import Tensors

struct Machine {
    let cpu: String
    let processors: Int
    let threads: Int
    let build: String

    static func current(threads: Int) -> Machine {
        #if IRN_PORTABLE
        let build = "portable"
        #else
        let build = "native"
        #endif
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        return Machine(cpu: cpuModel() ?? "unknown CPU", processors: Parallelism.processorCount,
                       threads: threads, build: "\(build) \(configuration)")
    }

    var summary: String {
        "machine: \(cpu), \(processors) processors, \(threads) threads, \(build) build"
    }

    /// The "model name" line of /proc/cpuinfo, when there is one.
    static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
