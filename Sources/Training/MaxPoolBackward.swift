// MaxPoolBackward: the gradient of 2-D max pooling (Tensors/MaxPool.swift; ResNet50's stem
// pool, kernel 3, stride 2, padding 1, DESIGN §6). Each output passes dy to the one input
// element that won its window, and windows that overlap add up. The winner is PyTorch's: the
// window is scanned row by row from its first in-image cell, and a cell replaces the current
// maximum only when it is greater (or NaN), so among equal maxima the FIRST in scan order wins.

import Tensors

/// dL/dx of `maxPool2d(input, kernel:, stride:, padding:)` given the gradient of its output.
public func maxPool2dBackward(outputGradient dy: Tensor, input x: Tensor, kernel: Int,
                              stride: Int? = nil, padding: Int = 0) -> Tensor {
    let stride = stride ?? kernel
    precondition(x.rank >= 2, "maxPool2dBackward: input \(x.shape) needs [..., H, W]")
    precondition(kernel > 0 && stride > 0 && padding >= 0 && padding <= kernel / 2,
                 "maxPool2dBackward: kernel \(kernel), stride \(stride), padding \(padding) are not a valid pooling")
    let height = x.shape[x.rank - 2], width = x.shape[x.rank - 1]
    precondition(height > 0 && width > 0 && height + 2 * padding >= kernel && width + 2 * padding >= kernel,
                 "maxPool2dBackward: kernel \(kernel) does not fit input \(x.shape) with padding \(padding)")
    let outHeight = (height + 2 * padding - kernel) / stride + 1
    let outWidth = (width + 2 * padding - kernel) / stride + 1
    let planes = x.shape.dropLast(2).reduce(1, *)
    precondition(dy.shape == Array(x.shape.dropLast(2)) + [outHeight, outWidth],
                 "maxPool2dBackward: output gradient \(dy.shape) does not fit input \(x.shape)")
    var dx = Tensor(shape: x.shape)
    x.scalars.withUnsafeBufferPointer { x in
        dy.scalars.withUnsafeBufferPointer { dy in
            dx.scalars.withUnsafeMutableBufferPointer { dx in
                for plane in 0..<planes {
                    let input = x.baseAddress! + plane &* height &* width
                    let target = dx.baseAddress! + plane &* height &* width
                    let upstream = dy.baseAddress! + plane &* outHeight &* outWidth
                    for oy in 0..<outHeight {
                        let y0 = max(oy &* stride &- padding, 0)
                        let y1 = min(oy &* stride &- padding &+ kernel, height)
                        for ox in 0..<outWidth {
                            let x0 = max(ox &* stride &- padding, 0)
                            let x1 = min(ox &* stride &- padding &+ kernel, width)
                            var best = y0 &* width &+ x0
                            var maximum = -Float.infinity
                            for iy in y0..<y1 {
                                for ix in x0..<x1 {
                                    let value = input[iy &* width &+ ix]
                                    if value > maximum || value.isNaN {
                                        maximum = value
                                        best = iy &* width &+ ix
                                    }
                                }
                            }
                            target[best] += upstream[oy &* outWidth &+ ox]
                        }
                    }
                }
            }
        }
    }
    return dx
}
