// irn: the command-line tool. See IRNCommandLine for dispatch and Docs/CLI.md for the commands.
// Before dispatch, glibc's allocator is told to keep freed memory: the networks allocate and
// free activations of tens of MB per layer, which by default are fresh mmap'd pages each time
// (a page fault and a zeroed page per 4 KB); kept in the heap they are reused.
import Foundation
#if canImport(Glibc)
/// glibc's mallopt (malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1  // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
_ = mallopt(mmapThreshold, 1 << 30)
_ = mallopt(trimThreshold, 1 << 30)
#endif

exit(IRNCommandLine.run(Array(CommandLine.arguments.dropFirst())))
