// PAMR+Iterations: the propagation steps of PAMR (paper §3.3, the iterated update; DESIGN §6):
// every mask channel becomes Σ_n weight_n(p) · mask(p + offset_n) over the 8·D dilated
// neighbours, with replicate padding at the borders, `iterations` times. Fast kernel: the masks
// live in two replicate-padded buffers that swap roles each step; a step is a stencil with the
// per-row weights (PAMR+Affinities.swift) shared by four mask channels at a time, SIMD over
// eight pixels, threads over rows; each thread re-pads the rows it wrote, so a step needs no
// second pass. Plain-loop twin: PAMR+Naive.swift.
import Tensors

extension PAMRWeights {
    /// `mask` ([N, K, H, W], already at the image size) after `iterations` ≥ 1 steps.
    func propagate(_ mask: Tensor, channels: Int, iterations: Int) -> Tensor {
        let g = geometry
        precondition(mask.shape == [g.batch, channels, g.height, g.width])
        var current = padReplicate(mask, left: g.margin, right: g.margin + PAMRVector.width,
                                   top: g.margin, bottom: g.margin).scalars
        var next = [Float](repeating: 0, count: current.count)
        let offsets = g.neighbourOffsets
        for _ in 0 ..< iterations {
            storage.withUnsafeBufferPointer { weights in
                current.withUnsafeBufferPointer { source in
                    next.withUnsafeMutableBufferPointer { target in
                        offsets.withUnsafeBufferPointer { offsets in
                            step(weights: weights.baseAddress!, source: source.baseAddress!,
                                 target: target.baseAddress!, offsets: offsets.baseAddress!,
                                 channels: channels)
                        }
                    }
                }
            }
            swap(&current, &next)
        }
        // The interior of the padded planes is the result.
        return Tensor(shape: [g.batch, channels, g.height, g.width], scalars: [Float](
            unsafeUninitializedCapacity: g.batch * channels * g.height * g.width) { out, count in
            current.withUnsafeBufferPointer { padded in
                for plane in 0 ..< g.batch * channels {
                    for y in 0 ..< g.height {
                        let from = padded.baseAddress! + plane * g.paddedPlane
                            + (y + g.margin) * g.paddedWidth + g.margin
                        let to = out.baseAddress! + (plane * g.height + y) * g.width
                        to.update(from: from, count: g.width)
                    }
                }
            }
            count = g.batch * channels * g.height * g.width
        })
    }

    /// One propagation step from the padded planes at `source` into those at `target`,
    /// including `target`'s padding.
    private func step(weights: UnsafePointer<Float>, source: UnsafePointer<Float>,
                      target: UnsafeMutablePointer<Float>, offsets: UnsafePointer<Int>,
                      channels: Int) {
        let g = geometry
        let height = g.height, width = g.width, margin = g.margin
        let paddedWidth = g.paddedWidth, plane = g.paddedPlane
        let neighbourCount = g.neighbours, weightStride = g.vectorWidth
        let cost = channels * width * neighbourCount * 2
        forEachChunk(count: g.batch * height, costPerItem: cost) { rows in
            for row in rows {
                let n = row / height, y = row % height
                let weightRow = weights + row &* neighbourCount &* weightStride
                let rowOffset = (y &+ margin) &* paddedWidth
                var k = 0
                while k < channels {
                    let group = min(4, channels &- k)
                    let first = (n &* channels &+ k) &* plane &+ rowOffset
                    if group == 4 {
                        PAMRWeights.stencil4(weights: weightRow, weightStride: weightStride,
                                             source: source + (first &+ margin),
                                             target: target + (first &+ margin), plane: plane,
                                             offsets: offsets, count: neighbourCount, width: width)
                    } else {
                        for c in 0 ..< group {
                            let start = first &+ c &* plane &+ margin
                            PAMRWeights.stencil1(weights: weightRow, weightStride: weightStride,
                                                 source: source + start, target: target + start,
                                                 offsets: offsets, count: neighbourCount,
                                                 width: width)
                        }
                    }
                    for c in 0 ..< group {
                        let planeStart = target + (n &* channels &+ k &+ c) &* plane
                        PAMRWeights.pad(row: y, of: planeStart, height: height, width: width,
                                        margin: margin, paddedWidth: paddedWidth)
                    }
                    k &+= group
                }
            }
        }
    }

    /// Σ_n weight_n · mask(· + offset_n) for one row of four planes `plane` apart. The last
    /// vector may run past the width into the right padding, which `pad` rewrites afterwards.
    @inline(__always)
    private static func stencil4(weights: UnsafePointer<Float>, weightStride: Int,
                                 source: UnsafePointer<Float>, target: UnsafeMutablePointer<Float>,
                                 plane: Int, offsets: UnsafePointer<Int>, count: Int, width: Int) {
        typealias Lanes = PAMRVector.Lanes
        let s0 = source, s1 = source + plane, s2 = source + 2 &* plane, s3 = source + 3 &* plane
        var x = 0
        while x < width {
            var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes()
            var w = weights + x
            for j in 0 ..< count {
                let weight = PAMRVector.load(w)
                let o = offsets[j] &+ x
                a0 += PAMRVector.load(s0 + o) * weight
                a1 += PAMRVector.load(s1 + o) * weight
                a2 += PAMRVector.load(s2 + o) * weight
                a3 += PAMRVector.load(s3 + o) * weight
                w += weightStride
            }
            PAMRVector.store(a0, target + x)
            PAMRVector.store(a1, target + (plane &+ x))
            PAMRVector.store(a2, target + (2 &* plane &+ x))
            PAMRVector.store(a3, target + (3 &* plane &+ x))
            x &+= PAMRVector.width
        }
    }

    /// `stencil4` for a single plane.
    @inline(__always)
    private static func stencil1(weights: UnsafePointer<Float>, weightStride: Int,
                                 source: UnsafePointer<Float>, target: UnsafeMutablePointer<Float>,
                                 offsets: UnsafePointer<Int>, count: Int, width: Int) {
        typealias Lanes = PAMRVector.Lanes
        var x = 0
        while x < width {
            var a = Lanes()
            var w = weights + x
            for j in 0 ..< count {
                a += PAMRVector.load(source + (offsets[j] &+ x)) * PAMRVector.load(w)
                w += weightStride
            }
            PAMRVector.store(a, target + x)
            x &+= PAMRVector.width
        }
    }

    /// Replicate padding of image row `row` of a padded plane once that row is written: its left
    /// and right margins repeat its edge values, and the first (last) row is also copied into
    /// the top (bottom) margin rows.
    @inline(__always)
    private static func pad(row y: Int, of plane: UnsafeMutablePointer<Float>, height: Int,
                            width: Int, margin: Int, paddedWidth: Int) {
        let line = plane + (y &+ margin) &* paddedWidth
        line.update(repeating: line[margin], count: margin)
        (line + (margin &+ width)).update(repeating: line[margin &+ width &- 1],
                                        count: paddedWidth &- margin &- width)
        if y == 0 {
            for r in 0 ..< margin {
                (plane + r &* paddedWidth).update(from: line, count: paddedWidth)
            }
        }
        if y == height &- 1 {
            for r in margin &+ height ..< height &+ 2 &* margin {
                (plane + r &* paddedWidth).update(from: line, count: paddedWidth)
            }
        }
    }
}
