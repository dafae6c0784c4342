// SyntheticRaster: draws a SyntheticLayout into pixels and ground truth (SyntheticScenes.swift).
// Shapes are composited front to back: a pixel's colour is Σ remaining·α·colour over the
// shapes from the top (remaining starts at 1 and shrinks by (1 − α)), then the background for
// what remains. The same weights decide the ground truth: the pixel belongs to the object with
// the largest weight, or to the background (which collects clutter and what remains) when that
// weighs at least as much; a pixel whose winner weighs less than 15/16 is ambiguous (VOC's 255).
// Foundation-free.

struct SyntheticRaster {
    /// RGB bytes, row-major.
    var pixels: [UInt8]
    /// Winning object (1-based draw order) or 0, row-major.
    var owners: [UInt8]
    var ambiguous: [Bool]
    /// Objects (0-based) whose visible part is too small: under 35 % of their in-image area or
    /// under 0.4 % of the image.
    var hidden: [Int]

    /// Weight below which a pixel's winner is not clear.
    static let clearWeight: Float = 15.0 / 16.0

    init(layout: SyntheticLayout, size: Int) {
        precondition(layout.objects.count < 255, "SyntheticRaster: too many objects")
        let plane = size * size
        // Top first: objects top to bottom, then clutter top to bottom.
        let pieces = layout.objects.reversed() + layout.clutter.reversed()
        let objectCount = layout.objects.count
        let boxes = pieces.map { piece -> (Int, Int, Int, Int) in
            let e = piece.shape.extent + 2
            let s = piece.shape
            return (max(0, Int((s.centerX - e).rounded(.down))), min(size - 1, Int((s.centerX + e).rounded(.up))),
                    max(0, Int((s.centerY - e).rounded(.down))), min(size - 1, Int((s.centerY + e).rounded(.up))))
        }
        pixels = [UInt8](repeating: 0, count: plane * 3)
        owners = [UInt8](repeating: 0, count: plane)
        ambiguous = [Bool](repeating: false, count: plane)
        var fullArea = [Int](repeating: 0, count: objectCount)
        var visibleArea = [Int](repeating: 0, count: objectCount)
        for y in 0 ..< size {
            for x in 0 ..< size {
                let px = Float(x) + 0.5, py = Float(y) + 0.5
                var remaining: Float = 1
                var sum = SyntheticColour(repeating: 0)
                var backgroundWeight: Float = 0
                var bestWeight: Float = 0
                var best = 0
                for (k, piece) in pieces.enumerated() {
                    let box = boxes[k]
                    guard x >= box.0, x <= box.1, y >= box.2, y <= box.3 else { continue }
                    let alpha = piece.shape.coverage(px, py)
                    guard alpha > 0 else { continue }
                    let weight = remaining * alpha
                    if k < objectCount {
                        let object = objectCount - k  // 1-based draw order
                        if alpha >= 0.5 { fullArea[object - 1] += 1 }
                        if weight > bestWeight { bestWeight = weight; best = object }
                    } else {
                        backgroundWeight += weight
                    }
                    if weight > 0 {
                        sum += weight * piece.appearance.colour(at: x, y, of: piece.shape)
                    }
                    remaining *= 1 - alpha
                }
                backgroundWeight += remaining
                if remaining > 0 { sum += remaining * layout.background.colour(at: x, y) }
                let p = y * size + x
                let owner = bestWeight > backgroundWeight ? best : 0
                owners[p] = UInt8(owner)
                ambiguous[p] = max(bestWeight, backgroundWeight) < Self.clearWeight
                if owner > 0 && !ambiguous[p] { visibleArea[owner - 1] += 1 }
                for c in 0 ..< 3 {
                    let grain = 0.035 * hashNoise(x, y, layout.background.seed &+ UInt64(c + 1))
                    let value = max(0, min(1, sum[c] + grain))
                    pixels[3 * p + c] = UInt8((value * 255).rounded())
                }
            }
        }
        let minimum = max(1, plane / 250)
        hidden = (0 ..< objectCount).filter { i in
            visibleArea[i] < minimum || Float(visibleArea[i]) < 0.35 * Float(fullArea[i])
        }
    }
}
