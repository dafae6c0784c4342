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

/// The im2col matrix of one image as a source of packed GEMM panels.
@usableFromInline
struct Im2ColPanelSource: GEMMPanelSource {
    let image: UnsafePointer<Float>
    let g: Conv2DGeometry

    @usableFromInline
    init(image: UnsafePointer<Float>, geometry: Conv2DGeometry) {
        self.image = image; self.g = geometry
    }

    @usableFromInline
    func pack(into panel: UnsafeMutablePointer<Float>, p0: Int, kc: Int, j0: Int, width: Int) {
        let outW = g.outputWidth
        let oy0 = j0 / outW, ox0 = j0 - oy0 * outW
        if ox0 + width <= outW {
            packOneRow(into: panel, p0: p0, kc: kc, oy: oy0, ox0: ox0, width: width)
        } else {
            packAnyColumns(into: panel, p0: p0, kc: kc, j0: j0, width: width)
        }
    }

    /// Panel whose columns are consecutive pixels of one output row: each k-row reads one input
    /// row at x = ox0·sw − pw + kx·dw + jj·sw, copied with SIMD where it lies inside the image.
    @inline(__always)
    private func packOneRow(into panel: UnsafeMutablePointer<Float>, p0: Int, kc: Int,
                            oy: Int, ox0: Int, width: Int) {
        let kh = g.kernelHeight, kw = g.kernelWidth, h = g.height, w = g.width
        let sx = g.strideX, dy = g.dilationY, dx = g.dilationX
        let iyBase = oy &* g.strideY &- g.paddingY
        let ixBase = ox0 &* sx &- g.paddingX
        let taps = kh &* kw
        var c = p0 / taps
        let rest = p0 - c &* taps
        var ky = rest / kw
        var kx = rest - ky &* kw
        var target = panel
        for _ in 0..<kc {
            let iy = iyBase &+ ky &* dy
            let ix0 = ixBase &+ kx &* dx
            let out = UnsafeMutableRawPointer(target)
            if iy < 0 || iy >= h {
                out.storeBytes(of: Lane(), as: Lane.self)
                out.storeBytes(of: Lane(), toByteOffset: 32, as: Lane.self)
            } else {
                let row = image + (c &* h &+ iy) &* w
                if width == 16 && sx == 1 && ix0 >= 0 && ix0 &+ 16 <= w {
                    let source = UnsafeRawPointer(row + ix0)
                    out.storeBytes(of: source.loadUnaligned(as: Lane.self), as: Lane.self)
                    out.storeBytes(of: source.loadUnaligned(fromByteOffset: 32, as: Lane.self),
                                   toByteOffset: 32, as: Lane.self)
                } else if width == 16 && sx == 2 && ix0 >= 0 && ix0 &+ 32 <= w {
                    let source = UnsafeRawPointer(row + ix0)
                    let low = SIMD16<Float>(lowHalf: source.loadUnaligned(as: Lane.self),
                                            highHalf: source.loadUnaligned(fromByteOffset: 32, as: Lane.self))
                    let high = SIMD16<Float>(lowHalf: source.loadUnaligned(fromByteOffset: 64, as: Lane.self),
                                             highHalf: source.loadUnaligned(fromByteOffset: 96, as: Lane.self))
                    out.storeBytes(of: low.evenHalf, as: Lane.self)
                    out.storeBytes(of: high.evenHalf, toByteOffset: 32, as: Lane.self)
                } else {
                    var ix = ix0
                    for jj in 0..<16 {
                        target[jj] = jj < width && ix >= 0 && ix < w ? row[ix] : 0
                        ix &+= sx
                    }
                }
            }
            target += 16
            kx &+= 1
            if kx == kw {
                kx = 0
                ky &+= 1
                if ky == kh { ky = 0; c &+= 1 }
            }
        }
    }

    /// Panel whose columns wrap to the next output row: per-column coordinates.
    private func packAnyColumns(into panel: UnsafeMutablePointer<Float>, p0: Int, kc: Int,
                                j0: Int, width: Int) {
        let kh = g.kernelHeight, kw = g.kernelWidth, h = g.height, w = g.width
        let outW = g.outputWidth
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 32) { origin in
            for jj in 0..<width {
                let j = j0 + jj
                let oy = j / outW, ox = j - oy * outW
                origin[2 * jj] = oy * g.strideY - g.paddingY
                origin[2 * jj + 1] = ox * g.strideX - g.paddingX
            }
            let taps = kh * kw
            for p in 0..<kc {
                let row = p0 + p
                let c = row / taps
                let ky = (row - c * taps) / kw
                let kx = row - c * taps - ky * kw
                let target = panel + p * 16
                let plane = image + c * h * w
                for jj in 0..<16 {
                    var value: Float = 0
                    if jj < width {
                        let iy = origin[2 * jj] + ky * g.dilationY
                        let ix = origin[2 * jj + 1] + kx * g.dilationX
                        if iy >= 0 && iy < h && ix >= 0 && ix < w { value = plane[iy * w + ix] }
                    }
                    target[jj] = value
                }
            }
        }
    }
}
