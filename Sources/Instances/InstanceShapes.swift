// InstanceShapes: the pixel-wise winner among the walked instance maps and a constant
// background (IRNet §5; the reference's ins-seg step pads the normalised maps with a background
// channel of `ins_seg_bg_thres` = 0.25 and takes `torch.argmax` over channels, DESIGN §6
// "Instances"). Ties go to the lower channel, and a NaN wins over numbers, as in torch.argmax.
// Channel 0 is background; channel j + 1 is walked map j (class-major c·M + m).
import Tensors

/// The argmax map [H·W] (row-major) of [background, maps...] for `walked` [C, H, W] or
/// [K, M, H, W]: 0 where the background wins, j + 1 where map j (flattened order) wins.
public func instanceShapes(of walked: Tensor, backgroundScore: Float = 0.25) -> [Int32] {
    precondition(walked.rank >= 3, "instanceShapes: walked maps must be [C, H, W], got \(walked.shape)")
    let height = walked.shape[walked.rank - 2], width = walked.shape[walked.rank - 1]
    let channels = walked.shape.dropLast(2).reduce(1, *)
    precondition(channels < Int(Int32.max), "instanceShapes: too many channels (\(channels))")
    let plane = height * width
    var best = [Float](repeating: backgroundScore, count: plane)
    var shapes = [Int32](repeating: 0, count: plane)
    walked.scalars.withUnsafeBufferPointer { maps in
        best.withUnsafeMutableBufferPointer { best in
            shapes.withUnsafeMutableBufferPointer { shapes in
                for channel in 0 ..< channels {
                    let offset = channel &* plane
                    let label = Int32(channel &+ 1)
                    for p in 0 ..< plane {
                        let value = maps[offset &+ p], current = best[p]
                        if value > current || (value.isNaN && !current.isNaN) {
                            best[p] = value
                            shapes[p] = label
                        }
                    }
                }
            }
        }
    }
    return shapes
}
