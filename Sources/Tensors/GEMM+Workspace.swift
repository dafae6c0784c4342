// GEMMWorkspace: the packing buffers of the GEMM (packed A panels, packed B panels), 64-byte
// aligned, grown on demand and kept between calls. conv2d keeps one for all images of a batch
// so the image+flip pair packs into the same memory; callers running many layers may keep one
// for the whole network. A workspace must not be used by two GEMMs at the same time.

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
}
