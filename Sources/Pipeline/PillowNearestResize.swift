// PillowNearestResize: Pillow 13's `Image.resize(size, NEAREST)`, which does not resample but
// runs an affine scaling: source x of output column i is the truncated running sum
// scale/2 + i·scale accumulated in Double (the accumulation, not a product, as Pillow does it);
// rows likewise. The reference uses it (order 0) for label maps (DESIGN §6, VOC dataloader).
// Positions that fall outside the source stay zero, as in Pillow's filled output.

import Codecs

/// `image` resized to `width` × `height` like Pillow's `Image.resize(size, Image.NEAREST)`.
func resizeNearestLikePillow(_ image: Image, width: Int, height: Int) -> Image {
    let channels = image.channels
    let columns = nearestSourceIndices(inputSize: image.width, outputSize: width)
    let rows = nearestSourceIndices(inputSize: image.height, outputSize: height)
    var output = [UInt8](repeating: 0, count: width * height * channels)
    let inStride = image.width * channels
    image.pixels.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { destination in
            for y in 0..<height {
                guard let sourceRow = rows[y] else { continue }
                let line = sourceRow * inStride
                let out = y * width * channels
                for x in 0..<width {
                    guard let sourceColumn = columns[x] else { continue }
                    for c in 0..<channels {
                        destination[out + x * channels + c] = source[line + sourceColumn * channels + c]
                    }
                }
            }
        }
    }
    return Image(width: width, height: height, channels: channels, pixels: output)
}

/// The source index Pillow's affine scaling reads for each output index, or nil outside.
private func nearestSourceIndices(inputSize: Int, outputSize: Int) -> [Int?] {
    let step = Double(inputSize) / Double(outputSize)
    var position = 0 + step * 0.5
    var indices = [Int?](repeating: nil, count: outputSize)
    for i in 0..<outputSize {
        // Pillow's COORD: -1 for negative positions, otherwise truncation.
        let index = position < 0 ? -1 : Int(position)
        if index >= 0 && index < inputSize { indices[i] = index }
        position += step
    }
    return indices
}
