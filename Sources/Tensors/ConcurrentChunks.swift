// ConcurrentChunks: splits independent work items (image planes, normalisation groups) of the
// non-GEMM kernels into contiguous chunks and runs them on Dispatch's worker threads when the
// job is big enough to pay for it. Results never depend on the split: each item is computed by
// exactly one thread with the same arithmetic. Plumbing for DESIGN §7 (threads over planes).
import Dispatch

/// Below this many scalar operations a job runs on the calling thread.
public let concurrencyThreshold = 1 << 17

/// Calls `body` on contiguous sub-ranges covering `0 ..< count` exactly once, concurrently when
/// `count * costPerItem` (roughly scalar operations) reaches `threshold`, else in one call on
/// this thread (always with `Parallelism.threadCount` 1). At most `maxChunks` ranges are made;
/// the split never changes any result.
public func forEachChunk(count: Int, costPerItem: Int, maxChunks: Int = 16, threshold: Int = concurrencyThreshold,
                         _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = min(count, max(1, maxChunks))
    let (work, overflow) = count.multipliedReportingOverflow(by: max(costPerItem, 1))
    guard chunks > 1, Parallelism.workers > 1, overflow || work >= threshold else {
        body(0 ..< count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = count * chunk / chunks
        let end = count * (chunk + 1) / chunks
        if start < end { body(start ..< end) }
    }
}
