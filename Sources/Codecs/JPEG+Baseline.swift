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

    /// One block of a sequential scan into `block` (zeroed beforehand, natural order). The AC
    /// loop keeps the bit buffer in locals (registers) and syncs the reader only to refill.
    @inline(__always)
    static func decodeSequentialBlock(_ reader: inout BitReader, dc: HuffmanPointers, ac: HuffmanPointers,
                                      predictor: inout Int32, zigzag: UnsafePointer<Int32>,
                                      _ block: UnsafeMutablePointer<Int16>) {
        let category = reader.decode(dc)
        if category != 0 { predictor &+= Int32(truncatingIfNeeded: reader.receiveExtend(category)) }
        block[0] = Int16(truncatingIfNeeded: predictor)
        let fastAC = ac.fastAC, lookup = ac.lookup
        var buffer = reader.buffer, count = reader.bitCount
        var k = 1
        while k < 64 {
            // At least 32 bits (or the zero padding after a marker): a code of up to 17 bits
            // and up to 15 extra bits.
            if count < 32 {
                reader.buffer = buffer; reader.bitCount = count
                reader.refill()
                buffer = reader.buffer; count = reader.bitCount
            }
            let peek = Int(truncatingIfNeeded: buffer >> 55)
            let fast = fastAC[peek]
            if fast != 0 {
                k &+= Int(truncatingIfNeeded: (fast >> 4) & 15)
                let n = Int(truncatingIfNeeded: fast & 15)
                buffer <<= UInt64(truncatingIfNeeded: n)
                count &-= n
                block[Int(truncatingIfNeeded: zigzag[k])] = Int16(truncatingIfNeeded: fast >> 16)
                k &+= 1
                continue
            }
            let symbol: Int
            let entry = Int(truncatingIfNeeded: lookup[peek])
            if entry != 0 {
                let n = entry >> 8
                buffer <<= UInt64(truncatingIfNeeded: n)
                count &-= n
                symbol = entry & 0xFF
            } else {
                reader.buffer = buffer
                let long = reader.longCode(ac)
                symbol = long & 0xFF
                buffer <<= UInt64(truncatingIfNeeded: long >> 8)
                count &-= long >> 8
            }
            let run = symbol >> 4, size = symbol & 15
            if size != 0 {
                k &+= run
                let bits = Int(truncatingIfNeeded: buffer >> UInt64(truncatingIfNeeded: 64 &- size))
                buffer <<= UInt64(truncatingIfNeeded: size)
                count &-= size
                let value = bits &+ (((bits >> (size &- 1)) &- 1) & ((-1 << size) &+ 1))
                block[Int(truncatingIfNeeded: zigzag[k])] = Int16(truncatingIfNeeded: value)
                k &+= 1
            } else {
                if run != 15 { break }
                k &+= 16
            }
        }
        reader.buffer = buffer
        reader.bitCount = count
    }

    /// Everything the MCU loop needs about one block position of an MCU, as plain values.
    struct BlockSlot {
        var dc: HuffmanPointers
        var ac: HuffmanPointers
        /// Index of the scan component (its DC predictor).
        var component: Int
        /// Block column/row of the slot: MCU column·h + x, MCU row·v + y.
        var h: Int, x: Int, v: Int, y: Int
        var quantization: UnsafePointer<Int32>
        var plane: UnsafeMutablePointer<UInt8>
        var stride: Int
        var coefficients: UnsafeMutablePointer<Int16>?
        var blocksPerLine: Int
    }
}

extension JPEG.Decoder {
    func decodeSequentialScan(_ scan: JPEG.ScanHeader, frame: JPEG.Frame, reader: inout JPEG.BitReader) throws {
        let count = scan.components.count
        var owners: [JPEG.HuffmanTable] = []
        for i in 0..<count {
            owners.append(try huffmanTable(dc: true, index: scan.dcSelectors[i], scan: scan))
            owners.append(try huffmanTable(dc: false, index: scan.acSelectors[i], scan: scan))
        }
        let components = scan.components.map { frame.components[$0] }
        let interleaved = count > 1
        let mcusPerLine = interleaved ? frame.mcusPerLine : components[0].widthInBlocks
        let mcuRows = interleaved ? frame.mcuRows : components[0].heightInBlocks
        let quantization = JPEG.Storage<Int32>(count: 64 * count, zero: 0)
        var slots: [JPEG.BlockSlot] = []
        for (i, component) in components.enumerated() {
            for k in 0..<64 { quantization.pointer[i * 64 + k] = component.quantization![k] }
            let h = interleaved ? component.horizontalSampling : 1
            let v = interleaved ? component.verticalSampling : 1
            let plane = planes[scan.components[i]]
            for y in 0..<v {
                for x in 0..<h {
                    slots.append(JPEG.BlockSlot(
                        dc: owners[2 * i].pointers, ac: owners[2 * i + 1].pointers, component: i,
                        h: h, x: x, v: v, y: y, quantization: quantization.pointer + i * 64,
                        plane: plane.storage.pointer, stride: plane.stride,
                        coefficients: buffered ? coefficients[scan.components[i]].storage.pointer : nil,
                        blocksPerLine: component.blocksPerLine))
                }
            }
        }
        let zigzag = UnsafePointer(self.zigzag.pointer)
        let scratch = JPEG.Storage<Int16>(count: 64, zero: 0)
        let predictors = JPEG.Storage<Int32>(count: count, zero: 0)
        var restart = JPEG.RestartCounter(interval: restartInterval)
        var insufficient = false
        let scanNumber = scanCount
        try withExtendedLifetime((owners, quantization, scratch, predictors)) {
            try slots.withUnsafeBufferPointer { slots in
                let block = scratch.pointer
                for mcuY in 0..<mcuRows {
                    for mcuX in 0..<mcusPerLine {
                        if restart.beforeMCU(&reader) {
                            predictors.pointer.update(repeating: 0, count: count)
                            if reader.marker == 0 { insufficient = false }
                        }
                        for slot in slots {
                            let bx = mcuX &* slot.h &+ slot.x, by = mcuY &* slot.v &+ slot.y
                            if let grid = slot.coefficients {
                                if !insufficient {
                                    let target = grid + (by &* slot.blocksPerLine &+ bx) &* 64
                                    JPEG.decodeSequentialBlock(&reader, dc: slot.dc, ac: slot.ac,
                                                               predictor: &predictors.pointer[slot.component],
                                                               zigzag: zigzag, target)
                                }
                            } else {
                                if !insufficient {
                                    JPEG.decodeSequentialBlock(&reader, dc: slot.dc, ac: slot.ac,
                                                               predictor: &predictors.pointer[slot.component],
                                                               zigzag: zigzag, block)
                                }
                                let target = slot.plane + ((by &* 8) &* slot.stride &+ bx &* 8)
                                JPEG.inverseDCT(block, slot.quantization, target, stride: slot.stride)
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
}
