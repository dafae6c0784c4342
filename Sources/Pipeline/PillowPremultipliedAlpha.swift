// PillowPremultipliedAlpha: Pillow's conversions LA/RGBA -> La/RGBa and back, which
// `Image.resize` wraps around every filtered (non-nearest) resize of an image with alpha, so
// transparent pixels do not bleed their colour. Premultiply: c·a/255 rounded with Pillow's
// integer trick ((t >> 8) + t) >> 8 of t = c·a + 128. Undo: 255·c / a (integer division,
// clipped to 255), leaving pixels with alpha 0 or 255 unchanged. The last channel is alpha.

import Codecs

/// Colour channels multiplied by alpha/255 as Pillow's RGBA -> RGBa (LA -> La) conversion does.
func premultipliedAlphaLikePillow(_ image: Image) -> Image {
    precondition(image.channels == 2 || image.channels == 4, "premultiplying needs an alpha channel")
    let channels = image.channels
    var pixels = image.pixels
    for p in stride(from: 0, to: pixels.count, by: channels) {
        let alpha = UInt32(pixels[p + channels - 1])
        for c in 0..<(channels - 1) {
            let t = UInt32(pixels[p + c]) * alpha + 128
            pixels[p + c] = UInt8(truncatingIfNeeded: ((t >> 8) + t) >> 8)
        }
    }
    return Image(width: image.width, height: image.height, channels: channels, pixels: pixels)
}

/// Colour channels divided by alpha/255 as Pillow's RGBa -> RGBA (La -> LA) conversion does.
func unpremultipliedAlphaLikePillow(_ image: Image) -> Image {
    precondition(image.channels == 2 || image.channels == 4, "unpremultiplying needs an alpha channel")
    let channels = image.channels
    var pixels = image.pixels
    for p in stride(from: 0, to: pixels.count, by: channels) {
        let alpha = UInt32(pixels[p + channels - 1])
        if alpha == 0 || alpha == 255 { continue }
        for c in 0..<(channels - 1) {
            pixels[p + c] = UInt8(min(255 * UInt32(pixels[p + c]) / alpha, 255))
        }
    }
    return Image(width: image.width, height: image.height, channels: channels, pixels: pixels)
}
