// PillowResamplePasses: the two fast 8-bit passes of Pillow-equal resizing (PillowResize.swift).
// Each output sample is (2^21 + Σ weight·sample) >> 22 clipped to 0...255, with Int32 weights
// from PillowResampleCoefficients and wrapping Int32 sums, exactly Pillow's integer arithmetic.
// Horizontal: each source row is widened once to one SIMD4<Int32> per pixel; two output pixels
// accumulate all their channels in one SIMD8. Vertical: runs of 16 interleaved samples
// accumulate as SIMD16<Int32>. Rows are split over threads when a pass has enough work.
// The plain-loop twin is PillowResizeNaive.swift.

import Codecs
import Dispatch
import Tensors

/// Rounding bias added before the fixed-point shift: one half in 22-bit fixed point.
let pillowRoundingBias: Int32 = 1 << (pillowPrecisionBits - 1)

/// Multiply-adds per parallel task; passes under two tasks' worth of work stay on one thread.
private let multiplyAddsPerTask = 1 << 20

/// Runs `body` on disjoint ranges covering 0..<count, in parallel when `work` (multiply-adds in
/// total) is large enough to pay for the threads.
private func forEachRowRange(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
    let tasks = min(count, max(1, work / multiplyAddsPerTask))
    if tasks <= 1 || Parallelism.workers <= 1 {
        body(0..<count)
        return
    }
    let chunk = (count + tasks - 1) / tasks
    DispatchQueue.concurrentPerform(iterations: tasks) { task in
        let lower = task * chunk
        let upper = min(count, lower + chunk)
        if lower < upper { body(lower..<upper) }
    }
}

/// Pillow's clip8: the fixed-point sum shifted down (arithmetic) and clamped to 0...255.
@inline(__always)
private func clip8(_ sum: Int32) -> UInt8 {
    let v = sum &>> pillowPrecisionBits
    return v < 0 ? 0 : (v > 255 ? 255 : UInt8(truncatingIfNeeded: v))
}

/// clip8 on every lane: after the shift, a negative lane is masked to 0 and a lane above 255
/// is OR-ed with all ones, whose low byte is 255 (plain integer lane operations, which stay in
/// vector registers; the caller truncates to bytes).
@inline(__always)
private func clip8Lanes<V: SIMD>(_ sums: V) -> V where V.Scalar == Int32 {
    let v = sums &>> pillowPrecisionBits
    return (v & ~(v &>> 31)) | ((255 &- v) &>> 31)
}

/// The horizontal pass: every row of `image` resampled to `columns.outputSize` pixels.
func resampleHorizontally(_ image: Image, _ columns: PillowResampleCoefficients) -> Image {
    precondition(columns.inputSize == image.width)
    let channels = image.channels
    let inWidth = image.width, outWidth = columns.outputSize, rows = image.height
    let taps = columns.taps
    var output = [UInt8](repeating: 0, count: outWidth * rows * channels)
    let work = outWidth * rows * taps * max(channels, 2)
    image.pixels.withUnsafeBufferPointer { sourceBuffer in
    output.withUnsafeMutableBufferPointer { outputBuffer in
    columns.start.withUnsafeBufferPointer { startBuffer in
    columns.weights.withUnsafeBufferPointer { weightBuffer in
        let source = sourceBuffer.baseAddress!, destination = outputBuffer.baseAddress!
        let starts = startBuffer.baseAddress!, weights = weightBuffer.baseAddress!
        let inStride = inWidth &* channels, outStride = outWidth &* channels
        if channels == 1 {
            forEachRowRange(rows, work: work) { range in
                for y in range {
                    let line = source + y &* inStride
                    let out = destination + y &* outStride
                    for x in 0..<outWidth {
                        let first = line + Int(starts[x])
                        let k = weights + x &* taps
                        var sum = pillowRoundingBias
                        for t in 0..<taps { sum &+= Int32(first[t]) &* k[t] }
                        out[x] = clip8(sum)
                    }
                }
            }
            return
        }
        // The weights of outputs 2j and 2j+1, tap by tap, each splatted over one pixel's lanes.
        let pairs = outWidth / 2
        let pairWeights = UnsafeMutablePointer<SIMD8<Int32>>.allocate(capacity: max(pairs * taps, 1))
        defer { pairWeights.deallocate() }
        for j in 0..<pairs {
            for t in 0..<taps {
                pairWeights[j * taps + t] = SIMD8(
                    lowHalf: SIMD4(repeating: weights[2 * j * taps + t]),
                    highHalf: SIMD4(repeating: weights[(2 * j + 1) * taps + t]))
            }
        }
        let byteShifts = SIMD8<Int32>(0, 8, 16, 24, 0, 8, 16, 24)
        forEachRowRange(rows, work: work) { range in
            // One widened source row per thread, reused across its rows.
            let wide = UnsafeMutablePointer<SIMD4<Int32>>.allocate(capacity: inWidth)
            defer { wide.deallocate() }
            for y in range {
                let line = source + y &* inStride
                switch channels {
                case 2:
                    for x in 0..<inWidth {
                        let p = line + x &* 2
                        wide[x] = SIMD4(Int32(p[0]), Int32(p[1]), 0, 0)
                    }
                case 3:
                    for x in 0..<inWidth {
                        let p = line + x &* 3
                        wide[x] = SIMD4(Int32(p[0]), Int32(p[1]), Int32(p[2]), 0)
                    }
                default:
                    for x in 0..<inWidth {
                        let p = line + x &* 4
                        wide[x] = SIMD4(Int32(p[0]), Int32(p[1]), Int32(p[2]), Int32(p[3]))
                    }
                }
                let out = destination + y &* outStride
                // Two outputs per step: their pixels share one 8-lane accumulator.
                var x = 0
                while x &+ 1 < outWidth {
                    let first0 = wide + Int(starts[x]), first1 = wide + Int(starts[x &+ 1])
                    let k = pairWeights + (x &>> 1) &* taps
                    var sum = SIMD8<Int32>(repeating: pillowRoundingBias)
                    for t in 0..<taps {
                        sum &+= SIMD8(lowHalf: first0[t], highHalf: first1[t]) &* k[t]
                    }
                    // Each pixel's clipped lanes, cut to their low byte, shifted into the bytes
                    // of one 32-bit word (they do not overlap, so the sum is an OR).
                    let words = (clip8Lanes(sum) & 255) &<< byteShifts
                    let pixel0 = UInt32(bitPattern: words.lowHalf.wrappedSum())
                    let pixel1 = UInt32(bitPattern: words.highHalf.wrappedSum())
                    let o = UnsafeMutableRawPointer(out + x &* channels)
                    switch channels {
                    case 4:
                        o.storeBytes(of: UInt64(pixel0) | UInt64(pixel1) << 32, as: UInt64.self)
                    case 3:
                        if x &+ 2 < outWidth {
                            // The eighth byte lands on the next pixel, written after this one.
                            o.storeBytes(of: pixel0, toByteOffset: 0, as: UInt32.self)
                            o.storeBytes(of: pixel1, toByteOffset: 3, as: UInt32.self)
                        } else {
                            for b in 0..<3 {
                                o.storeBytes(of: UInt8(truncatingIfNeeded: pixel0 >> (8 * b)),
                                             toByteOffset: b, as: UInt8.self)
                                o.storeBytes(of: UInt8(truncatingIfNeeded: pixel1 >> (8 * b)),
                                             toByteOffset: 3 + b, as: UInt8.self)
                            }
                        }
                    default:
                        o.storeBytes(of: (pixel0 & 0xFFFF) | pixel1 << 16, as: UInt32.self)
                    }
                    x &+= 2
                }
                if x < outWidth {
                    let first = wide + Int(starts[x])
                    let k = weights + x &* taps
                    var sum = SIMD4<Int32>(repeating: pillowRoundingBias)
                    for t in 0..<taps { sum &+= first[t] &* SIMD4(repeating: k[t]) }
                    let v = SIMD4<UInt8>(truncatingIfNeeded: clip8Lanes(sum))
                    let o = out + x &* channels
                    for c in 0..<channels { o[c] = v[c] }
                }
            }
        }
    }
    }
    }
    }
    return Image(width: outWidth, height: rows, channels: channels, pixels: output)
}

/// The vertical pass: every column of `image` resampled to `rows.outputSize` pixels. Channels
/// need no special care: each output row mixes whole source rows sample by sample.
func resampleVertically(_ image: Image, _ rows: PillowResampleCoefficients) -> Image {
    precondition(rows.inputSize == image.height)
    let samples = image.width * image.channels
    let outHeight = rows.outputSize
    let taps = rows.taps
    var output = [UInt8](repeating: 0, count: samples * outHeight)
    image.pixels.withUnsafeBufferPointer { sourceBuffer in
    output.withUnsafeMutableBufferPointer { outputBuffer in
    rows.start.withUnsafeBufferPointer { startBuffer in
    rows.weights.withUnsafeBufferPointer { weightBuffer in
        let source = sourceBuffer.baseAddress!, destination = outputBuffer.baseAddress!
        let starts = startBuffer.baseAddress!, weights = weightBuffer.baseAddress!
        let bias16 = SIMD16<Int32>(repeating: pillowRoundingBias)
        forEachRowRange(outHeight, work: samples * outHeight * taps) { range in
            for y in range {
                let first = source + Int(starts[y]) &* samples
                let k = weights + y &* taps
                let out = destination + y &* samples
                var i = 0
                while i &+ 16 <= samples {
                    var sum = bias16
                    var line = first + i
                    for t in 0..<taps {
                        let bytes = UnsafeRawPointer(line).loadUnaligned(as: SIMD16<UInt8>.self)
                        sum &+= SIMD16<Int32>(truncatingIfNeeded: bytes) &* SIMD16(repeating: k[t])
                        line += samples
                    }
                    UnsafeMutableRawPointer(out + i).storeBytes(
                        of: SIMD16<UInt8>(truncatingIfNeeded: clip8Lanes(sum)), as: SIMD16<UInt8>.self)
                    i &+= 16
                }
                while i < samples {
                    var sum = pillowRoundingBias
                    var line = first + i
                    for t in 0..<taps {
                        sum &+= Int32(line.pointee) &* k[t]
                        line += samples
                    }
                    out[i] = clip8(sum)
                    i &+= 1
                }
            }
        }
    }
    }
    }
    }
    return Image(width: image.width, height: outHeight, channels: image.channels, pixels: output)
}
