// PAMR+Affinities: the per-image neighbour weights of PAMR (paper §3.3, the affinity kernel and
// its softmax; DESIGN §6), computed once per image as they do not change across iterations:
// the unbiased standard deviation of every image channel over the 9·D dilated samples (in
// Double, as PyTorch's std accumulates), the affinities −|I(p) − I(n)| / (1e-8 + 0.1·σ)
// averaged over channels, and their softmax over the 8·D neighbours. Fast kernel: the image is
// replicate-padded once by the largest dilation, rows are split across threads, and eight
// pixels of a row are processed per SIMD vector. Plain-loop twin: PAMR+Naive.swift.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif
import Tensors

/// The softmax affinities of one image batch in the layout the iterations read:
/// [N][H][8·D][vectorWidth], i.e. for every image row the weight rows of all neighbours side by
/// side (lanes past the image width hold finite filler and are never stored in a result).
struct PAMRWeights {
    let geometry: PAMRGeometry
    let storage: [Float]

    init(image: Tensor, geometry g: PAMRGeometry) {
        precondition(image.shape == [g.batch, g.imageChannels, g.height, g.width])
        geometry = g
        let padded = padReplicate(image, left: g.margin, right: g.margin + PAMRVector.width,
                                  top: g.margin, bottom: g.margin)
        let sampleOffsets = g.sampleOffsets, neighbourOffsets = g.neighbourOffsets
        let rowLength = g.neighbours * g.vectorWidth
        let count = g.batch * g.height * rowLength
        storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            padded.scalars.withUnsafeBufferPointer { paddedBuffer in
                sampleOffsets.withUnsafeBufferPointer { samples in
                    neighbourOffsets.withUnsafeBufferPointer { neighbours in
                        let src = paddedBuffer.baseAddress!, dst = buffer.baseAddress!
                        let cost = g.width * g.imageChannels * (4 * g.samples + 4 * g.neighbours)
                        forEachChunk(count: g.batch * g.height, costPerItem: cost) { rows in
                            let denominators = UnsafeMutablePointer<PAMRVector.Lanes>
                                .allocate(capacity: g.imageChannels)
                            defer { denominators.deallocate() }
                            for row in rows {
                                let n = row / g.height, y = row % g.height
                                let imageStart: Int = n &* g.imageChannels &* g.paddedPlane
                                let rowStart: Int = (y &+ g.margin) &* g.paddedWidth &+ g.margin
                                let centre = UnsafePointer(src) + (imageStart &+ rowStart)
                                let out = dst + row &* rowLength
                                var x = 0
                                while x < g.width {
                                    PAMRWeights.affinityBlock(
                                        centre: centre + x, out: out + x, geometry: g,
                                        samples: samples.baseAddress!,
                                        neighbours: neighbours.baseAddress!,
                                        denominators: denominators)
                                    x &+= PAMRVector.width
                                }
                            }
                        }
                    }
                }
            }
            initialized = count
        }
    }

    /// The weights of eight neighbouring pixels of one row: `centre` points at the first pixel
    /// in channel 0 of the padded image, `out` at its lane of the first neighbour's weight row
    /// (the other neighbours follow every `vectorWidth` floats).
    @inline(__always)
    static func affinityBlock(centre: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                              geometry g: PAMRGeometry, samples: UnsafePointer<Int>,
                              neighbours: UnsafePointer<Int>,
                              denominators: UnsafeMutablePointer<PAMRVector.Lanes>) {
        typealias Lanes = PAMRVector.Lanes
        let channels = g.imageChannels, plane = g.paddedPlane, stride = g.vectorWidth
        let sampleCount = g.samples, neighbourCount = g.neighbours

        // σ per channel: two passes in Double (mean, then squared deviations), unbiased.
        for c in 0 ..< channels {
            let p = centre + c &* plane
            var sum = SIMD8<Double>()
            for s in 0 ..< sampleCount {
                sum += SIMD8<Double>(PAMRVector.load(p + samples[s]))
            }
            let mean = sum / Double(sampleCount)
            var squares = SIMD8<Double>()
            for s in 0 ..< sampleCount {
                let deviation = SIMD8<Double>(PAMRVector.load(p + samples[s])) - mean
                squares += deviation * deviation
            }
            let sigma = Lanes((squares / Double(sampleCount - 1)).squareRoot())
            denominators[c] = Lanes(repeating: 1e-8) + Lanes(repeating: 0.1) * sigma
        }

        // Channel-mean affinity of every neighbour, kept in the output rows for the softmax.
        var maximum = Lanes(repeating: -.infinity)
        for j in 0 ..< neighbourCount {
            var total = Lanes()
            for c in 0 ..< channels {
                let p = centre + c &* plane
                let difference = PAMRVector.load(p) - PAMRVector.load(p + neighbours[j])
                total += -PAMRVector.magnitude(difference) / denominators[c]
            }
            let logit = total / Float(channels)
            PAMRVector.store(logit, out + j &* stride)
            maximum = pointwiseMax(maximum, logit)
        }

        // Softmax over the neighbours.
        var sum = Lanes()
        for j in 0 ..< neighbourCount {
            let shifted = PAMRVector.load(out + j &* stride) - maximum
            var e = Lanes()
            for lane in 0 ..< PAMRVector.width { e[lane] = expf(shifted[lane]) }
            PAMRVector.store(e, out + j &* stride)
            sum += e
        }
        for j in 0 ..< neighbourCount {
            PAMRVector.store(PAMRVector.load(out + j &* stride) / sum, out + j &* stride)
        }
    }

    /// The weights as [N, 8·D, H, W].
    func tensor() -> Tensor {
        let g = geometry
        var result = [Float](repeating: 0, count: g.batch * g.neighbours * g.height * g.width)
        for n in 0 ..< g.batch {
            for y in 0 ..< g.height {
                for j in 0 ..< g.neighbours {
                    let from = ((n * g.height + y) * g.neighbours + j) * g.vectorWidth
                    let to = ((n * g.neighbours + j) * g.height + y) * g.width
                    for x in 0 ..< g.width { result[to + x] = storage[from + x] }
                }
            }
        }
        return Tensor(shape: [g.batch, g.neighbours, g.height, g.width], scalars: result)
    }
}
