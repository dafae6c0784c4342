// PermutohedralLattice filtering: splat (gather each vertex's weighted point values, in point
// order), blur (d+1 passes of v + ½(v₋ + v₊) along the lattice directions, missing neighbours
// count as zero), slice (barycentric interpolation times 1/(1+2^-d)). Adams, Baek & Davis
// (Eurographics 2010) §4, with densecrf's constants and order of float operations. Values are
// processed in SIMD8 groups of channels, all channels per pass while the two vertex buffers fit
// a fixed budget (more passes otherwise, so memory stays bounded); threads split vertices and
// points.
import Tensors

extension UnsafePointer where Pointee == Float {
    @inline(__always) fileprivate func lanes(at i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(self + i).loadUnaligned(as: SIMD8<Float>.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always) fileprivate func lanes(at i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(self + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) fileprivate func setLanes(_ value: SIMD8<Float>, at i: Int) {
        UnsafeMutableRawPointer(self + i).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}

extension PermutohedralLattice {
    /// Upper bound in bytes for the filter's two vertex buffers (above it, channels are
    /// filtered in several passes of fewer lanes).
    public static let filterBufferBudget = 64 << 20

    /// The lattice blur's gain correction 1/(1 + 2^-d) ("alpha" in densecrf).
    public var sliceScale: Float { 1 / (1 + Float(sign: .plus, exponent: -dimension, significand: 1)) }

    /// Filters `values` (point-major, `channels` per point) and returns the result in the same
    /// layout: for each point, the slice of the blurred splat of all points' values.
    public func filter(_ values: [Float], channels: Int) -> [Float] {
        precondition(channels >= 1, "filtering needs at least one channel")
        precondition(values.count == pointCount * channels,
                     "\(values.count) values do not fill \(pointCount) points × \(channels) channels")
        let stride = (channels + 7) / 8 * 8
        var padded = [Float](repeating: 0, count: pointCount * stride)
        for i in 0 ..< pointCount {
            for c in 0 ..< channels { padded[i * stride + c] = values[i * channels + c] }
        }
        var filtered = [Float](repeating: 0, count: pointCount * stride)
        padded.withUnsafeBufferPointer { input in
            filtered.withUnsafeMutableBufferPointer { output in
                filter(input.baseAddress!, into: output.baseAddress!, stride: stride, channels: channels)
            }
        }
        var result = [Float](repeating: 0, count: pointCount * channels)
        for i in 0 ..< pointCount {
            for c in 0 ..< channels { result[i * channels + c] = filtered[i * stride + c] }
        }
        return result
    }

    /// Filters `channels` values per point read at `input[i*stride ..< i*stride + channels]`
    /// into the same places of `output` (lanes up to the next multiple of 8 are written too).
    /// With `inputScale` each point's values are first multiplied by its factor, with
    /// `outputScale` each result afterwards (densecrf's symmetric normalisation). With
    /// `accumulationWeight` w the output becomes `output + w · result` instead of `result`.
    /// A `workspace` lets repeated calls reuse the vertex buffers.
    func filter(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
                stride: Int, channels: Int,
                inputScale: UnsafePointer<Float>? = nil, outputScale: UnsafePointer<Float>? = nil,
                accumulationWeight: Float? = nil, workspace: LatticeWorkspace? = nil) {
        precondition(stride % 8 == 0 && channels >= 1 && channels <= stride,
                     "filter stride \(stride) must be a multiple of 8 holding \(channels) channels")
        let n = pointCount, m = vertexCount, d = dimension
        guard n > 0 else { return }
        let vertices = d + 1
        let alpha = sliceScale
        // densecrf slices one- and two-channel values as (w·v)·alpha, wider ones as (w·alpha)·v.
        let weightFirst = channels <= 2
        // Lanes per vertex row: all channels at once when the two work buffers stay within
        // `filterBufferBudget` bytes, else as many multiples of 8 as fit (at least 8).
        let used = (channels + 7) / 8 * 8
        let affordable = PermutohedralLattice.filterBufferBudget / (2 * 4 * (m + 1)) / 8 * 8
        let width = min(used, max(8, affordable))
        let buffers = workspace ?? LatticeWorkspace()
        buffers.reserve(width * (m + 1))
        let bufferA = buffers.first, bufferB = buffers.second
        bufferA.initialize(repeating: 0, count: width)
        bufferB.initialize(repeating: 0, count: width)

        splatStarts.withUnsafeBufferPointer { starts in
        splatPoints.withUnsafeBufferPointer { points in
        splatWeights.withUnsafeBufferPointer { entryWeights in
        blurNeighbours.withUnsafeBufferPointer { neighbours in
        pointRows.withUnsafeBufferPointer { rows in
        pointWeights.withUnsafeBufferPointer { weights in
            let starts = starts.baseAddress!, points = points.baseAddress!
            let entryWeights = entryWeights.baseAddress!, neighbours = neighbours.baseAddress!
            let rows = rows.baseAddress!, weights = weights.baseAddress!
            /// Writes a sliced group: times the point's output scale, added with a weight when
            /// accumulating.
            @inline(__always) func store(_ sliced: SIMD8<Float>, at place: Int, point i: Int) {
                var value = sliced
                if let outputScale { value = value * outputScale[i] }
                if let accumulationWeight { value = output.lanes(at: place) + accumulationWeight * value }
                output.setLanes(value, at: place)
            }
            for block in Swift.stride(from: 0, to: used, by: width) {
                let lanes = min(width, used - block)
                let groups = lanes / 8
                // Splat: every vertex gathers its points' weighted values, up to three SIMD8
                // groups of channels at a time in registers.
                forEachChunk(count: m, costPerItem: 2 * lanes * vertices, maxChunks: 32, threshold: 1 << 16) { range in
                    for v in range {
                        let begin = Int(starts[v]), end = Int(starts[v &+ 1])
                        let row = bufferA + (v &+ 1) &* width
                        var g = 0
                        while g < groups {
                            let count = min(3, groups &- g), c = g &* 8
                            var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>()
                            for e in begin ..< end {
                                let p = Int(points[e])
                                let at = p &* stride &+ block &+ c
                                let w = entryWeights[e]
                                let f = inputScale?[p] ?? 1
                                // (x·f)·w as densecrf scales the values before splatting; f = 1
                                // leaves x unchanged.
                                s0 += w * (input.lanes(at: at) * f)
                                if count > 1 { s1 += w * (input.lanes(at: at &+ 8) * f) }
                                if count > 2 { s2 += w * (input.lanes(at: at &+ 16) * f) }
                            }
                            row.setLanes(s0, at: c)
                            if count > 1 { row.setLanes(s1, at: c &+ 8) }
                            if count > 2 { row.setLanes(s2, at: c &+ 16) }
                            g &+= count
                        }
                    }
                }
                // Blur along each of the d+1 directions.
                var source = bufferA, target = bufferB
                for j in 0 ... d {
                    let base = 2 * j * m
                    let from = source, to = target
                    forEachChunk(count: m, costPerItem: 3 * lanes, maxChunks: 32, threshold: 1 << 16) { range in
                        for v in range {
                            let first = from + Int(neighbours[base &+ 2 &* v]) &* width
                            let second = from + Int(neighbours[base &+ 2 &* v &+ 1]) &* width
                            let row = (v &+ 1) &* width
                            for g in 0 ..< groups {
                                let c = g &* 8
                                let blurred = from.lanes(at: row &+ c) + 0.5 * (first.lanes(at: c) + second.lanes(at: c))
                                to.setLanes(blurred, at: row &+ c)
                            }
                        }
                    }
                    swap(&source, &target)
                }
                // Slice: interpolate each point's value from its simplex.
                let values = source
                forEachChunk(count: n, costPerItem: 2 * lanes * vertices, maxChunks: 32, threshold: 1 << 16) { range in
                    for i in range {
                        let first = i &* vertices
                        var g = 0
                        while g < groups {
                            let count = min(3, groups &- g), c = g &* 8
                            var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>()
                            for r in 0 ..< vertices {
                                let row = values + (Int(rows[first &+ r]) &* width &+ c)
                                let w = weights[first &+ r]
                                if weightFirst {
                                    s0 += (w * row.lanes(at: 0)) * alpha
                                    if count > 1 { s1 += (w * row.lanes(at: 8)) * alpha }
                                    if count > 2 { s2 += (w * row.lanes(at: 16)) * alpha }
                                } else {
                                    let wa = w * alpha
                                    s0 += wa * row.lanes(at: 0)
                                    if count > 1 { s1 += wa * row.lanes(at: 8) }
                                    if count > 2 { s2 += wa * row.lanes(at: 16) }
                                }
                            }
                            let place = i &* stride &+ block &+ c
                            store(s0, at: place, point: i)
                            if count > 1 { store(s1, at: place &+ 8, point: i) }
                            if count > 2 { store(s2, at: place &+ 16, point: i) }
                            g &+= count
                        }
                    }
                }
            }
        }}}}}}
    }
}

/// The two vertex buffers of the filter, kept between calls (mean-field iterations filter the
/// same lattices again and again); grown on demand, never shared between threads.
final class LatticeWorkspace {
    private(set) var first = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    private(set) var second = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    private var capacity = 0

    /// Makes each buffer hold at least `count` floats (contents are not kept).
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        first.deallocate()
        second.deallocate()
        first = .allocate(capacity: count)
        second = .allocate(capacity: count)
        capacity = count
    }

    deinit {
        first.deallocate()
        second.deallocate()
    }
}
