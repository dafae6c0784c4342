// TrainingAugmentation: the random transforms a training image (and its label map) goes through
// before a training step, as the reference's voc12/dataloader.py and misc/imutils.py apply them
// (DESIGN §6 "Training"): random long-side resize (CAM, Pillow BICUBIC), random rescale (IRN;
// label maps with Pillow NEAREST), ImageNet normalisation, horizontal flip, random crop into a
// crop-size square filled with 0 (image, after normalisation) and 255 (label), HWC → CHW.
// Draws come from a SeededRandom, so a seed fixes every crop; Python's `random` is not
// reproduced. `.none(cropSize:)` is the --no-augment path: no resize, no flip, and the
// reference's top-left crop (imutils.top_left_crop), which exact-comparison inputs use.

import Codecs
import Tensors

/// An augmented training example: the normalised image [3, H, W] and, when one was given, the
/// label map transformed with it (one channel, 255 where the crop padded).
public struct TrainingSample: Sendable {
    public var image: Tensor
    public var label: Image?
}

/// Which random transforms to apply, in the reference's order.
public struct TrainingAugmentation: Sendable, Equatable {
    /// Long side drawn uniformly from this range (inclusive; random.randint), then a Pillow
    /// BICUBIC rescale so the longer side has that length. CAM training: 320...640.
    public var resizeLong: ClosedRange<Int>?
    /// Scale drawn uniformly from [lower, upper) (random.random), image BICUBIC, label NEAREST.
    /// IRN training: 0.5...1.5.
    public var rescale: ClosedRange<Double>?
    /// Mirror left-right with probability 1/2.
    public var horizontalFlip: Bool
    /// Side of the square crop; nil keeps the whole image.
    public var cropSize: Int?
    /// Random crop box (imutils.random_crop) or the top-left one (imutils.top_left_crop).
    public var randomCrop: Bool

    public init(resizeLong: ClosedRange<Int>? = nil, rescale: ClosedRange<Double>? = nil,
                horizontalFlip: Bool = false, cropSize: Int? = nil, randomCrop: Bool = false) {
        precondition(resizeLong.map { $0.lowerBound >= 1 } ?? true, "TrainingAugmentation: resize-long must be positive")
        precondition(rescale.map { $0.lowerBound > 0 } ?? true, "TrainingAugmentation: rescale must be positive")
        precondition(cropSize.map { $0 >= 1 } ?? true, "TrainingAugmentation: crop size must be positive")
        self.resizeLong = resizeLong
        self.rescale = rescale
        self.horizontalFlip = horizontalFlip
        self.cropSize = cropSize
        self.randomCrop = randomCrop
    }

    /// The reference's train_cam dataset: resize_long (320, 640), flip, random 512 crop.
    public static func cam(cropSize: Int = 512, resizeLong: ClosedRange<Int> = 320...640) -> TrainingAugmentation {
        TrainingAugmentation(resizeLong: resizeLong, horizontalFlip: true, cropSize: cropSize, randomCrop: true)
    }

    /// The reference's train_irn dataset: rescale (0.5, 1.5), flip, random 512 crop.
    public static func irn(cropSize: Int = 512, rescale: ClosedRange<Double> = 0.5...1.5) -> TrainingAugmentation {
        TrainingAugmentation(rescale: rescale, horizontalFlip: true, cropSize: cropSize, randomCrop: true)
    }

    /// --no-augment: no resize, no flip, the top-left crop padded with the fill values (the
    /// reference's non-random crop method). Deterministic: it draws nothing.
    public static func none(cropSize: Int?) -> TrainingAugmentation {
        TrainingAugmentation(cropSize: cropSize)
    }

    /// The example for `image` (RGB) and optional `label` (one channel, same size), drawing from
    /// `random` in the reference's order: long side, scale, flip, crop left, crop top.
    public func apply(image: Image, label: Image? = nil, random: inout SeededRandom) -> TrainingSample {
        apply(image: image, label: label, draws: draw(height: image.height, width: image.width, random: &random))
    }

    /// The random values for an image of `height` × `width`, in the reference's order.
    public func draw(height: Int, width: Int, random: inout SeededRandom) -> AugmentationDraws {
        var draws = AugmentationDraws()
        var size = (height: height, width: width)
        if let resizeLong {
            let target = random.nextInt(in: resizeLong)
            draws.longSide = target
            size = rescaledSize(height: size.height, width: size.width, scale: longSideScale(target, size))
        }
        if let rescale {
            let scale = rescale.lowerBound + random.nextDouble() * (rescale.upperBound - rescale.lowerBound)
            draws.scale = scale
            size = rescaledSize(height: size.height, width: size.width, scale: scale)
        }
        if horizontalFlip { draws.flip = random.nextBit() }
        if let cropSize, randomCrop {
            // imutils.get_random_crop_box: randrange(|space| + 1) per axis, the width first.
            draws.cropLeft = random.nextInt(in: 0...abs(size.width - cropSize))
            draws.cropTop = random.nextInt(in: 0...abs(size.height - cropSize))
        }
        return draws
    }

    /// The example for `image` and optional `label` with the given random values (those of the
    /// transforms this augmentation does not use are ignored).
    public func apply(image: Image, label: Image? = nil, draws: AugmentationDraws) -> TrainingSample {
        precondition(image.channels == 3, "TrainingAugmentation: the image must be RGB, got \(image.channels) channels")
        precondition(label.map { $0.channels == 1 && $0.width == image.width && $0.height == image.height } ?? true,
                     "TrainingAugmentation: the label map must be one channel of the image's size")
        var image = image, label = label
        if resizeLong != nil, let target = draws.longSide {
            let scale = longSideScale(target, (image.height, image.width))
            image = rescaleLikeReference(image, scale: scale)
            label = label.map { rescaleLabelLikeReference($0, scale: scale) }
        }
        if rescale != nil, let scale = draws.scale {
            image = rescaleLikeReference(image, scale: scale)
            label = label.map { rescaleLabelLikeReference($0, scale: scale) }
        }
        let flipped = horizontalFlip && draws.flip
        let box: CropBox
        if let cropSize {
            box = randomCrop
                ? CropBox.random(height: image.height, width: image.width, cropSize: cropSize,
                                 left: draws.cropLeft, top: draws.cropTop)
                : CropBox.topLeft(height: image.height, width: image.width, cropSize: cropSize)
        } else {
            box = CropBox.whole(height: image.height, width: image.width)
        }
        return TrainingSample(image: normalizedCrop(image, box: box, flipped: flipped),
                              label: label.map { labelCrop($0, box: box, flipped: flipped) })
    }

    /// imutils.random_resize_long: target / height when the image is taller than wide, else
    /// target / width.
    private func longSideScale(_ target: Int, _ size: (height: Int, width: Int)) -> Double {
        Double(target) / Double(size.width < size.height ? size.height : size.width)
    }
}

/// The random values of one augmentation: the drawn long side, the drawn scale, whether to
/// mirror, and the two randrange results of the crop box (left, then top).
public struct AugmentationDraws: Sendable, Equatable {
    public var longSide: Int?
    public var scale: Double?
    public var flip = false
    public var cropLeft = 0
    public var cropTop = 0

    public init(longSide: Int? = nil, scale: Double? = nil, flip: Bool = false, cropLeft: Int = 0, cropTop: Int = 0) {
        self.longSide = longSide
        self.scale = scale
        self.flip = flip
        self.cropLeft = cropLeft
        self.cropTop = cropTop
    }
}

/// Where a crop lands: `height` × `width` source pixels from (sourceTop, sourceLeft) of the
/// (possibly flipped) image go to (top, left) of a `size.height` × `size.width` canvas.
public struct CropBox: Equatable, Sendable {
    public var top: Int, left: Int
    public var sourceTop: Int, sourceLeft: Int
    public var height: Int, width: Int
    public var size: (height: Int, width: Int)

    public static func == (a: CropBox, b: CropBox) -> Bool {
        a.top == b.top && a.left == b.left && a.sourceTop == b.sourceTop && a.sourceLeft == b.sourceLeft
            && a.height == b.height && a.width == b.width && a.size == b.size
    }

    /// imutils.get_random_crop_box given its two draws: per axis, when the image side exceeds the
    /// crop the draw (0...side − crop) is the source offset, otherwise (0...crop − side) it is the
    /// canvas offset; `left` is the width axis' draw, `top` the height axis'.
    public static func random(height: Int, width: Int, cropSize: Int, left: Int, top: Int) -> CropBox {
        let widthSpace = width - cropSize, heightSpace = height - cropSize
        precondition(left >= 0 && left <= abs(widthSpace) && top >= 0 && top <= abs(heightSpace),
                     "CropBox: draws (\(left), \(top)) outside the crop's ranges for \(width)x\(height), crop \(cropSize)")
        var box = CropBox(top: 0, left: 0, sourceTop: 0, sourceLeft: 0, height: min(cropSize, height),
                          width: min(cropSize, width), size: (cropSize, cropSize))
        if widthSpace > 0 { box.sourceLeft = left } else { box.left = left }
        if heightSpace > 0 { box.sourceTop = top } else { box.top = top }
        return box
    }

    /// imutils.top_left_crop: the top-left min(crop, side) pixels at the canvas origin.
    public static func topLeft(height: Int, width: Int, cropSize: Int) -> CropBox {
        CropBox(top: 0, left: 0, sourceTop: 0, sourceLeft: 0, height: min(cropSize, height),
                width: min(cropSize, width), size: (cropSize, cropSize))
    }

    /// The whole image, no canvas.
    public static func whole(height: Int, width: Int) -> CropBox {
        CropBox(top: 0, left: 0, sourceTop: 0, sourceLeft: 0, height: height, width: width, size: (height, width))
    }
}

/// The label map rescaled as imutils.pil_rescale(label, scale, order=0) does: Pillow NEAREST to
/// (round(h·s), round(w·s)), ties to even; unchanged when that is its own size.
public func rescaleLabelLikeReference(_ label: Image, scale: Double) -> Image {
    precondition(scale > 0, "scale \(scale) must be positive")
    let size = rescaledSize(height: label.height, width: label.width, scale: scale)
    precondition(size.height >= 1 && size.width >= 1,
                 "scale \(scale) shrinks \(label.width)x\(label.height) to nothing")
    if size.height == label.height && size.width == label.width { return label }
    return resizeLikePillow(label, width: size.width, height: size.height, filter: .nearest)
}

/// The crop of the (optionally mirrored) RGB image, ImageNet-normalised (each value in Double,
/// rounded once, as TorchvisionNormalize), channel-major [3, H, W]; 0 outside the image.
func normalizedCrop(_ image: Image, box: CropBox, flipped: Bool) -> Tensor {
    let table = imageNetNormalizationTable
    let outHeight = box.size.height, outWidth = box.size.width, plane = outHeight * outWidth
    let sourceWidth = image.width
    var values = [Float](repeating: 0, count: 3 * plane)
    image.pixels.withUnsafeBufferPointer { pixels in
        values.withUnsafeMutableBufferPointer { out in
            for y in 0..<box.height {
                let sourceRow = (box.sourceTop + y) * sourceWidth
                let row = (box.top + y) * outWidth + box.left
                for x in 0..<box.width {
                    // Mirroring comes first in the reference, so the box indexes the mirrored image.
                    let column = box.sourceLeft + x
                    let sourceColumn = flipped ? sourceWidth - 1 - column : column
                    let p = (sourceRow + sourceColumn) * 3
                    out[row + x] = table[Int(pixels[p])]
                    out[plane + row + x] = table[256 + Int(pixels[p + 1])]
                    out[2 * plane + row + x] = table[512 + Int(pixels[p + 2])]
                }
            }
        }
    }
    return Tensor(shape: [3, outHeight, outWidth], scalars: values)
}

/// The crop of the (optionally mirrored) label map on a canvas of 255.
func labelCrop(_ label: Image, box: CropBox, flipped: Bool) -> Image {
    var output = Image(width: box.size.width, height: box.size.height, channels: 1,
                       pixels: [UInt8](repeating: 255, count: box.size.width * box.size.height))
    for y in 0..<box.height {
        for x in 0..<box.width {
            let column = box.sourceLeft + x
            let sourceColumn = flipped ? label.width - 1 - column : column
            output.pixels[(box.top + y) * box.size.width + box.left + x] =
                label.pixels[(box.sourceTop + y) * label.width + sourceColumn]
        }
    }
    return output
}
