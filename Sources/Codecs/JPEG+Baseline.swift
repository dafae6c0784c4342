// Sequential (baseline and extended, Huffman) scans: T.81 F.2.2, decoding each block's DC
// difference and run-length/size coded AC coefficients, MCU by MCU (A.2), with restart
// intervals (F.2.2.6 / E.2.4). A single scan holding every component is decoded straight into
// the sample planes (IDCT per block, no coefficient buffer); other scans fill coefficient grids.
// Segments that run out of data behave as in libjpeg: remaining MCUs stay zero (grey).

extension JPEG {
    /// Restart bookkeeping shared by all scan decoders (libjpeg's restarts_to_go).
    struct RestartCounter {
        let interval: Int
        var toGo: Int
        var next = 0

        init(interval: Int) { self.interval = interval; toGo = interval }

        /// Call before each MCU; returns true when a restart was processed (reset predictors).
        @inline(__always) mutating func beforeMCU(_ reader: inout BitReader) -> Bool {
            guard interval > 0 else { return false }
            var restarted = false
            if toGo == 0 {
                reader.processRestart(expected: next)
                next = (next + 1) & 7
                toGo = interval
                restarted = true
            }
            toGo -= 1
            return restarted
        }
    }

    /// One block of a sequential scan into `block` (zeroed beforehand, natural order).
    @inline(__always)
    static func decodeSequentialBlock(_ reader: inout BitReader, dc: HuffmanTable, ac: HuffmanTable,
                                      predictor: inout Int32, zigzag: UnsafePointer<Int32>,
                                      _ block: UnsafeMutablePointer<Int16>) {
        let category = reader.decode(dc)
        if category != 0 { predictor &+= Int32(truncatingIfNeeded: reader.receiveExtend(category)) }
        block[0] = Int16(truncatingIfNeeded: predictor)
        let fastAC = ac.fastAC
        var k = 1
        while k < 64 {
            if reader.bitCount < 32 { reader.refill() }
            let fast = fastAC[Int(truncatingIfNeeded: reader.buffer >> 55)]
            if fast != 0 {
                k &+= Int(truncatingIfNeeded: (fast >> 4) & 15)
                reader.consume(Int(truncatingIfNeeded: fast & 15))
                block[Int(truncatingIfNeeded: zigzag[k])] = Int16(truncatingIfNeeded: fast >> 16)
                k &+= 1
                continue
            }
            let symbol = reader.decode(ac)
            let run = symbol >> 4, size = symbol & 15
            if size != 0 {
                k &+= run
                block[Int(truncatingIfNeeded: zigzag[k])] = Int16(truncatingIfNeeded: reader.receiveExtend(size))
                k &+= 1
            } else {
                if run != 15 { break }
                k &+= 16
            }
        }
    }
}

extension JPEG.Decoder {
    func decodeSequentialScan(_ scan: JPEG.ScanHeader, frame: JPEG.Frame, reader: inout JPEG.BitReader) throws {
        let count = scan.components.count
        var dc: [JPEG.HuffmanTable] = [], ac: [JPEG.HuffmanTable] = []
        for i in 0..<count {
            dc.append(try huffmanTable(dc: true, index: scan.dcSelectors[i], scan: scan))
            ac.append(try huffmanTable(dc: false, index: scan.acSelectors[i], scan: scan))
        }
        let components = scan.components.map { frame.components[$0] }
        let interleaved = count > 1
        let mcusPerLine = interleaved ? frame.mcusPerLine : components[0].widthInBlocks
        let mcuRows = interleaved ? frame.mcuRows : components[0].heightInBlocks
        // Per block of an MCU: its scan component and block offset within the MCU.
        var blockComponent: [Int] = [], blockX: [Int] = [], blockY: [Int] = []
        for (i, component) in components.enumerated() {
            let h = interleaved ? component.horizontalSampling : 1
            let v = interleaved ? component.verticalSampling : 1
            for y in 0..<v { for x in 0..<h { blockComponent.append(i); blockX.append(x); blockY.append(y) } }
        }
        let quantization = components.map { $0.quantization! }
        let scanPlanes = scan.components.map { planes[$0] }
        let grids = buffered ? scan.components.map { coefficients[$0] } : []
        let zigzag = UnsafePointer(self.zigzag.pointer)
        let scratch = JPEG.Storage<Int16>(count: 64, zero: 0)
        let block = scratch.pointer
        var predictors = [Int32](repeating: 0, count: count)
        var restart = JPEG.RestartCounter(interval: restartInterval)
        var insufficient = false
        let scanNumber = scanCount
        let flatQuantization = quantization.flatMap { $0 }
        try flatQuantization.withUnsafeBufferPointer { q in
            for mcuY in 0..<mcuRows {
                for mcuX in 0..<mcusPerLine {
                    if restart.beforeMCU(&reader) {
                        for i in 0..<count { predictors[i] = 0 }
                        if reader.marker == 0 { insufficient = false }
                    }
                    for b in blockComponent.indices {
                        let c = blockComponent[b]
                        let h = interleaved ? components[c].horizontalSampling : 1
                        let v = interleaved ? components[c].verticalSampling : 1
                        let bx = mcuX * h + blockX[b], by = mcuY * v + blockY[b]
                        if buffered {
                            if !insufficient {
                                JPEG.decodeSequentialBlock(&reader, dc: dc[c], ac: ac[c], predictor: &predictors[c],
                                                           zigzag: zigzag, grids[c].block(x: bx, y: by))
                            }
                        } else {
                            let plane = scanPlanes[c]
                            let target = plane.row(by * 8) + bx * 8
                            if !insufficient {
                                JPEG.decodeSequentialBlock(&reader, dc: dc[c], ac: ac[c], predictor: &predictors[c],
                                                           zigzag: zigzag, block)
                            }
                            JPEG.inverseDCT(block, q.baseAddress! + c * 64, target, stride: plane.stride)
                            block.update(repeating: 0, count: 64)
                        }
                    }
                    if reader.bitCount < 0 { insufficient = true }
                    if reader.reachedEnd {
                        throw JPEGError.truncated(offset: data.count, section: .entropyCodedData(scan: scanNumber))
                    }
                }
            }
        }
    }
}
