// im2col: a convolution's input seen as a matrix, so a k×k conv becomes one GEMM
// (DESIGN §7): row (c·kh + ky)·kw + kx, column oy·outW + ox holds
// input[c, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw], zero outside the image (zero padding).
// `im2col` writes that matrix out; `Im2ColPanelSource` writes it straight into the GEMM's packed
// 16-column panels, one KC-deep slice at a time, so the whole matrix never exists in memory.

/// Sizes of one 2-D convolution (one image, no groups), with its output size.
public struct Conv2DGeometry: Equatable, Sendable {
    public let channels: Int, height: Int, width: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideY: Int, strideX: Int
    public let paddingY: Int, paddingX: Int
    public let dilationY: Int, dilationX: Int
    public let outputHeight: Int, outputWidth: Int

    public init(channels: Int, height: Int, width: Int, kernel: (Int, Int),
                stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) {
        precondition(channels >= 0 && height >= 0 && width >= 0, "conv2d: negative input size")
        precondition(kernel.0 >= 1 && kernel.1 >= 1, "conv2d: kernel \(kernel) must be at least 1×1")
        precondition(stride.0 >= 1 && stride.1 >= 1, "conv2d: stride \(stride) must be positive")
        precondition(padding.0 >= 0 && padding.1 >= 0, "conv2d: padding \(padding) must not be negative")
        precondition(dilation.0 >= 1 && dilation.1 >= 1, "conv2d: dilation \(dilation) must be positive")
        self.channels = channels; self.height = height; self.width = width
        kernelHeight = kernel.0; kernelWidth = kernel.1
        strideY = stride.0; strideX = stride.1
        paddingY = padding.0; paddingX = padding.1
        dilationY = dilation.0; dilationX = dilation.1
        let spanY = dilation.0 * (kernel.0 - 1) + 1, spanX = dilation.1 * (kernel.1 - 1) + 1
        precondition(height + 2 * padding.0 >= spanY && width + 2 * padding.1 >= spanX,
                     "conv2d: kernel \(kernel) with dilation \(dilation) exceeds the padded input \(height)×\(width)")
        outputHeight = (height + 2 * padding.0 - spanY) / stride.0 + 1
        outputWidth = (width + 2 * padding.1 - spanX) / stride.1 + 1
    }

    /// Rows of the im2col matrix: channels · kh · kw.
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the im2col matrix: output pixels.
    public var outputPixels: Int { outputHeight * outputWidth }
    /// Whether the im2col matrix is the input itself (1×1 kernel, stride 1, no padding).
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideY == 1 && strideX == 1 && paddingY == 0 && paddingX == 0
    }
}

/// Writes the im2col matrix of one image ([channels, height, width], row-major) into `matrix`
/// (patchSize × outputPixels, row-major).
public func im2col(_ image: UnsafePointer<Float>, geometry g: Conv2DGeometry,
                   into matrix: UnsafeMutablePointer<Float>) {
    let columns = g.outputPixels
    var row = 0
    for c in 0..<g.channels {
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let target = matrix + row * columns
                for oy in 0..<g.outputHeight {
                    let iy = oy * g.strideY - g.paddingY + ky * g.dilationY
                    for ox in 0..<g.outputWidth {
                        let ix = ox * g.strideX - g.paddingX + kx * g.dilationX
                        let inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width
                        target[oy * g.outputWidth + ox] = inside ? image[(c * g.height + iy) * g.width + ix] : 0
                    }
                }
                row += 1
            }
        }
    }
}

/// The im2col matrix of one image as a source of packed GEMM panels. Each row of a slice is
/// built as a line — per output row, a shifted (stride 1) or decimated (stride 2) copy of one
/// input row with zeros where the kernel tap falls in the padding — then scattered into the
/// 16-column panels, so packing runs at SIMD copy speed.
@usableFromInline
struct Im2ColPanelSource: GEMMPanelSource {
    let image: UnsafePointer<Float>
    let g: Conv2DGeometry

    @usableFromInline
    init(image: UnsafePointer<Float>, geometry: Conv2DGeometry) {
        self.image = image; self.g = geometry
    }

    @usableFromInline
    func pack(into packed: UnsafeMutablePointer<Float>, p0: Int, kc: Int, rows: Range<Int>, j0: Int, nc: Int) {
        if rows.isEmpty { return }
        let panelStride = PanelRow.panelStride(kc: kc)
        let kh = g.kernelHeight, kw = g.kernelWidth, outW = g.outputWidth
        withUnsafeTemporaryAllocation(of: Float.self, capacity: PanelRow.columnsPerPass) { buffer in
            let line = buffer.baseAddress!
            for start in stride(from: 0, to: nc, by: PanelRow.columnsPerPass) {
                let count = min(PanelRow.columnsPerPass, nc &- start)
                let panels = packed + (start / 16) &* panelStride
                let oy = (j0 &+ start) / outW
                let ox = j0 &+ start &- oy &* outW
                // (channel, ky, kx) of the first row, then stepped row by row without dividing.
                let first = p0 &+ rows.lowerBound
                var c = first / (kh &* kw)
                var ky = (first &- c &* kh &* kw) / kw
                var kx = first &- (c &* kh &+ ky) &* kw
                for p in rows {
                    buildLine(line, channel: c, ky: ky, kx: kx, oy: oy, ox: ox, count: count)
                    PanelRow.scatter(line, into: panels, row: p, kc: kc, nc: count)
                    kx &+= 1
                    if kx == kw {
                        kx = 0
                        ky &+= 1
                        if ky == kh { ky = 0; c &+= 1 }
                    }
                }
            }
        }
    }

    /// `count` columns of the im2col row of (channel, ky, kx), starting at output pixel (oy, ox).
    @inline(__always)
    func buildLine(_ line: UnsafeMutablePointer<Float>, channel c: Int, ky: Int, kx: Int,
                   oy firstRow: Int, ox firstColumn: Int, count total: Int) {
        let h = g.height, w = g.width, outW = g.outputWidth, sx = g.strideX
        // Input x of output column ox is ox·sx + shift; the valid columns are lo ..< hi.
        let shift = kx &* g.dilationX &- g.paddingX
        let lo: Int, hi: Int
        if sx == 1 {
            lo = max(0, -shift)
            hi = max(0, w &- shift)
        } else {
            lo = shift >= 0 ? 0 : (sx &- 1 &- shift) / sx
            hi = w &- shift > 0 ? (w &- 1 &- shift) / sx &+ 1 : 0
        }
        let plane = image + c &* h &* w
        let iyStep = g.strideY
        var iy = firstRow &* iyStep &- g.paddingY &+ ky &* g.dilationY
        var ox = firstColumn
        var out = line
        var remaining = total
        while remaining > 0 {
            let count = min(outW &- ox, remaining)
            if iy < 0 || iy >= h {
                PanelRow.zero(out, count)
            } else {
                let end = ox &+ count
                let first = min(max(lo, ox), end)
                let last = max(min(hi, end), first)
                PanelRow.zero(out, first &- ox)
                PanelRow.copy(plane + (iy &* w &+ first &* sx &+ shift), stride: sx,
                              to: out + (first &- ox), last &- first)
                PanelRow.zero(out + (last &- ox), end &- last)
            }
            out += count
            remaining &-= count
            iy &+= iyStep
            ox = 0
        }
    }
}
