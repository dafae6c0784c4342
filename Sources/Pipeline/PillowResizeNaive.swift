// PillowResizeNaive: the plain-loop twin of PillowResize's fast passes, kept to check them.
// It rebuilds Pillow's weights for each output index from scratch (variable-length support, no
// shared window, no SIMD, no threads) and sums sample by sample in Int32, so it reads like
// Pillow's Resample.c. Tests compare it with `resizeLikePillow` on hundreds of seeded sizes;
// only the weight formulas (PillowFilter) and the alpha conversions are shared.

import Codecs

/// The same result as `resizeLikePillow`, computed with straightforward loops (slow).
public func resizeLikePillowNaive(_ image: Image, width: Int, height: Int,
                                  filter: PillowFilter = .bicubic) -> Image {
    precondition(width >= 1 && height >= 1, "resize target \(width)x\(height) must be at least 1x1")
    precondition(image.width >= 1 && image.height >= 1,
                 "cannot resize an empty \(image.width)x\(image.height) image")
    if width == image.width && height == image.height { return image }
    if filter == .nearest { return resizeNearestLikePillow(image, width: width, height: height) }
    let hasAlpha = image.channels == 2 || image.channels == 4
    var current = hasAlpha ? premultipliedAlphaLikePillow(image) : image
    // Pillow 13 starts with the vertical pass when the height loses more than twice as many
    // pixels as the width; otherwise with the horizontal pass.
    if height < image.height && image.height - height > 2 * (image.width - width) {
        current = naiveVerticalPass(current, height: height, filter: filter)
        current = naiveHorizontalPass(current, width: width, filter: filter)
    } else {
        current = naiveHorizontalPass(current, width: width, filter: filter)
        current = naiveVerticalPass(current, height: height, filter: filter)
    }
    return hasAlpha ? unpremultipliedAlphaLikePillow(current) : current
}

/// Every row resampled to `width` pixels (the identity when the width is unchanged).
private func naiveHorizontalPass(_ current: Image, width: Int, filter: PillowFilter) -> Image {
    if width == current.width { return current }
    let channels = current.channels
    var out = Image(width: width, height: current.height, channels: channels)
    for x in 0..<width {
        let (first, weights) = naiveFixedPointWeights(
            output: x, inputSize: current.width, outputSize: width, filter: filter)
        for y in 0..<current.height {
            for c in 0..<channels {
                var sum: Int32 = 1 << 21
                for (t, w) in weights.enumerated() {
                    sum = sum &+ Int32(current[first + t, y, c]) &* w
                }
                out[x, y, c] = naiveClip8(sum)
            }
        }
    }
    return out
}

/// Every column resampled to `height` pixels (the identity when the height is unchanged).
private func naiveVerticalPass(_ current: Image, height: Int, filter: PillowFilter) -> Image {
    if height == current.height { return current }
    let channels = current.channels
    var out = Image(width: current.width, height: height, channels: channels)
    for y in 0..<height {
        let (first, weights) = naiveFixedPointWeights(
            output: y, inputSize: current.height, outputSize: height, filter: filter)
        for x in 0..<current.width {
            for c in 0..<channels {
                var sum: Int32 = 1 << 21
                for (t, w) in weights.enumerated() {
                    sum = sum &+ Int32(current[x, first + t, c]) &* w
                }
                out[x, y, c] = naiveClip8(sum)
            }
        }
    }
    return out
}

/// Pillow's weights for one output index: first source index and one Int32 per source pixel.
private func naiveFixedPointWeights(output i: Int, inputSize: Int, outputSize: Int,
                                    filter: PillowFilter) -> (Int, [Int32]) {
    let scale = Double(inputSize) / Double(outputSize)
    let stretch = scale < 1 ? 1 : scale
    let support = filter.support * stretch
    let center = (Double(i) + 0.5) * scale
    var first = Int(center - support + 0.5)
    if first < 0 { first = 0 }
    var end = Int(center + support + 0.5)
    if end > inputSize { end = inputSize }
    var real: [Double] = []
    var total = 0.0
    if end > first {
        for x in first..<end {
            let w = filter.weight(at: (Double(x) - center + 0.5) * (1 / stretch))
            real.append(w)
            total += w
        }
    }
    if total != 0 { real = real.map { $0 / total } }
    let one = Double(1 << 22)
    return (first, real.map { w in w < 0 ? Int32(-0.5 + w * one) : Int32(0.5 + w * one) })
}

/// Pillow's clip8 on a 22-bit fixed-point sum.
private func naiveClip8(_ sum: Int32) -> UInt8 {
    let value = sum >> 22
    if value < 0 { return 0 }
    if value > 255 { return 255 }
    return UInt8(value)
}
