// Block smoothing of incompletely coded progressive images (T.81 K.8, in libjpeg-turbo's form,
// jdcoefct.c), which libjpeg applies by default when a progressive file stops before its last
// refinement (EOI in mid-stream): low-frequency AC coefficients still zero and not known to be
// exact (AC01...AC30, zigzag 1-9) are estimated from the 5×5 neighbourhood of DC values, and when
// no AC data arrived at all the DC itself is interpolated. Complete files are never smoothed.

extension JPEG {
    /// Natural positions of the smoothed coefficients, indexed by zigzag position 1...9.
    static let smoothedPositions = [1, 8, 16, 9, 2, 3, 10, 17, 24]

    /// 5×5 DC weights (rows above to below, columns left to right) for zigzag positions 1...5
    /// when some AC data of the component was received (positions 6...9 are then left alone)...
    static let smoothingKernels: [[Int]] = [
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -7, 50, 0, -50, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, -7, 0, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, -50, 0, 0, 0, 0, 7, 0, 0],
        [0, 0, -1, 0, 0, 0, 0, 13, 0, 0, 0, 0, -24, 0, 0, 0, 0, 13, 0, 0, 0, 0, -1, 0, 0],
        [0, -1, 0, 1, 0, -1, 10, 0, -10, 1, 0, 0, 0, 0, 0, 1, -10, 0, 10, -1, 0, 1, 0, -1, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 13, -24, 13, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]

    /// ...and when no AC coefficient of the component was received (DC interpolation on),
    /// for zigzag positions 1...9 followed by the DC estimate.
    static let interpolationKernels: [[Int]] = [
        [-1, -1, 0, 1, 1, -3, 13, 0, -13, 3, -3, 38, 0, -38, 3, -3, 13, 0, -13, 3, -1, -1, 0, 1, 1],
        [-1, -3, -3, -3, -1, -1, 13, 38, 13, -1, 0, 0, 0, 0, 0, 1, -13, -38, -13, 1, 1, 3, 3, 3, 1],
        [0, 0, 1, 0, 0, 0, 2, 7, 2, 0, 0, -5, -14, -5, 0, 0, 2, 7, 2, 0, 0, 0, 1, 0, 0],
        [-1, 0, 0, 0, 1, 0, 9, 0, -9, 0, 0, 0, 0, 0, 0, 0, -9, 0, 9, 0, 1, 0, 0, 0, -1],
        [0, 0, 0, 0, 0, 0, 2, -5, 2, 0, 1, 7, -14, 7, 1, 0, 2, -5, 2, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 1, 0, -1, 0, 0, 2, 0, -2, 0, 0, 1, 0, -1, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 1, -3, 1, 0, 0, 0, 0, 0, 0, 0, -1, 3, -1, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 1, 0, -1, 0, 0, -3, 0, 3, 0, 0, 1, 0, -1, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, -1, -2, -1, 0, 0, 0, 0, 0, 0],
        [-2, -6, -8, -6, -2, -6, 6, 42, 6, -6, -8, 42, 152, 42, -8, -6, 6, 42, 6, -6, -2, -6, -8, -6, -2],
    ]

    /// Successive-approximation state of one component's coefficients (libjpeg's coef_bits):
    /// the Al of the last scan that coded each zigzag position, -1 if none did yet.
    struct ProgressionState {
        var current = [Int](repeating: -1, count: 64)
        /// `current` as it was when the latest scan of this component began.
        var previous = [Int](repeating: 0, count: 64)
    }

    /// The rounded estimate (((Q·2^7) ± num) / (Q·2^8), capped below 2^Al when Al > 0).
    @inline(__always) static func smoothedEstimate(_ num: Int, quantizer q: Int, al: Int, cap: Bool) -> Int {
        var prediction = ((q << 7) + abs(num)) / (q << 8)
        if cap && al > 0 && prediction >= 1 << al { prediction = (1 << al) - 1 }
        return num >= 0 ? prediction : -prediction
    }
}

extension JPEG.Decoder {
    /// Records a progressive scan's bands in the progression state (libjpeg's start pass).
    func noteProgression(_ scan: JPEG.ScanHeader) {
        for c in scan.components {
            for k in min(scan.spectralStart, 1)...max(scan.spectralEnd, 9) {
                progression[c].previous[k] = scanCount > 1 ? progression[c].current[k] : 0
            }
            for k in scan.spectralStart...scan.spectralEnd { progression[c].current[k] = scan.approximationLow }
        }
    }

    /// libjpeg's smoothing_ok: the per-component (current, previous) zigzag 0...9 bit states
    /// when smoothing applies, nil when it does not (complete data, or tables unsuitable).
    func smoothingBits(_ frame: JPEG.Frame) -> [(current: [Int], previous: [Int])]? {
        guard frame.process == .progressive, progression.count == frame.components.count else { return nil }
        var useful = false
        var bits: [(current: [Int], previous: [Int])] = []
        for c in frame.components.indices {
            guard let table = latchedQuantization[c] else { return nil }
            if table[0] == 0 || JPEG.smoothedPositions.contains(where: { table[$0] == 0 }) { return nil }
            let state = progression[c]
            guard state.current[0] >= 0 else { return nil }
            let current = Array(state.current[0..<10])
            var previous = [Int](repeating: -1, count: 10)
            if scanCount > 1 { for k in 1..<10 { previous[k] = state.previous[k] } }
            if current[1...].contains(where: { $0 != 0 }) { useful = true }
            bits.append((current, previous))
        }
        return useful ? bits : nil
    }

    /// Inverse DCT of every block with smoothing, in libjpeg's output order and edge rules.
    func inverseTransformSmoothed(_ frame: JPEG.Frame, bits: [(current: [Int], previous: [Int])]) {
        let totalRows = frame.mcuRows
        var workspace = [Int16](repeating: 0, count: 64)
        for (c, component) in frame.components.enumerated() {
            let plane = planes[c], grid = coefficients[c]
            let raw = latchedQuantization[c]!.map { Int($0) }
            let multipliers = component.quantization!
            let v = component.verticalSampling
            for row in 0..<totalRows {
                let state = row > lastGoodMCURow ? bits[c].previous : bits[c].current
                let interpolateDC = state[1...9].allSatisfy { $0 == -1 }
                var blockRows = v
                if row == totalRows - 1 {
                    blockRows = component.heightInBlocks % v
                    if blockRows == 0 { blockRows = v }
                }
                let imageBlockRows = blockRows * totalRows
                for blockRow in 0..<blockRows {
                    let absolute = row * v + blockRow
                    let imageRow = row * blockRows + blockRow
                    let previousRow = imageRow > 0 ? absolute - 1 : absolute
                    let previousPrevious = imageRow > 1 ? absolute - 2 : previousRow
                    let nextRow = imageRow < imageBlockRows - 1 ? absolute + 1 : absolute
                    let nextNext = imageRow < imageBlockRows - 2 ? absolute + 2 : nextRow
                    let rows = [previousPrevious, previousRow, absolute, nextRow, nextNext]
                    func dc(_ r: Int, _ x: Int) -> Int { Int(grid.block(x: x, y: rows[r])[0]) }
                    // The sliding 5×5 window of DC values, as libjpeg keeps it.
                    var window = [Int](repeating: 0, count: 25)
                    for r in 0..<5 { for col in 0..<5 { window[r * 5 + col] = dc(r, 0) } }
                    let lastColumn = component.widthInBlocks - 1
                    for bx in 0..<component.widthInBlocks {
                        let block = grid.block(x: bx, y: absolute)
                        for k in 0..<64 { workspace[k] = block[k] }
                        if bx == 0 && bx < lastColumn {
                            for r in 0..<5 { window[r * 5 + 3] = dc(r, 1); window[r * 5 + 4] = dc(r, 1) }
                        }
                        if bx + 1 < lastColumn {
                            for r in 0..<5 { window[r * 5 + 4] = dc(r, bx + 2) }
                        }
                        estimate(&workspace, window: window, state: state, interpolateDC: interpolateDC, raw: raw)
                        workspace.withUnsafeBufferPointer { w in
                            multipliers.withUnsafeBufferPointer { q in
                                JPEG.inverseDCT(w.baseAddress!, q.baseAddress!, plane.row(absolute * 8) + bx * 8,
                                                stride: plane.stride)
                            }
                        }
                        for r in 0..<5 { for col in 0..<4 { window[r * 5 + col] = window[r * 5 + col + 1] } }
                    }
                }
            }
        }
    }

    /// The estimates of one block (jdcoefct.c decompress_smooth_data's AC01...AC30 and DC).
    private func estimate(_ workspace: inout [Int16], window: [Int], state: [Int], interpolateDC: Bool, raw: [Int]) {
        let q00 = raw[0]
        func dot(_ kernel: [Int]) -> Int {
            var sum = 0
            for i in 0..<25 { sum += kernel[i] * window[i] }
            return sum
        }
        for k in 1...9 where k <= 5 || interpolateDC {
            let position = JPEG.smoothedPositions[k - 1]
            let al = state[k]
            guard al != 0, workspace[position] == 0 else { continue }
            let kernel = interpolateDC ? JPEG.interpolationKernels[k - 1] : JPEG.smoothingKernels[k - 1]
            let value = JPEG.smoothedEstimate(q00 * dot(kernel), quantizer: raw[position], al: al, cap: true)
            workspace[position] = Int16(truncatingIfNeeded: value)
        }
        if interpolateDC {
            let value = JPEG.smoothedEstimate(q00 * dot(JPEG.interpolationKernels[9]), quantizer: q00, al: 0, cap: false)
            workspace[0] = Int16(truncatingIfNeeded: value)
        }
    }
}
