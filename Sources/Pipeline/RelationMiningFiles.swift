// RelationMiningFiles: `irn mine-relations` as a file-to-file call — reads the photo and its CAM
// archive (`keys`, `high_res`; DESIGN §5), runs RelationMining and encodes the ir_label map the
// way the reference step writes it: a plain 8-bit greyscale PNG of the label values (0
// background, 1..20 class, 255 unsure), no palette.
import Codecs
import Tensors

public enum RelationMiningFiles {
    /// The confident labels of the photo at `imagePath` from the CAM archive at `camPath`.
    public static func mine(imagePath: String, camPath: String,
                            mining: RelationMining = RelationMining()) throws -> Image {
        let image = try ImageFiles.load(imagePath)
        let (keys, highRes) = try MaskFiles.loadCAM(camPath)
        return try mine(image: image, keys: keys, highRes: highRes, camPath: camPath, mining: mining)
    }

    /// The confident labels of `image` from the CAM `highRes` [K, H, W] of the classes `keys`,
    /// as a one-channel image; `camPath` names the CAM in the error when the sizes differ.
    public static func mine(image: Image, keys: [Int], highRes: Tensor, camPath: String,
                            mining: RelationMining = RelationMining()) throws -> Image {
        guard highRes.shape[1] == image.height && highRes.shape[2] == image.width else {
            throw MaskFileError.sizeMismatch(
                path: camPath,
                reason: "high_res is \(highRes.shape[2])x\(highRes.shape[1]) but the image is \(image.width)x\(image.height)")
        }
        let labels = mining.labels(image: image, highRes: highRes, keys: keys)
        return Image(width: image.width, height: image.height, channels: 1, pixels: labels)
    }

    /// The ir_label file: the labels as an 8-bit greyscale PNG.
    public static func labelPNG(_ labels: Image) -> [UInt8] {
        precondition(labels.channels == 1, "a label map has one channel")
        return PNG.encode(labels)
    }
}
