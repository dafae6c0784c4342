// PillowResampleCoefficients: the per-output-pixel weight table of one pass (rows or columns) of
// Pillow's separable resampling, in the 8-bit fixed-point form Pillow applies to UInt8 images.
// For output index i the kernel is centred at (i + 0.5)·scale, stretched by max(scale, 1) so
// shrinking averages (antialiasing), sampled at the source pixels whose centres fall within the
// support, normalised to sum 1 in Double, then rounded half away from zero to Int32 with
// 22 fractional bits. The fast passes read a uniform window of `taps` weights per output
// (zero-padded, shifted to stay inside the source) so their inner loops have a fixed length.

/// Fixed-point fraction bits of Pillow's 8-bit resampling: 32 - 8 (sample) - 2 (headroom).
public let pillowPrecisionBits: Int32 = 22

/// One pass's fixed-point weights: output `i` is
/// `clip8((1 << 21 + Σ_t weights[i·taps + t] · source[start[i] + t]) >> 22)`.
public struct PillowResampleCoefficients: Sendable {
    /// Source extent along the pass.
    public let inputSize: Int
    /// Output extent along the pass.
    public let outputSize: Int
    /// Window length shared by every output (the longest run of source pixels any output uses).
    public let taps: Int
    /// First source index of each output's window; `start[i] + taps <= inputSize`.
    public let start: [Int32]
    /// `outputSize * taps` fixed-point weights; entries outside an output's support are 0.
    public let weights: [Int32]

    /// Pillow's coefficients for resampling `inputSize` source pixels to `outputSize`, without a
    /// crop box (Pillow's `box = (0, 0, width, height)`).
    public init(inputSize: Int, outputSize: Int, filter: PillowFilter) {
        precondition(filter != .nearest, "nearest neighbour resizing uses no weights")
        precondition(inputSize >= 1 && outputSize >= 1,
                     "resampling needs non-empty sides, got \(inputSize) -> \(outputSize)")
        precondition(inputSize < 1 << 24, "side \(inputSize) is beyond Pillow's float box")
        self.inputSize = inputSize
        self.outputSize = outputSize

        // Pillow: scale = (in1 - in0) / outSize, support = filter support · max(scale, 1).
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let inverseFilterScale = 1 / filterScale
        let fixedOne = Double(Int32(1) << pillowPrecisionBits)

        // Each output's support: source pixels first..<end, with C's truncating (int) casts
        // (negative bounds then clamp to 0).
        func span(of i: Int) -> (center: Double, first: Int, count: Int) {
            let center = (Double(i) + 0.5) * scale
            let first = max(Int(center - support + 0.5), 0)
            let end = min(Int(center + support + 0.5), inputSize)
            return (center, first, max(end - first, 0))
        }
        var widest = 1
        for i in 0..<outputSize { widest = max(widest, span(of: i).count) }
        let taps = min(widest, inputSize)

        // Uniform windows of `taps` weights: a window that would run past the end of the source
        // is shifted left and its weights padded with zeros (0 · sample leaves the sum alone).
        var starts = [Int32](repeating: 0, count: outputSize)
        var table = [Int32](repeating: 0, count: outputSize * taps)
        var real = [Double](repeating: 0, count: widest)
        for i in 0..<outputSize {
            let (center, first, count) = span(of: i)
            var sum = 0.0
            for x in 0..<count {
                let w = filter.weight(at: (Double(x + first) - center + 0.5) * inverseFilterScale)
                real[x] = w
                sum += w
            }
            if sum != 0 {
                for x in 0..<count { real[x] /= sum }
            }
            let windowStart = min(first, inputSize - taps)
            let shift = first - windowStart
            starts[i] = Int32(windowStart)
            for x in 0..<count {
                let w = real[x]
                table[i * taps + shift + x] = w < 0 ? Int32(-0.5 + w * fixedOne) : Int32(0.5 + w * fixedOne)
            }
        }
        self.taps = taps
        self.start = starts
        self.weights = table
    }
}
