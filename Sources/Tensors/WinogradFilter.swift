// WinogradFilter: the 3×3 filters of a convolution in the Winograd F(4×4, 3×3) domain,
// U = G g Gᵀ for every (output channel, input channel) pair, stored as 36 matrices
// [Cout, Cin] (one per transformed position ξ = 6·i + k), the A operands of the 36 GEMMs of
// conv2dWinograd (Winograd.swift), kept packed for the GEMM (GEMM+PackedMatrix.swift).
// Computing it costs one pass over the weights; callers that run the same layer many times
// keep it (4× the memory of the 3×3 weights) and no call packs the filters again.

public struct WinogradFilter: Sendable {
    /// Output and input channels of the filter.
    public let outChannels: Int, inChannels: Int
    /// U[ξ] as a packed Cout × Cin matrix, for ξ in 0 ..< 36.
    let positions: [PackedMatrix]

    /// Transforms `weight` [Cout, Cin, 3, 3].
    public init(_ weight: Tensor) {
        precondition(weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3,
                     "WinogradFilter: weight must be [Cout, Cin, 3, 3], got \(weight.shape)")
        let outChannels = weight.shape[0], inChannels = weight.shape[1]
        self.outChannels = outChannels
        self.inChannels = inChannels
        let planeStride = outChannels &* inChannels
        let count = WinogradTransform.positions * planeStride
        // U[ξ][o][c] at (ξ·outChannels + o)·inChannels + c, then each U[ξ] packed.
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            weight.scalars.withUnsafeBufferPointer { source in
                guard let output = buffer.baseAddress, let g = source.baseAddress else { return }
                forEachChunk(count: outChannels, costPerItem: inChannels &* 64) { outputs in
                    for o in outputs {
                        var c = 0
                        while c < inChannels {
                            let lanes = min(8, inChannels &- c)
                            WinogradFilter.transform(g + (o &* inChannels &+ c) &* 9, lanes: lanes,
                                                     to: output + (o &* inChannels &+ c), planeStride: planeStride)
                            c &+= 8
                        }
                    }
                }
            }
            initialized = count
        }
        positions = scalars.withUnsafeBufferPointer { u in
            (0 ..< WinogradTransform.positions).map { position in
                PackedMatrix(u.baseAddress.map { $0 + position &* planeStride } ?? UnsafePointer(bitPattern: 64)!,
                             rows: outChannels, columns: inChannels, ld: max(1, inChannels))
            }
        }
    }

    /// Transforms the filters of `lanes` (≤ 8) consecutive input channels of one output channel
    /// (nine taps each, at g) and stores position ξ of lane l at output[ξ·planeStride + l].
    @inline(__always)
    private static func transform(_ g: UnsafePointer<Float>, lanes: Int,
                                  to output: UnsafeMutablePointer<Float>, planeStride: Int) {
        withUnsafeTemporaryAllocation(of: SIMD8<Double>.self, capacity: 27) { scratch in
            // taps[3·a + b] holds tap (a, b) of every lane; x[3·i + b] = (G · column b)_i.
            let taps = scratch.baseAddress!, x = taps + 9
            taps.initialize(repeating: .zero, count: 9)
            for lane in 0 ..< lanes {
                for tap in 0 ..< 9 { taps[tap][lane] = Double(g[lane &* 9 &+ tap]) }
            }
            for b in 0 ..< 3 {
                let u = WinogradTransform.filter(taps[b], taps[3 &+ b], taps[6 &+ b])
                (x + b).initialize(to: u.0); (x + (3 &+ b)).initialize(to: u.1); (x + (6 &+ b)).initialize(to: u.2)
                (x + (9 &+ b)).initialize(to: u.3); (x + (12 &+ b)).initialize(to: u.4); (x + (15 &+ b)).initialize(to: u.5)
            }
            // Then rows: U[i][k] = (G · row i of x)_k.
            for i in 0 ..< 6 {
                let u = WinogradTransform.filter(x[3 &* i], x[3 &* i &+ 1], x[3 &* i &+ 2])
                let row = output + 6 &* i &* planeStride
                row.setLanes(WinogradVector(u.0), count: lanes)
                (row + planeStride).setLanes(WinogradVector(u.1), count: lanes)
                (row + 2 &* planeStride).setLanes(WinogradVector(u.2), count: lanes)
                (row + 3 &* planeStride).setLanes(WinogradVector(u.3), count: lanes)
                (row + 4 &* planeStride).setLanes(WinogradVector(u.4), count: lanes)
                (row + 5 &* planeStride).setLanes(WinogradVector(u.5), count: lanes)
            }
        }
    }
}
