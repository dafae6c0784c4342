// Chroma upsampling as libjpeg-turbo does it by default ("fancy" upsampling, jdsample.c):
// a triangle filter putting output samples 1/4 and 3/4 of the way between input samples, with
// rounding biases that alternate between neighbouring outputs (an ordered dither), and edges
// replicated. h2v1 (4:2:2), h1v2 (4:4:0) and h2v2 (4:2:0) are filtered; components no wider
// than 2 samples fall back to replication for the 2× horizontal cases, as libjpeg does.
// `naiveUpsample` computes a whole plane from the filter weights: the twin for the tests.

extension JPEG {
    enum Upsampling {
        /// Output samples per input sample horizontally / vertically.
        case fullSize
        case h2v1Fancy, h1v2Fancy, h2v2Fancy
        /// Replication (box filter) by the given factors.
        case box(horizontal: Int, vertical: Int)

        /// libjpeg-turbo's choice for a component of `width` samples expanded by (h, v).
        static func method(horizontal h: Int, vertical v: Int, componentWidth width: Int) -> Upsampling {
            switch (h, v) {
            case (1, 1): return .fullSize
            case (2, 1): return width > 2 ? .h2v1Fancy : .box(horizontal: 2, vertical: 1)
            case (1, 2): return .h1v2Fancy
            case (2, 2): return width > 2 ? .h2v2Fancy : .box(horizontal: 2, vertical: 2)
            default: return .box(horizontal: h, vertical: v)
            }
        }
    }

    /// h2v1: one input row of `width` (≥ 3) samples to 2·width outputs.
    static func upsampleH2V1(_ input: UnsafePointer<UInt8>, width: Int, _ output: UnsafeMutablePointer<UInt8>) {
        var previous = Int32(input[0]), current = previous
        output[0] = UInt8(truncatingIfNeeded: current)
        var next = Int32(input[1])
        output[1] = UInt8(truncatingIfNeeded: (current &* 3 &+ next &+ 2) >> 2)
        var x = 1
        while x < width &- 1 {
            previous = current; current = next; next = Int32(input[x &+ 1])
            let three = current &* 3
            output[2 &* x] = UInt8(truncatingIfNeeded: (three &+ previous &+ 1) >> 2)
            output[2 &* x &+ 1] = UInt8(truncatingIfNeeded: (three &+ next &+ 2) >> 2)
            x &+= 1
        }
        previous = current; current = next
        output[2 &* x] = UInt8(truncatingIfNeeded: (current &* 3 &+ previous &+ 1) >> 2)
        output[2 &* x &+ 1] = UInt8(truncatingIfNeeded: current)
    }

    /// h1v2: the output row nearest to input row `near`, whose other neighbour is `far`
    /// (the row above for the upper output row, bias 1; below for the lower, bias 2).
    static func upsampleH1V2(near: UnsafePointer<UInt8>, far: UnsafePointer<UInt8>, width: Int,
                             bias: Int32, _ output: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width {
            output[x] = UInt8(truncatingIfNeeded: (Int32(near[x]) &* 3 &+ Int32(far[x]) &+ bias) >> 2)
        }
    }

    /// h2v2: column sums 3·near + far, then the horizontal triangle with biases 8 and 7.
    /// `sums` is scratch space for `width` values; `width` ≥ 3.
    static func upsampleH2V2(near: UnsafePointer<UInt8>, far: UnsafePointer<UInt8>, width: Int,
                             sums: UnsafeMutablePointer<Int32>, _ output: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width { sums[x] = Int32(near[x]) &* 3 &+ Int32(far[x]) }
        var this = sums[0], next = sums[1]
        output[0] = UInt8(truncatingIfNeeded: (this &* 4 &+ 8) >> 4)
        output[1] = UInt8(truncatingIfNeeded: (this &* 3 &+ next &+ 7) >> 4)
        var last = this
        this = next
        var x = 1
        while x < width &- 1 {
            next = sums[x &+ 1]
            output[2 &* x] = UInt8(truncatingIfNeeded: (this &* 3 &+ last &+ 8) >> 4)
            output[2 &* x &+ 1] = UInt8(truncatingIfNeeded: (this &* 3 &+ next &+ 7) >> 4)
            last = this; this = next
            x &+= 1
        }
        output[2 &* x] = UInt8(truncatingIfNeeded: (this &* 3 &+ last &+ 8) >> 4)
        output[2 &* x &+ 1] = UInt8(truncatingIfNeeded: (this &* 4 &+ 7) >> 4)
    }

    /// Replicates each of `width` samples `factor` times.
    static func upsampleBox(_ input: UnsafePointer<UInt8>, width: Int, factor: Int, _ output: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width {
            for k in 0..<factor { output[x &* factor &+ k] = input[x] }
        }
    }

    /// The whole upsampled plane (`width·h` × `height·v`) from a `width` × `height` component,
    /// computed sample by sample from the filter definition: the twin of the row kernels.
    static func naiveUpsample(_ plane: [UInt8], width: Int, height: Int, horizontal h: Int, vertical v: Int) -> [UInt8] {
        let method = Upsampling.method(horizontal: h, vertical: v, componentWidth: width)
        let outWidth = width * h, outHeight = height * v
        var out = [UInt8](repeating: 0, count: outWidth * outHeight)
        func sample(_ x: Int, _ y: Int) -> Int {
            Int(plane[min(max(y, 0), height - 1) * width + min(max(x, 0), width - 1)])
        }
        for oy in 0..<outHeight {
            for ox in 0..<outWidth {
                let value: Int
                switch method {
                case .fullSize:
                    value = sample(ox, oy)
                case .box(let bh, let bv):
                    value = sample(ox / bh, oy / bv)
                case .h2v1Fancy:
                    // Nearest input weighs 3/4, the other neighbour 1/4; at the image edge the
                    // outer output copies the input.
                    let x = ox / 2, other = ox % 2 == 0 ? x - 1 : x + 1
                    if other < 0 || other >= width { value = sample(x, oy) }
                    else { value = (3 * sample(x, oy) + sample(other, oy) + (ox % 2 == 0 ? 1 : 2)) / 4 }
                case .h1v2Fancy:
                    let y = oy / 2, other = oy % 2 == 0 ? y - 1 : y + 1
                    value = (3 * sample(ox, y) + sample(ox, other) + (oy % 2 == 0 ? 1 : 2)) / 4
                case .h2v2Fancy:
                    // Weights 9/16, 3/16, 3/16, 1/16; rows replicate at the edges, columns
                    // use the column sum itself (×4) at the outer outputs.
                    let y = oy / 2, otherY = oy % 2 == 0 ? y - 1 : y + 1
                    let x = ox / 2, otherX = ox % 2 == 0 ? x - 1 : x + 1
                    let near = 3 * sample(x, y) + sample(x, otherY)
                    let bias = ox % 2 == 0 ? 8 : 7
                    if otherX < 0 || otherX >= width { value = (4 * near + bias) / 16 }
                    else { value = (3 * near + 3 * sample(otherX, y) + sample(otherX, otherY) + bias) / 16 }
                }
                out[oy * outWidth + ox] = UInt8(value)
            }
        }
        return out
    }
}
