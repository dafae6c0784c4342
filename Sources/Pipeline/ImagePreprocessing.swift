// ImagePreprocessing: the reference's CAM input preparation for one scale (DESIGN §3, §6).
// The RGB image is rescaled to (round(h·s), round(w·s)) with NumPy's half-to-even rounding and
// Pillow's BICUBIC filter (no resize when the size is unchanged), each sample is normalised as
// (v / 255 - mean) / std in Double with ImageNet's mean and std and stored as Float32 (rounded
// once), laid out channel-major, and stacked with its left-right mirror as a batch of two:
// the [image, flipped image] pair that CAM inference runs.

import Codecs
import Tensors

/// ImageNet channel means (R, G, B) used by the reference's normalisation.
public let imageNetMean: [Double] = [0.485, 0.456, 0.406]
/// ImageNet channel standard deviations (R, G, B).
public let imageNetStandardDeviation: [Double] = [0.229, 0.224, 0.225]

/// The size (height, width) the reference rescales an `height` × `width` image to at `scale`:
/// each side times the scale, rounded to the nearest integer with ties to even (np.round).
public func rescaledSize(height: Int, width: Int, scale: Double) -> (height: Int, width: Int) {
    ((Double(height) * scale).rounded(.toNearestOrEven).asSide,
     (Double(width) * scale).rounded(.toNearestOrEven).asSide)
}

private extension Double {
    var asSide: Int {
        precondition(isFinite && self < Double(1 << 30), "rescaled side \(self) is not a usable size")
        return Int(self)
    }
}

/// `image` rescaled by `scale` as the reference does for a CAM scale: Pillow BICUBIC to
/// `rescaledSize`, or the image itself when that size equals its own.
public func rescaleLikeReference(_ image: Image, scale: Double) -> Image {
    precondition(scale > 0, "scale \(scale) must be positive")
    let size = rescaledSize(height: image.height, width: image.width, scale: scale)
    precondition(size.height >= 1 && size.width >= 1,
                 "scale \(scale) shrinks \(image.width)x\(image.height) to nothing")
    if size.height == image.height && size.width == image.width { return image }
    return resizeBicubicLikePillow(image, width: size.width, height: size.height)
}

/// An RGB image as a [1, 3, H, W] Float32 tensor normalised with ImageNet's mean and std,
/// each value computed in Double and rounded once to Float32, as the reference does.
public func normalizeImageNet(_ image: Image) -> Tensor {
    Tensor(shape: [1, 3, image.height, image.width],
           scalars: normalizedPlanes(image, mirrored: false))
}

/// The normalised RGB image and its left-right mirror as a [2, 3, H, W] batch.
public func imageAndFlip(_ image: Image) -> Tensor {
    Tensor(shape: [2, 3, image.height, image.width],
           scalars: normalizedPlanes(image, mirrored: false) + normalizedPlanes(image, mirrored: true))
}

/// The CAM network input for one scale: `imageAndFlip(rescaleLikeReference(image, scale:))`.
public func preprocessForCAM(_ image: Image, scale: Double) -> Tensor {
    imageAndFlip(rescaleLikeReference(image, scale: scale))
}

/// Channel-major normalised planes (3·H·W values), optionally mirrored left to right.
/// Every possible 8-bit sample's normalised value, per channel (index c·256 + v): computed in
/// Double and rounded once to Float32, as TorchvisionNormalize does.
let imageNetNormalizationTable: [Float] = (0..<3).flatMap { c in
    (0..<256).map { v in Float((Double(v) / 255 - imageNetMean[c]) / imageNetStandardDeviation[c]) }
}

private func normalizedPlanes(_ image: Image, mirrored: Bool) -> [Float] {
    precondition(image.channels == 3,
                 "ImageNet normalisation needs an RGB image, got \(image.channels) channels (use rgb())")
    let width = image.width, height = image.height, plane = width * height
    let table = imageNetNormalizationTable
    var planes = [Float](repeating: 0, count: 3 * plane)
    image.pixels.withUnsafeBufferPointer { pixels in
        planes.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                for x in 0..<width {
                    let sourceX = mirrored ? width - 1 - x : x
                    let p = (y * width + sourceX) * 3
                    let o = y * width + x
                    out[o] = table[Int(pixels[p])]
                    out[plane + o] = table[256 + Int(pixels[p + 1])]
                    out[2 * plane + o] = table[512 + Int(pixels[p + 2])]
                }
            }
        }
    }
    return planes
}
