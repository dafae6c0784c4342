// ClassActivationMaps: the multi-scale CAMs of one image, as the reference's make_cam step
// writes them (step/make_cam.py over VOC12ClassificationDatasetMSF; DESIGN §3, §5, §6 "CAM").
// Per scale: Pillow-bicubic rescale, ImageNet normalisation, the [image, mirror] pair through
// the CAM network; each scale's maps are resized bilinearly (align_corners=False) to the
// stride-4 size ((H−1)/4+1, (W−1)/4+1) and, for high_res, to H and W rounded up to multiples
// of 16 (get_strided_up_size(size, 16)) then cropped to H×W;
// the scales are summed, the image's classes kept, and each map divided by (its max + 1e-5).
import Codecs
import Networks
import Tensors

/// The reference's default CAM scales (run_sample.py's cam_scales).
public let defaultCAMScales: [Double] = [1.0, 0.5, 1.5, 2.0]

/// The stride-4 size of an image side: (side − 1) / 4 + 1 (the reference's get_strided_size).
public func stridedLength(_ side: Int, stride: Int = 4) -> Int { (side - 1) / stride + 1 }

/// A side rounded up to a multiple of 16: ((side − 1) / 16 + 1) · 16 (the reference's
/// get_strided_up_size with stride 16, the grid high_res is resized to before the crop).
public func stridedUpLength(_ side: Int, stride: Int = 16) -> Int { stridedLength(side, stride: stride) * stride }

/// The CAM file of `image` for the foreground classes `keys` (0-based, ascending, unique, each
/// below the network's class count), summed over `scales`. `progress` is called after each
/// scale with its index and value.
public func classActivationMaps(of image: Image, network: CAMNetwork, keys: [Int],
                                scales: [Double] = defaultCAMScales,
                                progress: ((_ index: Int, _ scale: Double) -> Void)? = nil) -> CAMFile {
    precondition(!keys.isEmpty, "classActivationMaps: no class given")
    precondition(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 }, "classActivationMaps: keys \(keys) must ascend without repeats")
    precondition(keys.allSatisfy { (0 ..< network.classCount).contains($0) },
                 "classActivationMaps: keys \(keys) outside 0..<\(network.classCount)")
    precondition(!scales.isEmpty && scales.allSatisfy { $0 > 0 && $0.isFinite }, "classActivationMaps: bad scales \(scales)")
    let height = image.height, width = image.width
    let stridedHeight = stridedLength(height), stridedWidth = stridedLength(width)
    var strided = Tensor(shape: [keys.count, stridedHeight, stridedWidth])
    var highRes = Tensor(shape: [keys.count, height, width])
    for (index, scale) in scales.enumerated() {
        let maps = selectChannels(network.classActivationMaps(preprocessForCAM(image, scale: scale)), keys)
        strided += resizeBilinear(maps, height: stridedHeight, width: stridedWidth, alignCorners: false)
        let upsampled = resizeBilinear(maps, height: stridedUpLength(height), width: stridedUpLength(width),
                                       alignCorners: false)
        highRes += crop(upsampled, top: 0, left: 0, height: height, width: width)
        progress?(index, scale)
    }
    return CAMFile(keys: keys, cam: normalizedByMaximum(strided), highRes: normalizedByMaximum(highRes),
                   height: height, width: width)
}

/// Channels `keys` of maps [C, h, w], in that order, as [K, h, w].
func selectChannels(_ maps: Tensor, _ keys: [Int]) -> Tensor {
    let plane = maps.shape[1] * maps.shape[2]
    var scalars: [Float] = []
    scalars.reserveCapacity(keys.count * plane)
    for key in keys { scalars += maps.scalars[key * plane ..< (key + 1) * plane] }
    return Tensor(shape: [keys.count, maps.shape[1], maps.shape[2]], scalars: scalars)
}

/// Each channel of maps [K, h, w] divided by (its maximum + 1e-5), in Float32 as the reference
/// divides by `adaptive_max_pool2d(x, (1, 1)) + 1e-5`.
func normalizedByMaximum(_ maps: Tensor) -> Tensor {
    let plane = maps.shape[1] * maps.shape[2]
    var scalars = maps.scalars
    for channel in 0 ..< maps.shape[0] {
        let range = channel * plane ..< (channel + 1) * plane
        let divisor = (scalars[range].max() ?? 0) + Float(1e-5)
        for i in range { scalars[i] /= divisor }
    }
    return Tensor(shape: maps.shape, scalars: scalars)
}
