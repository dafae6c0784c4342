// Adam7: PNG's interlace method 1 (PNG spec, 2nd ed., section 8.2). The image is sent as seven
// reduced images; pass k holds the pixels at (x + i*dx, y + j*dy) for the origins and steps
// below. A pass is empty when the image is too small to have such pixels (e.g. a 1x1 image has
// only pass 1). Non-interlaced images are one pass with origin 0 and step 1.

enum Adam7 {
    struct Pass: Sendable {
        let x: Int, y: Int, dx: Int, dy: Int

        /// Pixel count (width, height) of this pass's reduced image.
        func size(width: Int, height: Int) -> (width: Int, height: Int) {
            (width > x ? (width - x + dx - 1) / dx : 0, height > y ? (height - y + dy - 1) / dy : 0)
        }
    }

    static let passes: [Pass] = [
        Pass(x: 0, y: 0, dx: 8, dy: 8), Pass(x: 4, y: 0, dx: 8, dy: 8),
        Pass(x: 0, y: 4, dx: 4, dy: 8), Pass(x: 2, y: 0, dx: 4, dy: 4),
        Pass(x: 0, y: 2, dx: 2, dy: 4), Pass(x: 1, y: 0, dx: 2, dy: 2),
        Pass(x: 0, y: 1, dx: 1, dy: 2),
    ]

    /// The single "pass" of a non-interlaced image.
    static let whole = Pass(x: 0, y: 0, dx: 1, dy: 1)
}
