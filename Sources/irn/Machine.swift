// Machine: what `irn bench` reports about the computer it runs on — the CPU model (from
// /proc/cpuinfo when readable), the processor count, the worker threads used and whether this
// is a native (-march=native) or portable (IRN_PORTABLE=1) build, the git commit of the
// working directory when it is a checkout, and the multiply-add peak (PeakProbe) to compare with.
import Foundation
import Tensors

struct Machine {
    let cpu: String
    let processors: Int
    let threads: Int
    let build: String
    let commit: String?
    /// PeakProbe's rate on `threads` threads, in GFLOP/s.
    let peakGFLOPs: Double

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
                       threads: threads, build: "\(build) \(configuration)", commit: gitCommit(),
                       peakGFLOPs: PeakProbe.measure(threads: threads) * 1e-9)
    }

    var summary: String {
        "machine: \(cpu), \(processors) processors, \(threads) threads, \(build) build"
            + (commit.map { ", commit \($0)" } ?? "")
            + String(format: "\nmultiply-add peak: %.1f GFLOP/s on %d thread%@", peakGFLOPs, threads, threads == 1 ? "" : "s")
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

    /// `git rev-parse --short HEAD` in the current directory, or nil when that fails.
    static func gitCommit() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--short", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
