// CropBackward: the gradient of `crop` (Tensors/Crop.swift), which trims the upsampled IRNet
// head levels to level 2's size and the outputs to the stride-4 size (DESIGN §6). The window
// gets dy back in place; the cropped-away border gets zero: dy zero-padded to the input size.

import Tensors

/// dL/dx of `crop(x, top:, left:, height:, width:)` for an input whose last two dims are
/// `inputHeight` × `inputWidth`, given the gradient of the window.
public func cropBackward(outputGradient dy: Tensor, inputHeight: Int, inputWidth: Int,
                         top: Int, left: Int) -> Tensor {
    precondition(dy.rank >= 2, "cropBackward: output gradient \(dy.shape) needs [..., H, W]")
    let height = dy.shape[dy.rank - 2], width = dy.shape[dy.rank - 1]
    precondition(top >= 0 && left >= 0 && top + height <= inputHeight && left + width <= inputWidth,
                 "cropBackward: window (top \(top), left \(left), \(height)×\(width)) is outside \(inputHeight)×\(inputWidth)")
    return padConstant(dy, left: left, right: inputWidth - left - width,
                       top: top, bottom: inputHeight - top - height, value: 0)
}
