// conv2dWinograd: a 3×3, stride-1, dilation-1 convolution by Winograd's minimal filtering
// F(4×4, 3×3) (Lavin & Gray 2016, eq. (8)-(9)): 36 multiplies per 4×4 output tile instead of 144.
// For a chunk of tile rows of the whole batch: input transform V_ξ = (Bᵀ d B)_ξ [Cin, tiles],
// 36 GEMMs M_ξ = U_ξ · V_ξ on the blocked GEMM, output transform Y = Aᵀ M A with bias and
// activation, cropped into NCHW. Same contract as conv2d (Conv2D.swift) for those kernels; the
// networks use it for their big 3×3 layers (DESIGN §7). Chunks bound the scratch memory.
import Dispatch

/// act(conv(input, weight, padding) + bias) for weight [Cout, Cin, 3, 3], stride 1, dilation 1:
/// the same result as `conv2d` up to Float rounding (the transforms add a few ulps per layer).
public func conv2dWinograd(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                           padding: (Int, Int) = (1, 1), activation: Activation = .identity,
                           workspace: GEMMWorkspace? = nil) -> Tensor {
    precondition(weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3,
                 "conv2dWinograd: weight must be [Cout, Cin, 3, 3], got \(weight.shape)")
    precondition(input.rank == 4 && input.shape[1] == weight.shape[1],
                 "conv2dWinograd: input \(input.shape) does not match weight \(weight.shape)")
    return conv2dWinograd(input, filter: WinogradFilter(weight), bias: bias, padding: padding,
                          activation: activation, workspace: workspace)
}

/// conv2dWinograd with filters already in the Winograd domain (`WinogradFilter(weight)`).
public func conv2dWinograd(_ input: Tensor, filter: WinogradFilter, bias: Tensor? = nil,
                           padding: (Int, Int) = (1, 1), activation: Activation = .identity,
                           workspace: GEMMWorkspace? = nil) -> Tensor {
    precondition(input.rank == 4, "conv2dWinograd: input must be [N, C, H, W], got \(input.shape)")
    precondition(input.shape[1] == filter.inChannels,
                 "conv2dWinograd: filter expects \(filter.inChannels) input channels, input \(input.shape) has \(input.shape[1])")
    precondition(padding.0 >= 0 && padding.1 >= 0, "conv2dWinograd: padding \(padding) must not be negative")
    precondition(input.shape[2] + 2 * padding.0 >= 3 && input.shape[3] + 2 * padding.1 >= 3,
                 "conv2dWinograd: the 3×3 kernel exceeds the padded input \(input.shape[2])×\(input.shape[3])")
    if let bias {
        precondition(bias.shape == [filter.outChannels], "conv2dWinograd: bias \(bias.shape) must be [\(filter.outChannels)]")
    }
    let g = WinogradGeometry(batch: input.shape[0], channels: input.shape[1], height: input.shape[2],
                             width: input.shape[3], outChannels: filter.outChannels, padding: padding)
    let shape = [g.batch, g.outChannels, g.outputHeight, g.outputWidth]
    let count = shape.reduce(1, *)
    if count == 0 || g.channels == 0 {
        // No input channels: every output is act(bias), as in conv2d.
        var output = Tensor(shape: shape)
        let pixels = g.outputHeight * g.outputWidth
        for i in 0 ..< count { output.scalars[i] = activation(bias?.scalars[(i / pixels) % g.outChannels] ?? 0) }
        return output
    }
    let scalars = [Float](unsafeUninitializedCapacity: count) { outputBuffer, initialized in
        input.scalars.withUnsafeBufferPointer { inputBuffer in
            (bias?.scalars ?? []).withUnsafeBufferPointer { biasBuffer in
                GEMMWorkspace.using(workspace) { workspace in
                    WinogradConvolution(geometry: g, input: inputBuffer.baseAddress!, filter: filter,
                                        bias: bias == nil ? nil : biasBuffer.baseAddress,
                                        relu: activation == .relu, output: outputBuffer.baseAddress!)
                        .run(workspace: workspace)
                }
            }
        }
        initialized = count
    }
    return Tensor(shape: shape, scalars: scalars)
}

/// One call of conv2dWinograd: the operands and the chunked three-phase loop.
struct WinogradConvolution {
    let geometry: WinogradGeometry
    let input: UnsafePointer<Float>, filter: WinogradFilter, bias: UnsafePointer<Float>?
    let relu: Bool
    let output: UnsafeMutablePointer<Float>

    /// Scratch floats (V and M of a chunk) aimed for per chunk, and the fewest tiles a chunk
    /// holds so the GEMMs stay efficient (chosen by measurement, Docs/Benchmarks.md).
    static let chunkBudget = 2 << 20
    static let minimumChunkTiles = 256

    /// Tile rows per chunk: within the budget but not below the minimum, evenly split.
    var rowsPerChunk: Int {
        let g = geometry
        let floatsPerTile = WinogradTransform.positions * (g.channels + g.outChannels)
        let byBudget = WinogradConvolution.chunkBudget / max(1, floatsPerTile * g.rowStride)
        let byMinimum = (WinogradConvolution.minimumChunkTiles + g.rowStride - 1) / g.rowStride
        let rows = min(g.tileRows, max(1, byBudget, byMinimum))
        let chunks = (g.tileRows + rows - 1) / rows
        return (g.tileRows + chunks - 1) / chunks
    }

    func run(workspace: GEMMWorkspace) {
        let g = geometry
        let chunkRows = rowsPerChunk
        let maximumTiles = chunkRows * g.rowStride
        let positions = WinogradTransform.positions
        let vCount = positions * g.channels * maximumTiles
        let mCount = positions * g.outChannels * maximumTiles
        WinogradScratch.using(count: vCount + mCount) { scratch in
            let v = scratch, m = scratch + vCount
            var firstRow = 0
            while firstRow < g.tileRows {
                let rows = min(chunkRows, g.tileRows - firstRow)
                transformInput(rows: firstRow ..< firstRow + rows, into: v)
                multiply(tiles: rows * g.rowStride, v: v, m: m, workspace: workspace)
                transformOutput(rows: firstRow ..< firstRow + rows, from: m)
                firstRow += rows
            }
        }
    }

    /// V for the tile rows `rows`: V[ξ][c][t] at (ξ·Cin + c)·tiles + t, t = (row − first)·rowStride + 8b + lane.
    private func transformInput(rows: Range<Int>, into v: UnsafeMutablePointer<Float>) {
        let g = geometry, input = self.input
        let tiles = rows.count * g.rowStride, plane = g.height * g.width
        forEachChunk(count: g.channels * rows.count, costPerItem: g.tilesWide * 400) { items in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 6 * g.bandWidth + g.width)
            defer { scratch.deallocate() }
            (scratch + 6 * g.bandWidth).initialize(repeating: 0, count: g.width)
            for item in items {
                let c = item / rows.count, local = item % rows.count
                let row = rows.lowerBound + local
                let (n, ty) = row.quotientAndRemainder(dividingBy: g.tilesHigh)
                g.transformInput(plane: input + (n * g.channels + c) * plane, tileRow: ty,
                                 columns: scratch, zeros: scratch + 6 * g.bandWidth,
                                 into: v + c * tiles + local * g.rowStride, positionStride: g.channels * tiles)
            }
        }
    }

    /// M_ξ = U_ξ · V_ξ for the 36 positions: [Cout, Cin] · [Cin, tiles]. Products too small for
    /// the GEMM's own threads run side by side, one position per task; larger ones one at a time.
    private func multiply(tiles: Int, v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                          workspace: GEMMWorkspace) {
        let g = geometry, filter = self.filter
        func product(_ position: Int, _ workspace: GEMMWorkspace, singleThreaded: Bool) {
            let packed = filter.positions[position]
            packed.withPanels { panels in
                var plan = GEMMPlan(packed: packed, panels: panels, n: tiles, alpha: 1, beta: 0, rowBias: nil,
                                    activation: .identity, workspace: workspace, singleThreaded: singleThreaded)
                plan.multiply(MatrixPanelSource(base: v + position * g.channels * tiles, ld: tiles, transposed: false),
                              c: m + position * g.outChannels * tiles, ldc: tiles)
            }
        }
        if Parallelism.workers > 1 {
            Parallelism.forEachTask(WinogradTransform.positions) { position in
                GEMMWorkspace.using(nil) { product(position, $0, singleThreaded: true) }
            }
        } else {
            for position in 0 ..< WinogradTransform.positions { product(position, workspace, singleThreaded: true) }
        }
    }

    /// The output rows of the tile rows `rows`, from M[ξ][o][t] at (ξ·Cout + o)·tiles + t.
    private func transformOutput(rows: Range<Int>, from m: UnsafeMutablePointer<Float>) {
        let g = geometry, output = self.output, bias = self.bias, relu = self.relu
        let tiles = rows.count * g.rowStride, plane = g.outputHeight * g.outputWidth
        forEachChunk(count: g.outChannels * rows.count, costPerItem: g.tilesWide * 300) { items in
            let products = UnsafeMutablePointer<WinogradVector>.allocate(capacity: 24)
            defer { products.deallocate() }
            for item in items {
                let o = item / rows.count, local = item % rows.count
                let row = rows.lowerBound + local
                let (n, ty) = row.quotientAndRemainder(dividingBy: g.tilesHigh)
                g.transformOutput(m: m + o * tiles + local * g.rowStride, positionStride: g.outChannels * tiles,
                                  tileRow: ty, bias: bias?[o] ?? 0, relu: relu, products: products,
                                  into: output + (n * g.outChannels + o) * plane)
            }
        }
    }
}

/// The V and M buffers of conv2dWinograd, kept between calls (fresh pages cost as much as the
/// transforms): one idle buffer is pooled, so memory stays at the largest chunk seen.
final class WinogradScratch {
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: capacity)
    }

    deinit { pointer.deallocate() }

    nonisolated(unsafe) private static var idle: WinogradScratch?
    private static let lock = DispatchSemaphore(value: 1)

    /// Runs `body` with at least `count` floats of scratch (contents undefined).
    static func using<Result>(count: Int, _ body: (UnsafeMutablePointer<Float>) -> Result) -> Result {
        lock.wait()
        var scratch = idle
        idle = nil
        lock.signal()
        if scratch == nil || scratch!.capacity < count { scratch = WinogradScratch(capacity: count) }
        defer {
            lock.wait()
            if idle == nil || idle!.capacity < scratch!.capacity { idle = scratch }
            lock.signal()
        }
        return body(scratch!.pointer)
    }
}
