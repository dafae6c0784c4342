// RandomWalk+Passes: the two stencils of the random walk (IRNet §5) behind one interface, so the
// Chebyshev expansion (RandomWalk+Chebyshev.swift) and the plain powers drive either: the
// channel-interleaved stencil on T (RandomWalk+Stencil.swift, for many channels) and the planar
// stencil on the symmetric S (PlanarStencil.swift, for few). Which one a walk takes is chosen
// by channel count from `irn bench walk` measurements (Docs/Benchmarks.md).

import Tensors

/// The stencil a walk runs on.
public enum WalkKernel: Equatable, Sendable {
    /// Channels interleaved 8 to a SIMD vector, weights T.
    case interleaved
    /// One plane per channel, SIMD along rows, channels in groups of `group` (1...4) planes
    /// sharing each weight load; weights S = D^-½ A^β D^-½.
    case planar(group: Int)
}

/// Working buffers of a walk, loaded with its input in buffer 0, and its stencil pass.
protocol WalkPasses {
    /// One stencil pass from buffer `from` into `to` (and `accumulator`, per `mode`).
    func apply(from: Int, to: Int, accumulator: Int, mode: StencilOutput)
    /// Buffer `buffer` as x·T^k, shape [C, h, w].
    func tensor(from buffer: Int) -> Tensor
}

extension RandomWalk {
    /// Most channels the planar stencil takes; more go interleaved.
    public static let planarChannelLimit = 16

    /// The faster stencil for `channels` channels, from `irn bench walk` on a 94×125 map
    /// (Docs/Benchmarks.md): planar in groups of 4 up to 16 channels (about 3.5 ms per channel
    /// there, 8 ms for one), interleaved above (about 65 ms for 17-24 channels, 8 per vector).
    public func kernel(channels: Int) -> WalkKernel {
        channels <= RandomWalk.planarChannelLimit ? .planar(group: 4) : .interleaved
    }

    /// Buffers for x [C, h, w] on `kernel`, x loaded into buffer 0.
    func passes(_ x: Tensor, kernel: WalkKernel, buffers count: Int) -> any WalkPasses {
        switch kernel {
        case .interleaved:
            let buffers = WalkBuffers(layout: layout(channels: x.shape[0]), count: count)
            buffers.load(x, into: 0)
            return InterleavedPasses(walk: self, buffers: buffers, weights: interleavedWeights())
        case let .planar(group):
            precondition((1...4).contains(group), "planar groups hold 1...4 channels, got \(group)")
            let buffers = PlanarBuffers(layout: planar.layout.with(channels: x.shape[0]), count: count)
            let weights = SymmetricWeights(affinity: affinity, beta: beta, geometry: planar.layout)
            buffers.load(x, scale: weights.rootDegree, into: 0)
            return PlanarPasses(walk: self, buffers: buffers, weights: weights, group: group)
        }
    }
}

/// The interleaved stencil on WalkBuffers.
struct InterleavedPasses: WalkPasses {
    let walk: RandomWalk
    let buffers: WalkBuffers
    /// 2·T packed for the stencil (RandomWalk+Weights.swift).
    let weights: [Float]

    func apply(from: Int, to: Int, accumulator: Int, mode: StencilOutput) {
        walk.apply(buffers, weights: weights, from: from, to: to, accumulator: accumulator, mode: mode)
    }

    func tensor(from buffer: Int) -> Tensor { buffers.tensor(from: buffer) }
}

/// The planar stencil on PlanarBuffers: the buffers hold x·D^½ and its walk under S, so the
/// result is scaled back by D^-½.
struct PlanarPasses: WalkPasses {
    let walk: RandomWalk
    let buffers: PlanarBuffers
    /// S packed for the stencil, and the scalings D^½, D^-½.
    let weights: SymmetricWeights
    let group: Int

    func apply(from: Int, to: Int, accumulator: Int, mode: StencilOutput) {
        let layout = buffers.layout
        guard layout.channels > 0 else { return }
        var stencil = walk.planar
        stencil.layout = layout
        let pairs = layout.pairedHeight / 2
        let workers = RandomWalk.workerCount(
            rowPairs: pairs, work: layout.channels * pairs * layout.paddedWidth * 2 * walk.neighbours.count)
        let x = UnsafePointer(buffers.planes[from]), out = buffers.planes[to]
        let acc = buffers.planes[accumulator]
        let group = self.group
        self.weights.packed.withUnsafeBufferPointer { weights in
            stencil.table.withUnsafeBufferPointer { table in
                let weights = weights.baseAddress!, table = table.baseAddress!
                Parallelism.forEachTask(workers, workers: workers) { worker in
                    stencil.step(x, out, acc, rowPairs: Parallelism.share(of: pairs, parts: workers, index: worker),
                                 group: group, weights: weights, table: table, mode: mode)
                }
            }
        }
    }

    func tensor(from buffer: Int) -> Tensor {
        buffers.tensor(from: buffer, scale: weights.inverseRootDegree)
    }
}
