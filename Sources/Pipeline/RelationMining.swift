// RelationMining: the label step between the CAM and the inter-pixel relation network (IRNet
// §3.1, DESIGN §6 "Relation mining"). The CAM is padded with a constant background score twice —
// a high one (confident foreground) and a low one (confident background) — each padded map is
// argmaxed and refined by a dense CRF on the image, and the two results are combined: a class
// where the foreground-confident map says so, background where both say background, 255
// (unsure) elsewhere. Equals the reference's cam_to_ir_label step on the same inputs.
import Codecs
import Propagation
import Tensors

public struct RelationMining: Sendable, Equatable {
    /// The value that marks pixels whose relations are not mined.
    public static let unsure: UInt8 = 255

    /// Background score of the foreground-confident map (the reference's conf_fg_thres).
    public var foregroundThreshold: Float
    /// Background score of the background-confident map (the reference's conf_bg_thres).
    public var backgroundThreshold: Float
    /// The CRF that refines each argmax map.
    public var crf: DenseCRFParameters

    public init(foregroundThreshold: Float = 0.30, backgroundThreshold: Float = 0.05,
                crf: DenseCRFParameters = .relationMining) {
        self.foregroundThreshold = foregroundThreshold
        self.backgroundThreshold = backgroundThreshold
        self.crf = crf
    }

    /// The confident labels of one image, row-major H·W: 0 background, keys[c] + 1 for class
    /// channel c, 255 unsure. `image` is the 8-bit photo (grey or alpha images are made RGB),
    /// `highRes` the CAM [K, H, W] at the image's size and `keys` its 0-based classes (K of them,
    /// each at most 253 so that its label fits below 255).
    public func labels(image: Image, highRes: Tensor, keys: [Int]) -> [UInt8] {
        let (foreground, background) = confidentMaps(image: image, highRes: highRes, keys: keys)
        return RelationMining.combine(foreground: foreground, background: background)
    }

    /// The two CRF-refined class maps (class values, 0 = background) before they are combined:
    /// with the foreground-confident and with the background-confident background score.
    public func confidentMaps(image: Image, highRes: Tensor, keys: [Int]) -> (foreground: [UInt8], background: [UInt8]) {
        precondition(highRes.rank == 3, "CAM of shape \(highRes.shape) must be [K, H, W]")
        precondition(highRes.shape[0] == keys.count, "\(keys.count) keys for \(highRes.shape[0]) CAM channels")
        precondition(highRes.shape[1] == image.height && highRes.shape[2] == image.width,
                     "CAM \(highRes.shape) does not match the \(image.width)×\(image.height) image")
        precondition(keys.allSatisfy { (0...253).contains($0) }, "keys \(keys) must lie in 0...253")
        let n = image.width * image.height
        // Without classes every pixel is background in both maps (the argmax has one choice).
        guard !keys.isEmpty else {
            return ([UInt8](repeating: 0, count: n), [UInt8](repeating: 0, count: n))
        }
        let rgb = image.channels == 3 ? image.pixels : image.rgb().pixels
        let classValues: [UInt8] = [0] + keys.map { UInt8($0 + 1) }
        func refined(threshold: Float) -> [UInt8] {
            let seeds = RelationMining.argmaxWithBackground(highRes, background: threshold)
            let rows = DenseCRF.refine(labels: seeds, labelCount: keys.count + 1, rgb: rgb,
                                       width: image.width, height: image.height, parameters: crf)
            return rows.map { classValues[$0] }
        }
        return (refined(threshold: foregroundThreshold), refined(threshold: backgroundThreshold))
    }

    /// The argmax over [background, CAM channels] for a constant background score, row-major
    /// H·W (0 = background, c + 1 = channel c). Ties go to the lower index, as NumPy's argmax.
    public static func argmaxWithBackground(_ cam: Tensor, background: Float) -> [Int] {
        precondition(cam.rank == 3, "CAM of shape \(cam.shape) must be [K, H, W]")
        let k = cam.shape[0], n = cam.shape[1] * cam.shape[2]
        var best = [Int](repeating: 0, count: n)
        var highest = [Float](repeating: background, count: n)
        cam.scalars.withUnsafeBufferPointer { scores in
            for c in 0 ..< k {
                let plane = c &* n
                for i in 0 ..< n where scores[plane &+ i] > highest[i] {
                    highest[i] = scores[plane &+ i]
                    best[i] = c + 1
                }
            }
        }
        return best
    }

    /// Combines the two refined maps: the foreground-confident class where it is not
    /// background, 0 where both are background, 255 where only the background-confident map
    /// still sees a class.
    public static func combine(foreground: [UInt8], background: [UInt8]) -> [UInt8] {
        precondition(foreground.count == background.count, "maps of \(foreground.count) and \(background.count) pixels")
        return zip(foreground, background).map { fg, bg in
            if fg != 0 { return fg }
            return bg == 0 ? 0 : unsure
        }
    }
}
