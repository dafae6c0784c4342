// PillowResize: `Image.resize(size, filter)` of Pillow 13 on 8-bit images, bit for bit.
// The first step of CAM inference (DESIGN §3, §6): the reference rescales each uint8 RGB image
// with Pillow's BICUBIC filter before normalising it, so the network sees exactly these bytes.
// Pillow resamples separably: one pass per axis, the first into an 8-bit intermediate image
// (rounded and clipped to 0...255); horizontal first unless the height shrinks by more than
// twice as many pixels as the width; a pass whose side keeps its size is skipped.
// Grey+alpha and RGBA images are resampled premultiplied, as Pillow converts LA/RGBA to La/RGBa
// first. `nearest` follows Pillow's separate affine-scale path (PillowNearestResize.swift).

import Codecs

/// `image` resized to `width` × `height` exactly as Pillow 13's
/// `Image.fromarray(pixels).resize((width, height), Image.BICUBIC)` does it.
public func resizeBicubicLikePillow(_ image: Image, width: Int, height: Int) -> Image {
    resizeLikePillow(image, width: width, height: height, filter: .bicubic)
}

/// `image` resized to `width` × `height` with Pillow 13's `Image.resize(size, filter)`, default
/// `box` and `reducing_gap` (None). 1 channel is mode L, 2 is LA, 3 is RGB, 4 is RGBA.
public func resizeLikePillow(_ image: Image, width: Int, height: Int,
                             filter: PillowFilter = .bicubic) -> Image {
    precondition(width >= 1 && height >= 1, "resize target \(width)x\(height) must be at least 1x1")
    precondition(image.width >= 1 && image.height >= 1,
                 "cannot resize an empty \(image.width)x\(image.height) image")
    if width == image.width && height == image.height { return image }
    if filter == .nearest { return resizeNearestLikePillow(image, width: width, height: height) }
    if image.channels == 2 || image.channels == 4 {
        let premultiplied = premultipliedAlphaLikePillow(image)
        return unpremultipliedAlphaLikePillow(
            resampleSeparably(premultiplied, width: width, height: height, filter: filter))
    }
    return resampleSeparably(image, width: width, height: height, filter: filter)
}

/// Whether Pillow 13 runs the vertical pass first: when the height shrinks by more than twice
/// as many pixels as the width does (so the horizontal pass has fewer rows to do). Pillow 12
/// and earlier always started with the horizontal pass; the order changes the 8-bit rounding.
func pillowResizesVerticallyFirst(from source: (width: Int, height: Int),
                                         to target: (width: Int, height: Int)) -> Bool {
    target.height < source.height
        && source.height - target.height > 2 * (source.width - target.width)
}

/// Pillow's ImagingResample for 8-bit samples: a horizontal and a vertical pass, each skipped
/// when its side keeps its size, in the order `pillowResizesVerticallyFirst` picks. Alpha is
/// treated like any other channel.
func resampleSeparably(_ image: Image, width: Int, height: Int, filter: PillowFilter) -> Image {
    let verticalFirst = pillowResizesVerticallyFirst(from: (image.width, image.height),
                                                     to: (width, height))
    var current = image
    func horizontal() {
        guard width != image.width else { return }
        current = resampleHorizontally(current, PillowResampleCoefficients(
            inputSize: image.width, outputSize: width, filter: filter))
    }
    func vertical() {
        guard height != image.height else { return }
        current = resampleVertically(current, PillowResampleCoefficients(
            inputSize: image.height, outputSize: height, filter: filter))
    }
    if verticalFirst {
        vertical()
        horizontal()
    } else {
        horizontal()
        vertical()
    }
    return current
}
