// PermutohedralLattice filtering: splat (gather each vertex's weighted point values, in point
// order), blur (d+1 passes of v + ½(v₋ + v₊) along the lattice directions, missing neighbours
// count as zero), slice (barycentric interpolation times 1/(1+2^-d)). Adams, Baek & Davis
// (Eurographics 2010) §4, with densecrf's constants and order of float operations. Values are
// processed eight channels at a time (one SIMD8 per vertex), so the work buffers stay at
// 2·8·(M+1) floats whatever the channel count; threads split vertices and points.

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
    func filter(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
                stride: Int, channels: Int,
                inputScale: UnsafePointer<Float>? = nil, outputScale: UnsafePointer<Float>? = nil,
                accumulationWeight: Float? = nil) {
        precondition(stride % 8 == 0 && channels >= 1 && channels <= stride,
                     "filter stride \(stride) must be a multiple of 8 holding \(channels) channels")
        let n = pointCount, m = vertexCount, d = dimension
        guard n > 0 else { return }
        let vertices = d + 1
        let alpha = sliceScale
        // densecrf slices one- and two-channel values as (w·v)·alpha, wider ones as (w·alpha)·v.
        let weightFirst = channels <= 2
        let bufferA = UnsafeMutablePointer<Float>.allocate(capacity: 8 * (m + 1))
        let bufferB = UnsafeMutablePointer<Float>.allocate(capacity: 8 * (m + 1))
        defer { bufferA.deallocate(); bufferB.deallocate() }
        bufferA.initialize(repeating: 0, count: 8)
        bufferB.initialize(repeating: 0, count: 8)

        splatStarts.withUnsafeBufferPointer { starts in
        splatPoints.withUnsafeBufferPointer { points in
        splatWeights.withUnsafeBufferPointer { entryWeights in
        blurNeighbours.withUnsafeBufferPointer { neighbours in
        pointRows.withUnsafeBufferPointer { rows in
        pointWeights.withUnsafeBufferPointer { weights in
            let starts = starts.baseAddress!, points = points.baseAddress!
            let entryWeights = entryWeights.baseAddress!, neighbours = neighbours.baseAddress!
            let rows = rows.baseAddress!, weights = weights.baseAddress!
            for block in Swift.stride(from: 0, to: channels, by: 8) {
                // Splat: every vertex gathers its points' weighted values.
                forEachLatticeChunk(count: m, costPerItem: 16 * vertices) { range in
                    for v in range {
                        var sum = SIMD8<Float>()
                        var e = Int(starts[v])
                        let end = Int(starts[v &+ 1])
                        while e < end {
                            let p = Int(points[e])
                            var x = input.lanes(at: p &* stride &+ block)
                            if let inputScale { x = x * inputScale[p] }
                            sum += entryWeights[e] * x
                            e &+= 1
                        }
                        bufferA.setLanes(sum, at: (v &+ 1) &* 8)
                    }
                }
                // Blur along each of the d+1 directions.
                var source = bufferA, target = bufferB
                for j in 0 ... d {
                    let base = 2 * j * m
                    let from = source, to = target
                    forEachLatticeChunk(count: m, costPerItem: 24) { range in
                        for v in range {
                            let first = Int(neighbours[base &+ 2 &* v]) &* 8
                            let second = Int(neighbours[base &+ 2 &* v &+ 1]) &* 8
                            let row = (v &+ 1) &* 8
                            let blurred = from.lanes(at: row) + 0.5 * (from.lanes(at: first) + from.lanes(at: second))
                            to.setLanes(blurred, at: row)
                        }
                    }
                    swap(&source, &target)
                }
                // Slice: interpolate each point's value from its simplex.
                let values = source
                forEachLatticeChunk(count: n, costPerItem: 16 * vertices) { range in
                    for i in range {
                        var sum = SIMD8<Float>()
                        let first = i &* vertices
                        for r in 0 ..< vertices {
                            let row = Int(rows[first &+ r]) &* 8
                            let w = weights[first &+ r]
                            if weightFirst {
                                sum += (w * values.lanes(at: row)) * alpha
                            } else {
                                sum += (w * alpha) * values.lanes(at: row)
                            }
                        }
                        if let outputScale { sum = sum * outputScale[i] }
                        let place = i &* stride &+ block
                        if let accumulationWeight {
                            sum = output.lanes(at: place) + accumulationWeight * sum
                        }
                        output.setLanes(sum, at: place)
                    }
                }
            }
        }}}}}}
    }
}
