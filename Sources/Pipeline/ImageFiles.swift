// ImageFiles: reading and writing image files by content and by name.
// Inputs are recognised by their first bytes (PNG signature, JPEG SOI marker, PNM "P1".."P6"),
// never by extension, so a mislabelled file still decodes; outputs take their format from the
// file extension. This is the one place that maps formats to the Codecs decoders and encoders.
import Codecs

public enum ImageFileFormat: String, CaseIterable, Sendable {
    case png, jpeg, pnm

    /// The format whose signature starts `bytes`, if any.
    public init?(sniffing bytes: [UInt8]) {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { self = .png }
        else if bytes.starts(with: [0xFF, 0xD8]) { self = .jpeg }
        else if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[1]) { self = .pnm }
        else { return nil }
    }

    /// The format an output file name asks for.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "ppm", "pgm", "pnm", "pbm": self = .pnm
        default: return nil
        }
    }
}

public enum ImageFileError: Error, Equatable, Sendable {
    /// The bytes start with no signature of a supported image format.
    case unknownFormat(path: String)
    /// The output extension names no format we can write.
    case unsupportedOutput(path: String)
}

public enum ImageFiles {
    /// Decodes bytes of any supported format.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> Image {
        guard let format = ImageFileFormat(sniffing: bytes) else { throw ImageFileError.unknownFormat(path: path) }
        switch format {
        case .png: return try PNG.decode(bytes)
        case .jpeg: return try JPEG.decode(bytes)
        case .pnm: return try PNM.decode(bytes)
        }
    }

    /// Reads and decodes the image at `path`.
    public static func load(_ path: String) throws -> Image {
        try decode(FileIO.read(path), path: path)
    }

    /// Encodes `image` in the format named by `path`'s extension and writes it atomically.
    /// PNM output keeps grey images as P5 and writes everything else as P6 (alpha dropped).
    public static func save(_ image: Image, to path: String) throws {
        guard let format = ImageFileFormat(fileExtension: FileIO.fileExtension(of: path)), format != .jpeg else {
            throw ImageFileError.unsupportedOutput(path: path)
        }
        let bytes: [UInt8]
        switch format {
        case .png: bytes = PNG.encode(image)
        case .pnm: bytes = PNM.encode(image.channels == 1 ? image : image.rgb())
        case .jpeg: preconditionFailure("unreachable: JPEG output is refused above")
        }
        try FileIO.writeAtomically(bytes, to: path)
    }
}
