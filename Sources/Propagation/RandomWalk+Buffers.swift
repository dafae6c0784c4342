// RandomWalk+Buffers: the working memory of the random walk (IRNet §5): where each pixel of each
// channel lives while the stencil (RandomWalk+Stencil.swift) runs over it, and the conversion
// from and to [C, h, w] tensors. Channels are interleaved in groups of 8 (one SIMD8 per pixel)
// and every plane has a zero margin, so the stencil reads neighbours without bounds tests.

import Tensors

/// Where each pixel of each channel lives in the walk's working buffers: channels in groups of
/// 8, one plane per group holding a SIMD8 per pixel (channel c at lane c mod 8 of plane c / 8);
/// `margin` (≥ radius − 1) zero rows and columns around the map and one more zero row below it
/// (the second row of the last row pair when the height is odd). Every buffer has one spare row
/// at its end, read (and ignored) by the one-group kernel next to the last column.
struct WalkLayout {
    let height: Int
    let width: Int
    let margin: Int
    let channels: Int
    /// Channel groups of 8 (the last one padded with zero lanes).
    let groups: Int
    /// Pixels per stored row.
    let rowStride: Int
    /// Floats per channel group.
    let planeStride: Int
    /// Floats per buffer.
    let count: Int

    init(height: Int, width: Int, margin: Int, channels: Int) {
        self.height = height
        self.width = width
        self.margin = margin
        self.channels = channels
        groups = (channels + 7) / 8
        rowStride = width + 2 * margin
        planeStride = (height + 2 * margin + 1) * rowStride * 8
        count = groups * planeStride + rowStride * 8
    }

    /// Float offset of pixel (row, column), lane 0, in the plane of group 0.
    @inline(__always)
    func index(row: Int, column: Int) -> Int {
        ((row &+ margin) &* rowStride &+ margin &+ column) &* 8
    }
}

/// Zero-initialised working buffers of one layout, freed on deinit.
struct WalkBuffers {
    let layout: WalkLayout
    private(set) var planes: [UnsafeMutablePointer<Float>]
    private let owner: Owner

    private final class Owner {
        let pointers: [UnsafeMutablePointer<Float>]
        init(_ pointers: [UnsafeMutablePointer<Float>]) { self.pointers = pointers }
        deinit { for p in pointers { p.deallocate() } }
    }

    init(layout: WalkLayout, count: Int) {
        self.layout = layout
        planes = (0..<count).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: layout.count)
            p.initialize(repeating: 0, count: layout.count)
            return p
        }
        owner = Owner(planes)
    }

    /// Copies x [C, h, w] into buffer `buffer`.
    func load(_ x: Tensor, into buffer: Int) {
        let target = planes[buffer], layout = self.layout
        x.scalars.withUnsafeBufferPointer { source in
            for c in 0..<layout.channels {
                let plane = (c / 8) &* layout.planeStride &+ c % 8
                for y in 0..<layout.height {
                    let from = (c &* layout.height &+ y) &* layout.width
                    let to = plane &+ layout.index(row: y, column: 0)
                    for i in 0..<layout.width { target[to &+ i &* 8] = source[from &+ i] }
                }
            }
        }
    }

    /// Buffer `buffer` as a tensor [C, h, w].
    func tensor(from buffer: Int) -> Tensor {
        let source = planes[buffer], layout = self.layout
        var result = [Float](repeating: 0, count: layout.channels * layout.height * layout.width)
        result.withUnsafeMutableBufferPointer { result in
            for c in 0..<layout.channels {
                let plane = (c / 8) &* layout.planeStride &+ c % 8
                for y in 0..<layout.height {
                    let from = plane &+ layout.index(row: y, column: 0)
                    let to = (c &* layout.height &+ y) &* layout.width
                    for i in 0..<layout.width { result[to &+ i] = source[from &+ i &* 8] }
                }
            }
        }
        return Tensor(shape: [layout.channels, layout.height, layout.width], scalars: result)
    }
}
