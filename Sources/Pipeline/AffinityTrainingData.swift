// AffinityTrainingData: IRNet's training inputs from an image and its relation-mining labels
// (OUT/ir_label/<id>.png: 0 background, 1…20 classes, 255 unsure; reference
// voc12/dataloader.py VOC12AffinityDataset; DESIGN §6 "Training"). Without augmentation the
// image is normalised with ImageNet's statistics and cut to the top-left crop_size square
// (padded with 0 where the image is smaller), the labels likewise (padded with 255), and the
// labels reduced to stride 4 with Pillow's NEAREST at scale 0.25 (round(crop/4) per side).
// The same top-left crop of the image alone is what the mean-shift pass reads.

import Codecs
import Tensors

/// One training sample: the network input and the stride-4 relation labels.
public struct AffinityTrainingSample: Sendable {
    /// [3, crop, crop], normalised.
    public var image: Tensor
    /// The labels reduced to stride 4.
    public var labels: LabelMap

    public init(image: Tensor, labels: LabelMap) {
        self.image = image
        self.labels = labels
    }
}

public enum AffinityTrainingData {
    /// The sample of `image` (RGB) and its relation labels (same size) without augmentation:
    /// top-left crops to `cropSize`, labels reduced to stride 4. Throws when the sizes differ.
    public static func sample(image: Image, labels: LabelMap, cropSize: Int, labelPath: String) throws
        -> AffinityTrainingSample {
        guard labels.width == image.width && labels.height == image.height else {
            throw DatasetError.badFile(path: labelPath,
                                       reason: "labels are \(labels.width)x\(labels.height) but the image is \(image.width)x\(image.height)")
        }
        let crop = topLeftCrop(labels, cropSize: cropSize, fill: 255)
        let input = topLeftCrop(image, cropSize: cropSize)
        return AffinityTrainingSample(image: input.reshaped([3, cropSize, cropSize]), labels: reduceToStrideFour(crop))
    }

    /// `image` normalised and cut or zero-padded to its top-left `cropSize` square, [1, 3, S, S].
    public static func topLeftCrop(_ image: Image, cropSize: Int) -> Tensor {
        precondition(cropSize > 0, "AffinityTrainingData: crop size \(cropSize) must be positive")
        let normalized = normalizeImageNet(image.rgb())
        let height = min(cropSize, image.height), width = min(cropSize, image.width)
        let kept = crop(normalized, top: 0, left: 0, height: height, width: width)
        return padConstant(kept, left: 0, right: cropSize - width, top: 0, bottom: cropSize - height, value: 0)
    }

    /// `labels` cut or padded (with `fill`) to its top-left `cropSize` square.
    public static func topLeftCrop(_ labels: LabelMap, cropSize: Int, fill: UInt8) -> LabelMap {
        var values = [UInt8](repeating: fill, count: cropSize * cropSize)
        for y in 0 ..< min(cropSize, labels.height) {
            for x in 0 ..< min(cropSize, labels.width) {
                values[y * cropSize + x] = labels.values[y * labels.width + x]
            }
        }
        return LabelMap(width: cropSize, height: cropSize, values: values)
    }

    /// The reference's pil_rescale(labels, 0.25, order 0): Pillow NEAREST to round(side / 4).
    public static func reduceToStrideFour(_ labels: LabelMap) -> LabelMap {
        let size = rescaledSize(height: labels.height, width: labels.width, scale: 0.25)
        if size.height == labels.height && size.width == labels.width { return labels }
        let image = Image(width: labels.width, height: labels.height, channels: 1, pixels: labels.values)
        let reduced = resizeNearestLikePillow(image, width: size.width, height: size.height)
        return LabelMap(width: size.width, height: size.height, values: reduced.pixels)
    }
}
