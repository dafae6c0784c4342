// LabelMapFile: reading label maps stored as PNG (VOC's SegmentationClass / SegmentationObject,
// the pipeline's sem_seg and ir_label outputs): the stored sample of each pixel, i.e. palette
// indices of indexed PNGs and grey values of 8-bit greyscale PNGs, as PIL's np.asarray(Image)
// and chainercv's read_label give them; colour PNGs are refused (no palette to undo).
// The sem_seg writer and reader of StageFiles (DESIGN §5) are the pipeline's own counterpart.
import Codecs

/// One label per pixel, row-major.
public struct LabelMap: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var values: [UInt8]

    public init(width: Int, height: Int, values: [UInt8]) {
        precondition(width >= 0 && height >= 0 && values.count == width * height,
                     "\(values.count) labels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.values = values
    }
}

public enum LabelMapFile {
    /// Largest label PNG read (label maps compress well; 256 MiB is far beyond any real one).
    public static let readLimit = 256 << 20

    /// The labels of the PNG at `path`.
    public static func read(_ path: String) throws -> LabelMap {
        try decode(FileIO.read(path, limit: readLimit), path: path)
    }

    /// The labels of PNG bytes (`path` names the file in errors).
    public static func decode(_ bytes: [UInt8], path: String) throws -> LabelMap {
        let raster = try PNG.decodeRaster(bytes)
        let header = raster.header
        switch header.colorType {
        case .indexed:
            break
        case .greyscale where header.bitDepth == 8:
            break
        default:
            throw DatasetError.badFile(path: path, reason: "a label map must be an indexed or 8-bit greyscale PNG, found \(header.colorType) with \(header.bitDepth)-bit samples")
        }
        return LabelMap(width: header.width, height: header.height, values: raster.samples8)
    }
}
