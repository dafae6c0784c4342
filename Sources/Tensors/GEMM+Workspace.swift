// GEMMWorkspace: the packing buffers of the GEMM (packed A panels, packed B panels), 64-byte
// aligned, grown on demand and kept between calls. conv2d keeps one for all images of a batch;
// callers running many layers may keep one for the whole network. Calls that pass none borrow
// one from a small shared pool, so repeated products do not pay for fresh pages (first-touch
// page faults cost as much as the packing itself). A workspace serves one GEMM at a time.
import Dispatch

public final class GEMMWorkspace {
    private(set) var packedA: UnsafeMutablePointer<Float>
    private(set) var packedB: UnsafeMutablePointer<Float>
    private var capacityA: Int
    private var capacityB: Int

    public init() {
        capacityA = 0
        capacityB = 0
        packedA = GEMMWorkspace.allocate(0)
        packedB = GEMMWorkspace.allocate(0)
    }

    deinit {
        packedA.deallocate()
        packedB.deallocate()
    }

    /// Makes room for at least `a` and `b` floats of packed panels.
    func reserve(a: Int, b: Int) {
        if a > capacityA {
            packedA.deallocate()
            packedA = GEMMWorkspace.allocate(a)
            capacityA = a
        }
        if b > capacityB {
            packedB.deallocate()
            packedB = GEMMWorkspace.allocate(b)
            capacityB = b
        }
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: max(64, count * MemoryLayout<Float>.stride), alignment: 64)
            .bindMemory(to: Float.self, capacity: max(16, count))
    }

    // MARK: Shared pool

    /// Idle workspaces kept for callers that pass none (at most `poolLimit`).
    nonisolated(unsafe) private static var pool: [GEMMWorkspace] = []
    private static let poolLock = DispatchSemaphore(value: 1)
    private static let poolLimit = 2

    /// Runs `body` with `workspace`, or with one borrowed from the shared pool when it is nil.
    static func using<Result>(_ workspace: GEMMWorkspace?, _ body: (GEMMWorkspace) -> Result) -> Result {
        if let workspace { return body(workspace) }
        poolLock.wait()
        let borrowed = pool.popLast() ?? GEMMWorkspace()
        poolLock.signal()
        defer {
            poolLock.wait()
            if pool.count < poolLimit { pool.append(borrowed) }
            poolLock.signal()
        }
        return body(borrowed)
    }
}
