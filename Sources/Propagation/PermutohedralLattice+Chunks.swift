// Work splitting for the lattice and the dense CRF: contiguous ranges of independent items
// (vertices, pixels) handed to Dispatch's worker threads when the job is big enough. Each item
// is computed by exactly one thread with the same arithmetic, so results never depend on the
// split. Plumbing for DESIGN §7 ("threads over rows"); no paper equation here.
import Dispatch

/// Below this many scalar operations a job stays on the calling thread.
let latticeConcurrencyThreshold = 1 << 16

/// Calls `body` on contiguous sub-ranges covering `0 ..< count` exactly once, concurrently when
/// `count * costPerItem` is large enough to pay for the threads.
func forEachLatticeChunk(count: Int, costPerItem: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = min(count, 32)
    let (work, overflow) = count.multipliedReportingOverflow(by: max(costPerItem, 1))
    guard chunks > 1, overflow || work >= latticeConcurrencyThreshold else {
        body(0 ..< count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = count * chunk / chunks
        let end = count * (chunk + 1) / chunks
        if start < end { body(start ..< end) }
    }
}
