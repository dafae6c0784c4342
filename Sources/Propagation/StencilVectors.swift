// StencilVectors: the 8-lane loads, stores and multiply-adds shared by the random walk's two
// stencils (RandomWalk+Stencil.swift, channel-interleaved; PlanarStencil.swift, planar). No
// paper equation here; DESIGN §7 (SIMD over channels or pixels). Native builds fuse the
// multiply-add; portable builds keep it a multiply and an add (no software fmaf).

/// Unaligned SIMD8 access and accumulation for a stencil kernel (conform to get them as statics).
protocol StencilVectors {}

extension StencilVectors {
    /// Eight floats starting at `p` (no alignment needed).
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Stores eight floats starting at `p` (no alignment needed).
    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// sum += a · b: fused in native builds, a separate multiply and add in portable builds.
    @inline(__always)
    static func accumulate(_ sum: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
        #if IRN_PORTABLE
        sum += a * b
        #else
        sum.addProduct(a, b)
        #endif
    }
}
