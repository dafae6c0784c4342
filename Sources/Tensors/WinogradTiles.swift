// WinogradTiles: the tiling of a 3×3 stride-1 convolution for Winograd F(4×4, 3×3) and the
// per-tile-row input and output transforms of conv2dWinograd (Winograd.swift). Output tile
// (ty, tx) covers output rows 4ty…4ty+3 and columns 4tx…4tx+3 and reads the 6×6 input patch at
// (4ty − padY, 4tx − padX), zeros outside the image; tiles past the output's bottom/right edge
// are computed and cropped. Lavin & Gray 2016, eq. (8): V = Bᵀ d B, Y = Aᵀ M A. Eight tiles of a
// row share each SIMD lane vector.

struct WinogradGeometry {
    let batch: Int, channels: Int, height: Int, width: Int, outChannels: Int
    let paddingY: Int, paddingX: Int
    let outputHeight: Int, outputWidth: Int
    /// Tiles per image column and per tile row.
    let tilesHigh: Int, tilesWide: Int
    /// Groups of eight tiles per tile row.
    let blocks: Int
    /// Floats per scratch row: every block's 32 columns plus the 8 the last block's patches reach past them.
    let bandWidth: Int
    /// Tiles per tile row in V and M: whole blocks of eight (the extra tiles are computed, never stored).
    var rowStride: Int { 8 * blocks }

    init(batch: Int, channels: Int, height: Int, width: Int, outChannels: Int, padding: (Int, Int)) {
        self.batch = batch; self.channels = channels; self.height = height; self.width = width
        self.outChannels = outChannels
        paddingY = padding.0; paddingX = padding.1
        outputHeight = height + 2 * padding.0 - 2
        outputWidth = width + 2 * padding.1 - 2
        tilesHigh = (outputHeight + 3) / 4
        tilesWide = (outputWidth + 3) / 4
        blocks = (tilesWide + 7) / 8
        bandWidth = 32 * blocks + 8
    }

    /// Tile rows of the whole batch (image n's rows are n·tilesHigh ..< (n+1)·tilesHigh).
    var tileRows: Int { batch * tilesHigh }

    /// V = Bᵀ d B for every tile of tile row `ty` of one input channel plane [H, W]: position ξ of
    /// the tile in lane l of block b (tile 8b + l of the row) goes to v[ξ·positionStride + 8b + l].
    /// `columns` is scratch of 6·bandWidth floats, `zeros`
    /// holds `width` zeros.
    func transformInput(plane: UnsafePointer<Float>, tileRow ty: Int,
                        columns: UnsafeMutablePointer<Float>, zeros: UnsafePointer<Float>,
                        into v: UnsafeMutablePointer<Float>, positionStride: Int) {
        let width = self.width, bandWidth = self.bandWidth, paddingX = self.paddingX
        // Columns: columns[i][x] = (Bᵀ · input rows 4ty − padY … +5 at x − padX)_i, zero in the padding.
        let top = 4 &* ty &- paddingY
        func row(_ r: Int) -> UnsafePointer<Float> {
            let y = top &+ r
            return y >= 0 && y < height ? plane + y &* width : zeros
        }
        let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3), r4 = row(4), r5 = row(5)
        let right = paddingX &+ width
        for i in 0 ..< 6 {
            let line = columns + i &* bandWidth
            line.update(repeating: 0, count: paddingX)
            (line + right).update(repeating: 0, count: bandWidth &- right)
        }
        let target = columns + paddingX
        @inline(__always) func store(_ t: (WinogradVector, WinogradVector, WinogradVector, WinogradVector,
                                           WinogradVector, WinogradVector), at x: Int, lanes: Int) {
            (target + x).setLanes(t.0, count: lanes)
            (target + (bandWidth &+ x)).setLanes(t.1, count: lanes)
            (target + (2 &* bandWidth &+ x)).setLanes(t.2, count: lanes)
            (target + (3 &* bandWidth &+ x)).setLanes(t.3, count: lanes)
            (target + (4 &* bandWidth &+ x)).setLanes(t.4, count: lanes)
            (target + (5 &* bandWidth &+ x)).setLanes(t.5, count: lanes)
        }
        var x = 0
        while x &+ 8 <= width {
            store(WinogradTransform.input(r0.vector(at: x), r1.vector(at: x), r2.vector(at: x),
                                          r3.vector(at: x), r4.vector(at: x), r5.vector(at: x)), at: x, lanes: 8)
            x &+= 8
        }
        if x < width {
            let lanes = width &- x
            store(WinogradTransform.input(r0.lanes(at: x, count: lanes), r1.lanes(at: x, count: lanes),
                                          r2.lanes(at: x, count: lanes), r3.lanes(at: x, count: lanes),
                                          r4.lanes(at: x, count: lanes), r5.lanes(at: x, count: lanes)),
                  at: x, lanes: lanes)
        }
        // Rows: V[i][k] of eight tiles = (B · samples 4tx … 4tx+5 of columns[i])_k.
        for i in 0 ..< 6 {
            let line = UnsafePointer(columns + i &* bandWidth)
            let out = v + 6 &* i &* positionStride
            for block in 0 ..< blocks {
                let first = 32 &* block
                let (d0, d1, d2, d3) = WinogradTransform.quadLanes(line + first)
                let (d4, d5, _, _) = WinogradTransform.quadLanes(line + (first &+ 4))
                let t = WinogradTransform.input(d0, d1, d2, d3, d4, d5)
                let tile = 8 &* block
                out.setVector(t.0, at: tile)
                out.setVector(t.1, at: positionStride &+ tile)
                out.setVector(t.2, at: 2 &* positionStride &+ tile)
                out.setVector(t.3, at: 3 &* positionStride &+ tile)
                out.setVector(t.4, at: 4 &* positionStride &+ tile)
                out.setVector(t.5, at: 5 &* positionStride &+ tile)
            }
        }
    }

    /// Y = Aᵀ M A + bias, then the activation, for every tile of tile row `ty` of one output channel
    /// (position ξ of lane l of block b at m[ξ·positionStride + 8b + l], as transformInput leaves
    /// them): writes the rows of the output plane [outH, outW] the tile row covers, cropped.
    /// `products` is scratch of 24 vectors.
    func transformOutput(m: UnsafePointer<Float>, positionStride: Int, tileRow ty: Int,
                         bias: Float, relu: Bool, products: UnsafeMutablePointer<WinogradVector>,
                         into plane: UnsafeMutablePointer<Float>) {
        let outputWidth = self.outputWidth
        let biasVector = WinogradVector(repeating: bias), zero = WinogradVector.zero
        let rows = min(4, outputHeight &- 4 &* ty)
        for block in 0 ..< blocks {
            let tile = 8 &* block
            // Columns first: products[4k + r] = (Aᵀ · M[·][k])_r.
            for k in 0 ..< 6 {
                let column = m + (k &* positionStride &+ tile)
                let s = WinogradTransform.output(column.vector(at: 0), column.vector(at: 6 &* positionStride),
                                                 column.vector(at: 12 &* positionStride),
                                                 column.vector(at: 18 &* positionStride),
                                                 column.vector(at: 24 &* positionStride),
                                                 column.vector(at: 30 &* positionStride))
                products[4 &* k] = s.0; products[4 &* k &+ 1] = s.1
                products[4 &* k &+ 2] = s.2; products[4 &* k &+ 3] = s.3
            }
            // Then rows: output row 4ty + r, columns 32b … 32b+31 (lanes back in row order).
            let left = 32 &* block
            for r in 0 ..< rows {
                var y = WinogradTransform.output(products[r], products[4 &+ r], products[8 &+ r],
                                                 products[12 &+ r], products[16 &+ r], products[20 &+ r])
                y.0 += biasVector; y.1 += biasVector; y.2 += biasVector; y.3 += biasVector
                if relu {
                    y.0.replace(with: zero, where: y.0 .< zero); y.1.replace(with: zero, where: y.1 .< zero)
                    y.2.replace(with: zero, where: y.2 .< zero); y.3.replace(with: zero, where: y.3 .< zero)
                }
                let q = WinogradTransform.quadRows(y.0, y.1, y.2, y.3)
                let target = plane + ((4 &* ty &+ r) &* outputWidth &+ left)
                if left &+ 32 <= outputWidth {
                    target.setVector(q.0, at: 0); target.setVector(q.1, at: 8)
                    target.setVector(q.2, at: 16); target.setVector(q.3, at: 24)
                } else {
                    let remaining = outputWidth &- left
                    target.setLanes(q.0, count: remaining)
                    if remaining > 8 { (target + 8).setLanes(q.1, count: remaining &- 8) }
                    if remaining > 16 { (target + 16).setLanes(q.2, count: remaining &- 16) }
                    if remaining > 24 { (target + 24).setLanes(q.3, count: remaining &- 24) }
                }
            }
        }
    }
}

extension UnsafePointer where Pointee == Float {
    /// Elements 0 ..< count (at most 8) from i on, zeros in the other lanes.
    @inline(__always)
    func lanes(at i: Int, count: Int) -> WinogradVector {
        var v = WinogradVector.zero
        for lane in 0 ..< count { v[lane] = self[i &+ lane] }
        return v
    }
}
