// PlanarLayout: the working memory of the planar random walk (IRNet §5, PlanarStencil.swift):
// one zero-padded plane per channel, pixels of a row consecutive so that 8 neighbouring pixels
// are one SIMD8. The margin (≥ radius − 1 rows and columns, the reach of the stencil) and the
// width rounded up to whole vectors let the stencil read every neighbour without bounds tests;
// the height is rounded up to whole row pairs. Also the conversion from and to [C, h, w]
// tensors, with the diagonal scaling of the symmetric walk (RandomWalk+SymmetricWeights.swift).

import Tensors

/// Geometry of the planar buffers: `channels` planes of `paddedRows` rows of `rowStride` floats;
/// map pixel (y, x) at row y + margin, column x + margin.
struct PlanarLayout: Sendable {
    let height: Int
    let width: Int
    let margin: Int
    let channels: Int
    /// The width rounded up to a multiple of 8.
    let paddedWidth: Int
    /// The height rounded up to a multiple of 2.
    let pairedHeight: Int
    let rowStride: Int
    let paddedRows: Int
    /// Floats per channel plane.
    let planeStride: Int

    init(height: Int, width: Int, margin: Int, channels: Int) {
        self.height = height
        self.width = width
        self.margin = margin
        self.channels = channels
        paddedWidth = (width + 7) / 8 * 8
        pairedHeight = (height + 1) / 2 * 2
        rowStride = paddedWidth + 2 * margin
        paddedRows = pairedHeight + 2 * margin
        planeStride = paddedRows * rowStride
    }

    /// Float offset of pixel (row, column) in a channel plane.
    @inline(__always)
    func index(row: Int, column: Int) -> Int {
        (row &+ margin) &* rowStride &+ margin &+ column
    }

    func with(channels: Int) -> PlanarLayout {
        PlanarLayout(height: height, width: width, margin: margin, channels: channels)
    }
}

/// Zero-initialised planar buffers of one layout, freed on deinit.
struct PlanarBuffers {
    let layout: PlanarLayout
    private(set) var planes: [UnsafeMutablePointer<Float>]
    private let owner: Owner

    private final class Owner {
        let pointers: [UnsafeMutablePointer<Float>]
        init(_ pointers: [UnsafeMutablePointer<Float>]) { self.pointers = pointers }
        deinit { for p in pointers { p.deallocate() } }
    }

    init(layout: PlanarLayout, count: Int) {
        self.layout = layout
        let floats = max(1, layout.channels * layout.planeStride)
        planes = (0..<count).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: floats)
            p.initialize(repeating: 0, count: floats)
            return p
        }
        owner = Owner(planes)
    }

    /// Copies x [C, h, w], each pixel times `scale` [h · w], into buffer `buffer`.
    func load(_ x: Tensor, scale: [Float], into buffer: Int) {
        let target = planes[buffer], layout = self.layout
        x.scalars.withUnsafeBufferPointer { source in
            scale.withUnsafeBufferPointer { scale in
                for c in 0..<layout.channels {
                    for y in 0..<layout.height {
                        let from = (c &* layout.height &+ y) &* layout.width
                        let to = c &* layout.planeStride &+ layout.index(row: y, column: 0)
                        let s = y &* layout.width
                        for i in 0..<layout.width { target[to &+ i] = source[from &+ i] * scale[s &+ i] }
                    }
                }
            }
        }
    }

    /// Buffer `buffer`, each pixel times `scale` [h · w], as a tensor [C, h, w].
    func tensor(from buffer: Int, scale: [Float]) -> Tensor {
        let source = planes[buffer], layout = self.layout
        var result = [Float](repeating: 0, count: layout.channels * layout.height * layout.width)
        result.withUnsafeMutableBufferPointer { result in
            scale.withUnsafeBufferPointer { scale in
                for c in 0..<layout.channels {
                    for y in 0..<layout.height {
                        let from = c &* layout.planeStride &+ layout.index(row: y, column: 0)
                        let to = (c &* layout.height &+ y) &* layout.width
                        let s = y &* layout.width
                        for i in 0..<layout.width { result[to &+ i] = source[from &+ i] * scale[s &+ i] }
                    }
                }
            }
        }
        return Tensor(shape: [layout.channels, layout.height, layout.width], scalars: result)
    }
}
