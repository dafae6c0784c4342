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
    /// tile tx goes to v[ξ·positionStride + tx]. `band` and `columns` are scratch of 6·bandWidth floats.
    func transformInput(plane: UnsafePointer<Float>, tileRow ty: Int,
                        band: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>,
                        into v: UnsafeMutablePointer<Float>, positionStride: Int) {
        let width = self.width, bandWidth = self.bandWidth, paddingX = self.paddingX
        // The six input rows of the tile row, zero-padded: band[r][x] = input[4ty − padY + r][x − padX].
        let copied = min(width, max(0, bandWidth &- paddingX))
        for r in 0 ..< 6 {
            let row = band + r &* bandWidth
            let y = 4 &* ty &- paddingY &+ r
            if y < 0 || y >= height {
                row.update(repeating: 0, count: bandWidth)
                continue
            }
            row.update(repeating: 0, count: min(paddingX, bandWidth))
            (row + paddingX).update(from: plane + y &* width, count: copied)
            let tail = paddingX &+ copied
            if tail < bandWidth { (row + tail).update(repeating: 0, count: bandWidth &- tail) }
        }
        // Columns: columns[i][x] = (Bᵀ · band[·][x])_i, eight x at a time.
        var x = 0
        while x < bandWidth {
            let t = WinogradTransform.input(band.vector(at: x), band.vector(at: bandWidth &+ x),
                                            band.vector(at: 2 &* bandWidth &+ x), band.vector(at: 3 &* bandWidth &+ x),
                                            band.vector(at: 4 &* bandWidth &+ x), band.vector(at: 5 &* bandWidth &+ x))
            columns.setVector(t.0, at: x)
            columns.setVector(t.1, at: bandWidth &+ x)
            columns.setVector(t.2, at: 2 &* bandWidth &+ x)
            columns.setVector(t.3, at: 3 &* bandWidth &+ x)
            columns.setVector(t.4, at: 4 &* bandWidth &+ x)
            columns.setVector(t.5, at: 5 &* bandWidth &+ x)
            x &+= 8
        }
        // Rows: V[i][k] of eight tiles = (B · samples 4tx … 4tx+5 of columns[i])_k.
        let tilesWide = self.tilesWide
        for i in 0 ..< 6 {
            let line = UnsafePointer(columns + i &* bandWidth)
            let target = v + 6 &* i &* positionStride
            for block in 0 ..< blocks {
                let first = 32 &* block
                let (d0, d1, d2, d3) = WinogradTransform.strideFourLanes(line + first)
                let (d4, d5, _, _) = WinogradTransform.strideFourLanes(line + (first &+ 4))
                let t = WinogradTransform.input(d0, d1, d2, d3, d4, d5)
                let tile = 8 &* block, lanes = min(8, tilesWide &- tile)
                (target + tile).setLanes(t.0, count: lanes)
                (target + (positionStride &+ tile)).setLanes(t.1, count: lanes)
                (target + (2 &* positionStride &+ tile)).setLanes(t.2, count: lanes)
                (target + (3 &* positionStride &+ tile)).setLanes(t.3, count: lanes)
                (target + (4 &* positionStride &+ tile)).setLanes(t.4, count: lanes)
                (target + (5 &* positionStride &+ tile)).setLanes(t.5, count: lanes)
            }
        }
    }

    /// Y = Aᵀ M A + bias, then the activation, for every tile of tile row `ty` of one output channel:
    /// position ξ of tile tx is m[ξ·positionStride + tx] (readable up to 8 floats past the row's
    /// last tile). Writes the rows of the output plane [outH, outW] the tile row covers.
    /// `rows` is scratch of 4·bandWidth floats, `products` of 24 vectors.
    func transformOutput(m: UnsafePointer<Float>, positionStride: Int, tileRow ty: Int,
                         bias: Float, relu: Bool,
                         rows: UnsafeMutablePointer<Float>, products: UnsafeMutablePointer<WinogradVector>,
                         into plane: UnsafeMutablePointer<Float>) {
        let bandWidth = self.bandWidth
        let biasVector = WinogradVector(repeating: bias), zero = WinogradVector.zero
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
            // Then rows: output row r, columns 4tx + c.
            for r in 0 ..< 4 {
                var y = WinogradTransform.output(products[r], products[4 &+ r], products[8 &+ r],
                                                 products[12 &+ r], products[16 &+ r], products[20 &+ r])
                y.0 += biasVector; y.1 += biasVector; y.2 += biasVector; y.3 += biasVector
                if relu {
                    y.0.replace(with: zero, where: y.0 .< zero); y.1.replace(with: zero, where: y.1 .< zero)
                    y.2.replace(with: zero, where: y.2 .< zero); y.3.replace(with: zero, where: y.3 .< zero)
                }
                WinogradTransform.storeStrideFour(y.0, y.1, y.2, y.3, to: rows + (r &* bandWidth &+ 32 &* block))
            }
        }
        // Crop to the output: rows past outH and columns past outW are dropped.
        let outputWidth = self.outputWidth
        for r in 0 ..< min(4, outputHeight &- 4 &* ty) {
            (plane + (4 &* ty &+ r) &* outputWidth).update(from: rows + r &* bandWidth, count: outputWidth)
        }
    }
}
