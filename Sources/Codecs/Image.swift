// Image: 8-bit pixels as every decoder in Codecs returns them and every encoder takes them.
// Samples are interleaved row-major (y, x, channel): 1 channel = grey, 2 = grey + alpha,
// 3 = RGB, 4 = RGBA. This is the hand-off point between the codecs and the Pipeline, which
// turns an RGB image into a normalised NCHW tensor.

public struct Image: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Samples per pixel: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).
    public let channels: Int
    /// `height * width * channels` samples, interleaved row-major.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "Image size \(width)x\(height) is negative")
        precondition((1...4).contains(channels), "Image has \(channels) channels; 1...4 allowed")
        precondition(pixels.count == width * height * channels,
                     "Image \(width)x\(height)x\(channels) needs \(width * height * channels) samples, got \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A black (zero) image.
    public init(width: Int, height: Int, channels: Int) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: 0, count: width * height * channels))
    }

    /// The sample at (x, y, channel).
    @inlinable public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + channel] }
        set { pixels[(y * width + x) * channels + channel] = newValue }
    }

    /// This image as RGB: grey is replicated, alpha is dropped (not composited).
    public func rgb() -> Image {
        if channels == 3 { return self }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let n = width * height
        for p in 0..<n {
            switch channels {
            case 1, 2:
                let v = pixels[p * channels]
                out[p * 3] = v; out[p * 3 + 1] = v; out[p * 3 + 2] = v
            default:
                out[p * 3] = pixels[p * 4]; out[p * 3 + 1] = pixels[p * 4 + 1]; out[p * 3 + 2] = pixels[p * 4 + 2]
            }
        }
        return Image(width: width, height: height, channels: 3, pixels: out)
    }
}
