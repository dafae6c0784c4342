// MaskRefinement: `irn refine` as a library call — PAMR (Araslanov & Roth, CVPR 2020, §3.3;
// DESIGN §6 "PAMR") applied to class maps read from files. The image enters as floats c / 255
// in RGB order (the 0-1 range the reference module sees); masks of any size up to the image's
// are resized by PAMR itself. Each mask channel stands for one class value (`classes`), which the
// label map written beside the refined probabilities uses: argmax channel → its class value.
import Codecs
import Propagation
import Tensors

/// Refined class maps at the image's size and what each channel stands for.
public struct RefinedMask: Sendable {
    /// Refined scores [K, H, W].
    public var probabilities: Tensor
    /// The class value of each channel (what the label map shows for it).
    public var classes: [Int]

    public var height: Int { probabilities.shape[1] }
    public var width: Int { probabilities.shape[2] }

    /// Per pixel the class value of the highest channel (ties to the lower channel), row-major.
    public func labels() -> [UInt8] {
        DenseCRF.labels(fromProbabilities: probabilities).map { UInt8(classes[$0]) }
    }

    /// The .npz archive `irn refine` writes: `prob` float32 [K, H, W], `classes` int64 [K].
    public func archive() -> [UInt8] {
        NPZ.encode([("prob", NPYArray(float32: probabilities.scalars, shape: probabilities.shape)),
                    ("classes", NPYArray(int64: classes.map { Int64($0) }, shape: [classes.count]))])
    }

    /// The label map as an indexed PNG with the VOC palette.
    public func labelPNG() -> [UInt8] {
        PNG.encodeIndexed(Image(width: width, height: height, channels: 1, pixels: labels()), palette: VOCPalette.rgb)
    }
}

public struct MaskRefinement: Sendable, Equatable {
    public var pamr: PAMR

    public init(pamr: PAMR = PAMR()) {
        self.pamr = pamr
    }

    /// The image as PAMR's input: [1, 3, H, W] floats c / 255, RGB (grey images are repeated
    /// into three channels, alpha is dropped).
    public static func imageTensor(_ image: Image) -> Tensor {
        let rgb = image.channels == 3 ? image : image.rgb()
        let n = rgb.width * rgb.height
        var scalars = [Float](repeating: 0, count: 3 * n)
        for i in 0 ..< n {
            for c in 0 ..< 3 { scalars[c * n + i] = Float(rgb.pixels[3 * i + c]) / 255 }
        }
        return Tensor(shape: [1, 3, rgb.height, rgb.width], scalars: scalars)
    }

    /// One channel per label value 0 ..< `classCount` from a label map (row-major): 1 on the
    /// pixel's label, 0 elsewhere; pixels labelled 255 (ignored) get 1 / K in every channel.
    public static func oneHot(labels: [UInt8], width: Int, height: Int, classCount: Int) -> Tensor {
        precondition(labels.count == width * height, "\(labels.count) labels for \(width)×\(height)")
        precondition(classCount >= 1, "one-hot masks need at least one class")
        let n = labels.count
        var scalars = [Float](repeating: 0, count: classCount * n)
        let uniform = 1 / Float(classCount)
        for (i, label) in labels.enumerated() {
            if label == 255 {
                for c in 0 ..< classCount { scalars[c * n + i] = uniform }
            } else {
                precondition(Int(label) < classCount, "label \(label) at pixel \(i) is not below \(classCount)")
                scalars[Int(label) * n + i] = 1
            }
        }
        return Tensor(shape: [classCount, height, width], scalars: scalars)
    }

    /// `scores` [K, h, w] with a constant channel of `value` in front.
    public static func prependingBackground(_ scores: Tensor, value: Float) -> Tensor {
        precondition(scores.rank == 3, "scores of shape \(scores.shape) must be [K, h, w]")
        let n = scores.shape[1] * scores.shape[2]
        return Tensor(shape: [scores.shape[0] + 1, scores.shape[1], scores.shape[2]],
                      scalars: [Float](repeating: value, count: n) + scores.scalars)
    }

    /// PAMR of `scores` ([K, h, w], h ≤ H, w ≤ W) on `image`: the refined maps [K, H, W].
    public func refine(image: Image, scores: Tensor, classes: [Int]) -> RefinedMask {
        precondition(scores.rank == 3 && classes.count == scores.shape[0],
                     "scores \(scores.shape) need one class value per channel, got \(classes.count)")
        precondition(classes.allSatisfy { (0...255).contains($0) }, "class values \(classes) must fit in a byte")
        let k = scores.shape[0], h = scores.shape[1], w = scores.shape[2]
        let refined = pamr.refine(image: MaskRefinement.imageTensor(image), mask: scores.reshaped([1, k, h, w]))
        return RefinedMask(probabilities: refined.reshaped([k, image.height, image.width]), classes: classes)
    }
}
