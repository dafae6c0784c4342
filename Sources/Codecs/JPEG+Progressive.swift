// Progressive Huffman scans (T.81 G.1.2 / G.2): DC first and refinement scans (interleaved or
// not), AC first scans with end-of-band runs and AC refinement scans with correction bits,
// under spectral selection (Ss...Se) and successive approximation (Ah, Al). Coefficients
// accumulate in the coefficient grids; the IDCT runs once after EOI. Scan parameters are
// checked as libjpeg checks them (jdphuff.c), and out-of-data segments leave blocks unchanged.

extension JPEG.Decoder {
    func decodeProgressiveScan(_ scan: JPEG.ScanHeader, frame: JPEG.Frame, reader: inout JPEG.BitReader) throws {
        let ss = scan.spectralStart, se = scan.spectralEnd
        let ah = scan.approximationHigh, al = scan.approximationLow
        let isDC = ss == 0
        var bad = isDC ? se != 0 : (ss > se || se > 63 || scan.components.count != 1)
        if ah != 0 && al != ah - 1 { bad = true }
        if al > 13 { bad = true }
        guard !bad else { throw JPEGError.invalidProgression(ss: ss, se: se, ah: ah, al: al, offset: scan.offset) }
        noteProgression(scan)

        if isDC {
            var tables: [JPEG.HuffmanPointers] = []
            var owners: [JPEG.HuffmanTable] = []
            if ah == 0 {
                for i in scan.components.indices {
                    owners.append(try huffmanTable(dc: true, index: scan.dcSelectors[i], scan: scan))
                    tables.append(owners[i].pointers)
                }
            }
            try withExtendedLifetime(owners) {
                try decodeProgressiveDC(scan, frame: frame, tables: tables, reader: &reader)
            }
        } else {
            let table = try huffmanTable(dc: false, index: scan.acSelectors[0], scan: scan)
            try withExtendedLifetime(table) {
                try decodeProgressiveAC(scan, frame: frame, table: table.pointers, reader: &reader)
            }
        }
    }

    /// DC first (Ah = 0) or refinement scan over MCUs (one block per MCU if not interleaved).
    private func decodeProgressiveDC(_ scan: JPEG.ScanHeader, frame: JPEG.Frame, tables: [JPEG.HuffmanPointers],
                                     reader: inout JPEG.BitReader) throws {
        let count = scan.components.count
        let components = scan.components.map { frame.components[$0] }
        let grids = scan.components.map { coefficients[$0] }
        let interleaved = count > 1
        let mcusPerLine = interleaved ? frame.mcusPerLine : components[0].widthInBlocks
        let mcuRows = interleaved ? frame.mcuRows : components[0].heightInBlocks
        let first = scan.approximationHigh == 0, al = scan.approximationLow
        var predictors = [Int](repeating: 0, count: count)
        var restart = JPEG.RestartCounter(interval: restartInterval)
        var insufficient = false
        let rowDivisor = interleaved ? 1 : components[0].verticalSampling
        for mcuY in 0..<mcuRows {
            for mcuX in 0..<mcusPerLine {
                if !insufficient { lastGoodMCURow = mcuY / rowDivisor }
                if restart.beforeMCU(&reader) {
                    for i in 0..<count { predictors[i] = 0 }
                    if reader.marker == 0 { insufficient = false }
                }
                if !first || !insufficient {
                    for c in 0..<count {
                        let h = interleaved ? components[c].horizontalSampling : 1
                        let v = interleaved ? components[c].verticalSampling : 1
                        for y in 0..<v {
                            for x in 0..<h {
                                let block = grids[c].block(x: mcuX * h + x, y: mcuY * v + y)
                                if first {
                                    let category = reader.decode(tables[c])
                                    let difference = category == 0 ? 0 : reader.receiveExtend(category)
                                    let value = predictors[c] + difference
                                    guard value >= Int(Int32.min), value <= Int(Int32.max) else {
                                        throw JPEGError.coefficientOverflow(offset: reader.position)
                                    }
                                    predictors[c] = value
                                    block[0] = Int16(truncatingIfNeeded: Int32(truncatingIfNeeded: value << al))
                                } else if reader.bit() != 0 {
                                    block[0] |= Int16(truncatingIfNeeded: 1 << al)
                                }
                            }
                        }
                    }
                }
                if reader.bitCount < 0 { insufficient = true }
                if reader.reachedEnd {
                    throw JPEGError.truncated(offset: data.count, section: .entropyCodedData(scan: scanCount))
                }
            }
        }
    }

    /// AC first or refinement scan of one component, block by block over its own grid.
    private func decodeProgressiveAC(_ scan: JPEG.ScanHeader, frame: JPEG.Frame, table: JPEG.HuffmanPointers,
                                     reader: inout JPEG.BitReader) throws {
        let component = frame.components[scan.components[0]]
        let grid = coefficients[scan.components[0]]
        let ss = scan.spectralStart, se = scan.spectralEnd, al = scan.approximationLow
        let first = scan.approximationHigh == 0
        let zigzag = UnsafePointer(self.zigzag.pointer)
        var endOfBandRun = 0
        var restart = JPEG.RestartCounter(interval: restartInterval)
        var insufficient = false
        for by in 0..<component.heightInBlocks {
            for bx in 0..<component.widthInBlocks {
                if !insufficient { lastGoodMCURow = by / component.verticalSampling }
                if restart.beforeMCU(&reader) {
                    endOfBandRun = 0
                    if reader.marker == 0 { insufficient = false }
                }
                if !insufficient {
                    let block = grid.block(x: bx, y: by)
                    if first {
                        JPEG.decodeACFirst(&reader, table: table, ss: ss, se: se, al: al, zigzag: zigzag,
                                           endOfBandRun: &endOfBandRun, block)
                    } else {
                        JPEG.decodeACRefine(&reader, table: table, ss: ss, se: se, al: al, zigzag: zigzag,
                                            endOfBandRun: &endOfBandRun, block)
                    }
                }
                if reader.bitCount < 0 { insufficient = true }
                if reader.reachedEnd {
                    throw JPEGError.truncated(offset: data.count, section: .entropyCodedData(scan: scanCount))
                }
            }
        }
    }
}

extension JPEG {
    /// G.1.2.2: first pass over band Ss...Se, coefficients scaled by 2^Al; EOBn runs.
    @inline(__always)
    static func decodeACFirst(_ reader: inout BitReader, table: HuffmanPointers, ss: Int, se: Int, al: Int,
                              zigzag: UnsafePointer<Int32>, endOfBandRun: inout Int,
                              _ block: UnsafeMutablePointer<Int16>) {
        if endOfBandRun > 0 { endOfBandRun -= 1; return }
        var bits = BitCache(reader)
        var k = ss
        while k <= se {
            let symbol = bits.decode(table, &reader)
            let run = symbol >> 4, size = symbol & 15
            if size != 0 {
                k += run
                let value = bits.receiveExtend(size, &reader)
                block[Int(zigzag[k])] = Int16(truncatingIfNeeded: value << al)
            } else if run == 15 {
                k += 15
            } else {
                endOfBandRun = 1 << run
                if run != 0 { endOfBandRun += bits.bits(run, &reader) }
                endOfBandRun -= 1
                break
            }
            k += 1
        }
        bits.store(into: &reader)
    }

    /// G.1.2.3: refinement of band Ss...Se at bit Al: correction bits for nonzero coefficients,
    /// new coefficients of magnitude 2^Al, EOB runs that still carry correction bits.
    @inline(__always)
    static func decodeACRefine(_ reader: inout BitReader, table: HuffmanPointers, ss: Int, se: Int, al: Int,
                               zigzag: UnsafePointer<Int32>, endOfBandRun: inout Int,
                               _ block: UnsafeMutablePointer<Int16>) {
        let plusOne = Int16(truncatingIfNeeded: 1 << al)
        let minusOne = Int16(truncatingIfNeeded: -1 << al)
        var bits = BitCache(reader)
        var k = ss
        if endOfBandRun == 0 {
            while k <= se {
                let symbol = bits.decode(table, &reader)
                var run = symbol >> 4
                let size = symbol & 15
                var value: Int16 = 0
                if size != 0 {
                    // A new coefficient always has magnitude 1 (other sizes are corrupt data,
                    // which libjpeg also reads as size 1).
                    value = bits.bit(&reader) != 0 ? plusOne : minusOne
                } else if run != 15 {
                    endOfBandRun = 1 << run
                    if run != 0 { endOfBandRun += bits.bits(run, &reader) }
                    break
                }
                // Skip `run` zero coefficients, refining nonzero ones on the way.
                while k <= se {
                    let coefficient = block + Int(zigzag[k])
                    if coefficient.pointee != 0 {
                        refine(&bits, &reader, coefficient, plusOne, minusOne)
                    } else {
                        if run == 0 { break }
                        run -= 1
                    }
                    k += 1
                }
                if value != 0 { block[Int(zigzag[k])] = value }
                k += 1
            }
        }
        if endOfBandRun > 0 {
            while k <= se {
                let coefficient = block + Int(zigzag[k])
                if coefficient.pointee != 0 { refine(&bits, &reader, coefficient, plusOne, minusOne) }
                k += 1
            }
            endOfBandRun -= 1
        }
        bits.store(into: &reader)
    }

    /// One correction bit for an already nonzero coefficient: 1 increases its magnitude by 2^Al.
    @inline(__always)
    static func refine(_ bits: inout BitCache, _ reader: inout BitReader, _ coefficient: UnsafeMutablePointer<Int16>,
                       _ plusOne: Int16, _ minusOne: Int16) {
        if bits.bit(&reader) != 0 && coefficient.pointee & plusOne == 0 {
            coefficient.pointee &+= coefficient.pointee >= 0 ? plusOne : minusOne
        }
    }
}
