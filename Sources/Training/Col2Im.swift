// Col2Im: the adjoint of im2col (Tensors/Im2Col.swift), the scatter half of a convolution's
// input gradient (DESIGN §6 "Training"). im2col copies input[c, iy, ix] into every patch-matrix
// entry (row (c·kh + ky)·kw + kx, column oy·outW + ox) whose tap lands on that pixel; col2im
// adds every entry of a patch-shaped matrix back onto that pixel, and drops the entries whose
// tap fell in the zero padding. So ⟨im2col(x), M⟩ = ⟨x, col2im(M)⟩ for every x and M.
// Channels own disjoint input planes, so they run on separate workers.

import Tensors

/// Adds the patch matrix `matrix` (patchSize × outputPixels, row-major, as `im2col` writes it)
/// onto `image` ([channels, height, width], row-major): image[c, iy, ix] += matrix[row, column]
/// for every entry whose tap lies inside the image. Each pixel sums its entries in row order,
/// then column order, whatever the number of workers.
public func col2im(_ matrix: UnsafePointer<Float>, geometry g: Conv2DGeometry,
                   addingInto image: UnsafeMutablePointer<Float>) {
    let work = g.patchSize &* g.outputPixels
    let workers = work < 1 << 18 ? 1 : Parallelism.workers
    let tasks = min(g.channels, workers == 1 ? 1 : 4 &* workers)
    Parallelism.forEachTask(tasks, workers: workers) { task in
        for c in Parallelism.share(of: g.channels, parts: tasks, index: task) {
            col2imChannel(matrix, channel: c, geometry: g, addingInto: image)
        }
    }
}

/// The rows of channel `c` (kh·kw of them) added onto its input plane.
private func col2imChannel(_ matrix: UnsafePointer<Float>, channel c: Int, geometry g: Conv2DGeometry,
                           addingInto image: UnsafeMutablePointer<Float>) {
    let kh = g.kernelHeight, kw = g.kernelWidth, h = g.height, w = g.width
    let outH = g.outputHeight, outW = g.outputWidth, pixels = g.outputPixels
    let sy = g.strideY, sx = g.strideX
    let plane = image + c &* h &* w
    for ky in 0..<kh {
        for kx in 0..<kw {
            let row = matrix + ((c &* kh &+ ky) &* kw &+ kx) &* pixels
            // Input x of output column ox is ox·sx + shift; the columns inside are lo ..< hi.
            let shift = kx &* g.dilationX &- g.paddingX
            let lo = shift >= 0 ? 0 : min((sx &- 1 &- shift) / sx, outW)
            let hi = max(min(w &- shift > 0 ? (w &- 1 &- shift) / sx &+ 1 : 0, outW), lo)
            for oy in 0..<outH {
                let iy = oy &* sy &- g.paddingY &+ ky &* g.dilationY
                if iy < 0 || iy >= h { continue }
                let source = row + oy &* outW
                let target = plane + (iy &* w &+ shift)
                if sx == 1 {
                    addRow(source + lo, into: target + lo, count: hi &- lo)
                } else {
                    var ox = lo
                    while ox < hi {
                        target[ox &* sx] += source[ox]
                        ox &+= 1
                    }
                }
            }
        }
    }
}

/// target[i] += source[i] for i < count, eight lanes at a time.
@inline(__always)
private func addRow(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i &+ 8 <= count {
        let sum = UnsafeRawPointer(target + i).loadUnaligned(as: SIMD8<Float>.self)
            + UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(target + i).storeBytes(of: sum, as: SIMD8<Float>.self)
        i &+= 8
    }
    while i < count {
        target[i] += source[i]
        i &+= 1
    }
}
