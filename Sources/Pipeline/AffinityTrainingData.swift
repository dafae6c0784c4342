// AffinityTrainingData: IRNet's training inputs from an image and its relation-mining labels
// (OUT/ir_label/<id>.png: 0 background, 1…20 classes, 255 unsure; reference
// voc12/dataloader.py VOC12AffinityDataset; DESIGN §6 "Training"). The image and the labels go
// through one TrainingAugmentation draw (train_irn: random rescale 0.5–1.5, flip, random crop;
// --no-augment: the top-left crop, image padded with 0, labels with 255), then the labels are
// reduced to stride 4 with Pillow's NEAREST at scale 0.25 (round(side/4)), as the dataset does
// before it derives the pair labels. The mean-shift pass reads the top-left crop of the image.

import Codecs
import Tensors

/// One training sample: the network input and the stride-4 relation labels.
public struct AffinityTrainingSample: Sendable {
    /// [3, crop, crop], normalised.
    public var image: Tensor
    /// The labels after the same transforms, reduced to stride 4.
    public var labels: LabelMap

    public init(image: Tensor, labels: LabelMap) {
        self.image = image
        self.labels = labels
    }
}

public enum AffinityTrainingData {
    /// The sample of `image` (RGB) and its relation labels (same size) under `augmentation`,
    /// drawing from `random`. Throws when the sizes differ (`labelPath` names the labels).
    public static func sample(image: Image, labels: LabelMap, augmentation: TrainingAugmentation,
                              random: inout SeededRandom, labelPath: String) throws -> AffinityTrainingSample {
        guard labels.width == image.width && labels.height == image.height else {
            throw DatasetError.badFile(path: labelPath,
                                       reason: "labels are \(labels.width)x\(labels.height) but the image is \(image.width)x\(image.height)")
        }
        let labelImage = Image(width: labels.width, height: labels.height, channels: 1, pixels: labels.values)
        let sample = augmentation.apply(image: image.rgb(), label: labelImage, random: &random)
        let cropped = sample.label!
        let reduced = reduceToStrideFour(LabelMap(width: cropped.width, height: cropped.height, values: cropped.pixels))
        return AffinityTrainingSample(image: sample.image, labels: reduced)
    }

    /// The --no-augment sample (top-left crop to `cropSize`).
    public static func sample(image: Image, labels: LabelMap, cropSize: Int, labelPath: String) throws
        -> AffinityTrainingSample {
        var unused = SeededRandom(seed: 0)
        return try sample(image: image, labels: labels, augmentation: .none(cropSize: cropSize), random: &unused,
                          labelPath: labelPath)
    }

    /// What the mean-shift pass reads: `image` normalised and cut or zero-padded to its top-left
    /// `cropSize` square, [1, 3, S, S].
    public static func topLeftCrop(_ image: Image, cropSize: Int) -> Tensor {
        var unused = SeededRandom(seed: 0)
        let sample = TrainingAugmentation.none(cropSize: cropSize).apply(image: image.rgb(), random: &unused)
        return sample.image.reshaped([1] + sample.image.shape)
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
