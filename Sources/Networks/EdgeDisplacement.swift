// EdgeDisplacement: IRNet inference on an [image, flipped image] pair, as the reference's
// EdgeDisplacement module (net/resnet50_irn.py) feeds the random walk and the instance
// extraction (DESIGN §3, §6). The pair is zero-padded at the bottom/right to crop_size (512)
// so GroupNorm sees the same statistics as in the reference, both outputs are cropped to the
// stride-4 size ((H−1)/4+1, (W−1)/4+1), boundary = sigmoid(edge[0]/2 + flip(edge[1])/2) and the
// displacement is that of the unflipped image (the only one computed). Sides longer than crop_size are padded to the
// next multiple of 16 instead (the reference's negative padding would crop the image there).

import Tensors

public struct EdgeDisplacement: Sendable {
    public let network: IRNetwork
    /// The side the input is padded to (the reference's crop_size, 512).
    public let cropSize: Int
    /// Output stride of both maps.
    public static let stride = 4

    public init(network: IRNetwork, cropSize: Int = 512) {
        precondition(cropSize > 0, "EdgeDisplacement: crop size \(cropSize) must be positive")
        self.network = network
        self.cropSize = cropSize
    }

    /// The padded side for an input side `length`: `cropSize`, or the next multiple of 16 when
    /// `length` exceeds it.
    public func paddedLength(_ length: Int) -> Int {
        length <= cropSize ? cropSize : (length + 15) / 16 * 16
    }

    /// Boundary probabilities [1, h, w] and displacement [2, h, w] (y, x) at stride 4 for the
    /// pair [image, horizontally flipped image] ([2, 3, H, W]); h = (H−1)/4+1, w = (W−1)/4+1.
    public func callAsFunction(_ pair: Tensor) -> (boundary: Tensor, displacement: Tensor) {
        precondition(pair.rank == 4 && pair.shape[0] == 2 && pair.shape[1] == 3,
                     "EdgeDisplacement: expected [image, flipped image] as [2, 3, H, W], got \(pair.shape)")
        let height = pair.shape[2], width = pair.shape[3]
        precondition(height > 0 && width > 0, "EdgeDisplacement: empty image \(pair.shape)")
        let outHeight = (height - 1) / EdgeDisplacement.stride + 1
        let outWidth = (width - 1) / EdgeDisplacement.stride + 1
        let padded = padConstant(pair, left: 0, right: paddedLength(width) - width,
                                 top: 0, bottom: paddedLength(height) - height)
        let output = network(padded, displacementImages: 1)
        let edge = crop(output.boundaryLogits, top: 0, left: 0, height: outHeight, width: outWidth)
        let plane = outHeight * outWidth
        let own = Tensor(shape: [1, outHeight, outWidth], scalars: Array(edge.scalars[0 ..< plane]))
        let mirrored = Tensor(shape: [1, outHeight, outWidth], scalars: Array(edge.scalars[plane ..< 2 * plane]))
        var boundary = own * 0.5 + flipHorizontal(mirrored) * 0.5
        boundary.applySigmoid()
        let field = crop(output.displacement, top: 0, left: 0, height: outHeight, width: outWidth)
        let displacement = Tensor(shape: [2, outHeight, outWidth], scalars: field.scalars)
        return (boundary, displacement)
    }
}
