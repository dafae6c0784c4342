// PillowResamplePasses: the two fast 8-bit passes of Pillow-equal resizing (PillowResize.swift).
// Each output sample is (2^21 + Σ weight·sample) >> 22 clipped to 0...255, with Int32 weights
// from PillowResampleCoefficients and wrapping Int32 sums, exactly Pillow's integer arithmetic.
// Horizontal: each source row is widened once to one SIMD4<Int32> per pixel so all channels
// accumulate together. Vertical: runs of 16 interleaved samples accumulate as SIMD16<Int32>.
// Rows are split over threads for large images. The plain-loop twin is PillowResizeNaive.swift.

import Codecs
import Dispatch

/// Rounding bias added before the fixed-point shift: one half in 22-bit fixed point.
@usableFromInline let pillowRoundingBias: Int32 = 1 << (pillowPrecisionBits - 1)

/// Output rows per parallel task; images under two tasks' worth of work stay on one thread.
private let multiplyAddsPerTask = 1 << 20

/// Runs `body` on disjoint ranges covering 0..<count, in parallel when `work` (multiply-adds in
/// total) is large enough to pay for the threads.
private func forEachRowRange(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
    let tasks = min(count, max(1, work / multiplyAddsPerTask))
    if tasks <= 1 {
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
        forEachRowRange(rows, work: work) { range in
            // One widened source row per thread, reused across its rows.
            let wide = UnsafeMutablePointer<SIMD4<Int32>>.allocate(capacity: inWidth)
            defer { wide.deallocate() }
            let limit = SIMD4<Int32>(repeating: 255)
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
                for x in 0..<outWidth {
                    let first = wide + Int(starts[x])
                    let k = weights + x &* taps
                    var sum = SIMD4<Int32>(repeating: pillowRoundingBias)
                    for t in 0..<taps { sum &+= first[t] &* SIMD4(repeating: k[t]) }
                    let v = (sum &>> pillowPrecisionBits).clamped(lowerBound: .zero, upperBound: limit)
                    let o = out + x &* channels
                    o[0] = UInt8(truncatingIfNeeded: v[0])
                    o[1] = UInt8(truncatingIfNeeded: v[1])
                    if channels > 2 { o[2] = UInt8(truncatingIfNeeded: v[2]) }
                    if channels > 3 { o[3] = UInt8(truncatingIfNeeded: v[3]) }
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
        let limit16 = SIMD16<Int32>(repeating: 255)
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
                    let v = (sum &>> pillowPrecisionBits).clamped(lowerBound: .zero, upperBound: limit16)
                    UnsafeMutableRawPointer(out + i).storeBytes(
                        of: SIMD16<UInt8>(truncatingIfNeeded: v), as: SIMD16<UInt8>.self)
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
