// Image16: 16-bit pixels, the wide twin of Image for decoders that keep more than 8 bits per
// sample (PNG.decode16). Same layout as Image: samples interleaved row-major (y, x, channel);
// 1 channel = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA; full scale is 65535.

public struct Image16: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `height * width * channels` samples, interleaved row-major.
    public var samples: [UInt16]

    public init(width: Int, height: Int, channels: Int, samples: [UInt16]) {
        precondition(width >= 0 && height >= 0, "Image16 size \(width)x\(height) is negative")
        precondition((1...4).contains(channels), "Image16 has \(channels) channels; 1...4 allowed")
        precondition(samples.count == width * height * channels,
                     "Image16 \(width)x\(height)x\(channels) needs \(width * height * channels) samples, got \(samples.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// The 8-bit image holding each sample's high byte.
    public func highBytes() -> Image {
        Image(width: width, height: height, channels: channels, pixels: samples.map { UInt8($0 >> 8) })
    }
}
