// CRFLabelRefinement: `irn crf` as a library call — the dense CRF (DESIGN §6 "Relation mining";
// Krähenbühl & Koltun 2011) applied to a label map or to class probabilities on an 8-bit photo.
// Label maps take pydensecrf's unary_from_labels energies; the value 255 marks unsure pixels,
// which get a uniform unary (and with `zeroUnsure` so does 0, as in pydensecrf). Probabilities
// take unary_from_softmax energies (-log p, clipped at 1e-5).
import Codecs
import Propagation
import Tensors

public enum CRFLabelRefinement {
    /// The refined label map (row-major) of `labels` (row-major, the image's size) with
    /// `labelCount` labels. Without `zeroUnsure` the labels are 0 ..< labelCount and the
    /// result uses the same values; with it they are 1 ... labelCount (0 unsure) and so is the
    /// result. 255 is unsure in both cases.
    public static func refine(image: Image, labels: [UInt8], labelCount: Int,
                              parameters: DenseCRFParameters) -> [UInt8] {
        precondition(labels.count == image.width * image.height, "label map does not match the image")
        precondition(labelCount >= 2 && labelCount <= 255, "label count \(labelCount) outside 2...255")
        let rgb = image.channels == 3 ? image.pixels : image.rgb().pixels
        let rows: [Int]
        let firstValue: Int
        if parameters.zeroUnsure || labels.contains(255) {
            // Unsure pixels: pydensecrf's zero_unsure form, values shifted so that 0 is unsure.
            let shift = parameters.zeroUnsure ? 0 : 1
            let shifted = labels.map { $0 == 255 ? 0 : Int($0) + shift }
            precondition(shifted.allSatisfy { $0 <= labelCount }, "a label exceeds the label count \(labelCount)")
            var unsure = parameters
            unsure.zeroUnsure = true
            rows = DenseCRF.refine(labels: shifted, labelCount: labelCount, rgb: rgb, width: image.width,
                                   height: image.height, parameters: unsure)
            firstValue = parameters.zeroUnsure ? 1 : 0
        } else {
            rows = DenseCRF.refine(labels: labels.map { Int($0) }, labelCount: labelCount, rgb: rgb,
                                   width: image.width, height: image.height, parameters: parameters)
            firstValue = 0
        }
        return rows.map { UInt8($0 + firstValue) }
    }

    /// The refined label map (row-major, values = channel index) of class probabilities
    /// [K, H, W] at the image's size.
    public static func refine(image: Image, probabilities: Tensor, parameters: DenseCRFParameters) -> [UInt8] {
        precondition(probabilities.shape == [probabilities.shape[0], image.height, image.width],
                     "probabilities \(probabilities.shape) do not match the \(image.width)×\(image.height) image")
        precondition(probabilities.shape[0] <= 256, "at most 256 channels fit in a label map")
        let rgb = image.channels == 3 ? image.pixels : image.rgb().pixels
        var crf = DenseCRF(width: image.width, height: image.height, labelCount: probabilities.shape[0])
        crf.setUnary(fromProbabilities: probabilities)
        crf.addGaussian(sxy: parameters.gaussianSXY, compat: parameters.gaussianCompat)
        crf.addBilateral(sxy: parameters.bilateralSXY, srgb: parameters.bilateralSRGB, rgb: rgb,
                         compat: parameters.bilateralCompat)
        return crf.map(iterations: parameters.iterations).map { UInt8($0) }
    }
}
