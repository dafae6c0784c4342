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

        var firsts = [Int](repeating: 0, count: outputSize)
        var counts = [Int](repeating: 0, count: outputSize)
        var rows: [[Int32]] = []
        rows.reserveCapacity(outputSize)
        var widest = 1
        var real: [Double] = []
        for i in 0..<outputSize {
            let center = (Double(i) + 0.5) * scale
            // C's (int) conversion truncates toward zero; negative bounds then clamp to 0.
            let first = max(Int(center - support + 0.5), 0)
            let end = min(Int(center + support + 0.5), inputSize)
            let count = max(end - first, 0)
            real.removeAll(keepingCapacity: true)
            var sum = 0.0
            for x in 0..<count {
                let w = filter.weight(at: (Double(x + first) - center + 0.5) * inverseFilterScale)
                real.append(w)
                sum += w
            }
            if sum != 0 {
                for x in 0..<count { real[x] /= sum }
            }
            rows.append(real.map { w in
                w < 0 ? Int32(-0.5 + w * fixedOne) : Int32(0.5 + w * fixedOne)
            })
            firsts[i] = first
            counts[i] = count
            widest = max(widest, count)
        }

        // Uniform windows: shift a window left when it would run past the end of the source,
        // padding its weights with zeros (adding 0 · sample leaves the integer sum unchanged).
        let taps = min(widest, inputSize)
        var starts = [Int32](repeating: 0, count: outputSize)
        var table = [Int32](repeating: 0, count: outputSize * taps)
        for i in 0..<outputSize {
            let windowStart = min(firsts[i], inputSize - taps)
            let shift = firsts[i] - windowStart
            starts[i] = Int32(windowStart)
            for x in 0..<counts[i] { table[i * taps + shift + x] = rows[i][x] }
        }
        self.taps = taps
        self.start = starts
        self.weights = table
    }
}
