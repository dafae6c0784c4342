// PAMR+Naive: the plain-loop twin of PAMR (paper §3.3; DESIGN §6), written to mirror
// the reference module's tensor operations one by one: for each dilation d the input is
// replicate-padded by d and the 3 × 3 grid at spacing d is gathered into a stack of shifted
// copies ([N, C, 9·D or 8·D, H, W]); the std, the affinities, the channel mean, the softmax and
// each iteration's weighted sum are separate passes over whole tensors. The tests compare the
// fast kernels (PAMR+Affinities.swift, PAMR+Iterations.swift) against it.
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

extension PAMR {
    /// Plain-loop twin of `refine(image:mask:)`.
    public func refineNaive(image: Tensor, mask: Tensor) -> Tensor {
        let g = PAMRGeometry(image: image.shape, mask: mask.shape, dilations: dilations)
        var current = resizeBilinearNaive(mask, height: g.height, width: g.width, alignCorners: true)
        guard iterations > 0 else { return current }
        let weights = affinitiesNaive(image: image).scalars  // [N, J, H, W]
        let (batch, channels, height, width) = (g.batch, g.maskChannels, g.height, g.width)
        let count = g.neighbours
        for _ in 0 ..< iterations {
            // m = neighbour copies of the mask, [N, K, J, H, W]; mask = Σ_j m · weights.
            let m = PAMR.shiftedCopies(current, dilations: dilations, centre: false).scalars
            var next = [Float](repeating: 0, count: batch * channels * height * width)
            for n in 0 ..< batch {
                for k in 0 ..< channels {
                    for y in 0 ..< height {
                        for x in 0 ..< width {
                            var sum: Float = 0
                            for j in 0 ..< count {
                                let copy = (((n * channels + k) * count + j) * height + y) * width + x
                                let weight = ((n * count + j) * height + y) * width + x
                                sum += m[copy] * weights[weight]
                            }
                            next[((n * channels + k) * height + y) * width + x] = sum
                        }
                    }
                }
            }
            current = Tensor(shape: [batch, channels, height, width], scalars: next)
        }
        return current
    }

    /// Plain-loop twin of `affinities(image:)`.
    public func affinitiesNaive(image: Tensor) -> Tensor {
        let g = PAMRGeometry(image: image.shape, mask: nil, dilations: dilations)
        let (batch, channels, height, width) = (g.batch, g.imageChannels, g.height, g.width)
        let sampleCount = g.samples, count = g.neighbours
        let pixels = height * width
        let input = image.scalars

        // Local standard deviation over the 9·D samples, unbiased, accumulated in Double.
        let samples = PAMR.shiftedCopies(image, dilations: dilations, centre: true).scalars
        var sigma = [Float](repeating: 0, count: batch * channels * pixels)
        for plane in 0 ..< batch * channels {
            for p in 0 ..< pixels {
                var sum: Double = 0
                for s in 0 ..< sampleCount {
                    sum += Double(samples[(plane * sampleCount + s) * pixels + p])
                }
                let mean = sum / Double(sampleCount)
                var squares: Double = 0
                for s in 0 ..< sampleCount {
                    let deviation = Double(samples[(plane * sampleCount + s) * pixels + p]) - mean
                    squares += deviation * deviation
                }
                sigma[plane * pixels + p] = Float((squares / Double(sampleCount - 1)).squareRoot())
            }
        }

        // Affinity per channel, −|I − I_n| / (1e-8 + 0.1·σ), then the mean over channels.
        let neighbours = PAMR.shiftedCopies(image, dilations: dilations, centre: false).scalars
        var logits = [Float](repeating: 0, count: batch * count * pixels)
        for n in 0 ..< batch {
            for j in 0 ..< count {
                for p in 0 ..< pixels {
                    var total: Float = 0
                    for c in 0 ..< channels {
                        let plane = n * channels + c
                        let difference = abs(input[plane * pixels + p]
                                              - neighbours[(plane * count + j) * pixels + p])
                        let denominator: Float = 1e-8 + 0.1 * sigma[plane * pixels + p]
                        total += -difference / denominator
                    }
                    logits[(n * count + j) * pixels + p] = total / Float(channels)
                }
            }
        }

        // Softmax over the neighbours.
        var weights = [Float](repeating: 0, count: batch * count * pixels)
        for n in 0 ..< batch {
            for p in 0 ..< pixels {
                func at(_ j: Int) -> Int { (n * count + j) * pixels + p }
                var maximum = -Float.infinity
                for j in 0 ..< count { maximum = max(maximum, logits[at(j)]) }
                var sum: Float = 0
                for j in 0 ..< count {
                    let e = expf(logits[at(j)] - maximum)
                    weights[at(j)] = e
                    sum += e
                }
                for j in 0 ..< count { weights[at(j)] /= sum }
            }
        }
        return Tensor(shape: [batch, count, height, width], scalars: weights)
    }

    /// The reference's shifted-copy stack of `input` ([N, C, H, W]) as [N, C, P, H, W]: for
    /// every dilation d, `input` replicate-padded by d on each side and read at the 3 × 3 grid
    /// of spacing d around each pixel, row by row, with (`centre`) or without the grid's centre.
    static func shiftedCopies(_ input: Tensor, dilations: [Int], centre: Bool) -> Tensor {
        let (batch, channels, height, width) =
            (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let grid = PAMRGeometry.grid.filter { centre || $0 != (0, 0) }
        let count = grid.count * dilations.count
        var result = [Float](repeating: 0, count: batch * channels * count * height * width)
        for (i, d) in dilations.enumerated() {
            let padded = padReplicateNaive(input, left: d, right: d, top: d, bottom: d).scalars
            let paddedHeight = height + 2 * d, paddedWidth = width + 2 * d
            for (position, (dy, dx)) in grid.enumerated() {
                let p = i * grid.count + position
                for plane in 0 ..< batch * channels {
                    for y in 0 ..< height {
                        for x in 0 ..< width {
                            let source = (plane * paddedHeight + y + d + dy * d) * paddedWidth
                                + x + d + dx * d
                            result[((plane * count + p) * height + y) * width + x] = padded[source]
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, channels, count, height, width], scalars: result)
    }
}
