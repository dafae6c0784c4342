// Parallelism: the process-wide worker count of the numeric kernels, and the one helper that
// runs independent tasks on that many workers with DispatchQueue.concurrentPerform.
// Kernels partition their output so that each element is computed by exactly one worker in a
// fixed order, so results are bit-identical for every thread count (DESIGN §7).
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum Parallelism {
    /// Number of processors the system reports online (at least 1).
    public static let processorCount: Int = {
        #if canImport(Glibc) || canImport(Darwin)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }()

    /// How many workers the kernels use. Defaults to the processor count; set it once at start-up
    /// (the CLI's `--threads`). Values below 1 are treated as 1. Results do not depend on it.
    public static var threadCount: Int = processorCount

    /// `threadCount`, clamped to at least 1.
    @inlinable public static var workers: Int { max(1, threadCount) }

    /// Runs `body(task)` for every task in 0..<count on `workers` threads. With as many workers
    /// as processors the tasks are handed out dynamically (concurrentPerform's shared counter),
    /// which keeps both cores busy when another process takes time from one; with fewer, each
    /// worker takes a fixed contiguous share. Tasks must write disjoint outputs.
    @inlinable
    public static func forEachTask(_ count: Int, workers: Int = Parallelism.workers, _ body: (Int) -> Void) {
        if workers <= 1 || count <= 1 {
            for task in 0..<count { body(task) }
        } else if workers >= processorCount {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        } else {
            let parts = min(workers, count)
            DispatchQueue.concurrentPerform(iterations: parts) { worker in
                for task in share(of: count, parts: parts, index: worker) { body(task) }
            }
        }
    }

    /// Even split of 0..<total into `parts` contiguous ranges; range `index` of them.
    @inlinable
    public static func share(of total: Int, parts: Int, index: Int) -> Range<Int> {
        let lower = total * index / parts
        let upper = total * (index + 1) / parts
        return lower..<upper
    }
}
