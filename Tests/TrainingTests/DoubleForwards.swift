// Plain-loop Double-precision forwards of the layers whose gradients are checked by finite
// differences: conv2d, frozen batch norm, group norm, max pooling, the multilabel soft-margin
// loss and the IRNet loss. Each follows the PyTorch definition directly, independent of the
// kernels under test; only the pair geometry (AffinityPairs) is shared, and it is checked
// against the reference's own directions separately.
import Foundation
import Tensors
import Training

/// F.conv2d in Double: x [N, C, H, W], w [O, C, kh, kw], b [O] or nil.
func conv2dDouble(_ x: [Double], _ xShape: [Int], _ w: [Double], _ wShape: [Int], _ b: [Double]?,
                  stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) -> [Double] {
    let (n, c, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
    let (o, kh, kw) = (wShape[0], wShape[2], wShape[3])
    let oh = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
    let ow = (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
    var y = [Double](repeating: 0, count: n * o * oh * ow)
    for ni in 0..<n {
        for oi in 0..<o {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum = b?[oi] ?? 0
                    for ci in 0..<c {
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let iy = oy * stride.0 - padding.0 + ky * dilation.0
                                let ix = ox * stride.1 - padding.1 + kx * dilation.1
                                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                                sum += x[((ni * c + ci) * h + iy) * wd + ix] * w[((oi * c + ci) * kh + ky) * kw + kx]
                            }
                        }
                    }
                    y[((ni * o + oi) * oh + oy) * ow + ox] = sum
                }
            }
        }
    }
    return y
}

/// Inference batch norm in Double for x [N, C, spatial...].
func frozenBatchNormDouble(_ x: [Double], channels: Int, spatial: Int, gamma: [Double], beta: [Double],
                           mean: [Double], variance: [Double], epsilon: Double) -> [Double] {
    x.indices.map { i in
        let c = (i / spatial) % channels
        return (x[i] - mean[c]) / (variance[c] + epsilon).squareRoot() * gamma[c] + beta[c]
    }
}

/// F.group_norm in Double for x [N, C, spatial...].
func groupNormDouble(_ x: [Double], batch: Int, channels: Int, spatial: Int, groups: Int,
                     gamma: [Double], beta: [Double], epsilon: Double) -> [Double] {
    var y = x
    let size = channels / groups * spatial
    for item in 0..<(batch * groups) {
        let values = x[(item * size)..<((item + 1) * size)]
        let mean = values.reduce(0, +) / Double(size)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(size)
        for i in (item * size)..<((item + 1) * size) {
            let c = (i / spatial) % channels
            y[i] = (x[i] - mean) / (variance + epsilon).squareRoot() * gamma[c] + beta[c]
        }
    }
    return y
}

/// F.max_pool2d in Double for x [planes, H, W] (padding counts as −∞).
func maxPoolDouble(_ x: [Double], planes: Int, height: Int, width: Int, kernel: Int, stride: Int,
                   padding: Int) -> [Double] {
    let oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1
    var y = [Double]()
    for p in 0..<planes {
        for oy in 0..<oh {
            for ox in 0..<ow {
                var m = -Double.infinity
                for ky in 0..<kernel {
                    for kx in 0..<kernel {
                        let iy = oy * stride - padding + ky, ix = ox * stride - padding + kx
                        guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
                        m = max(m, x[(p * height + iy) * width + ix])
                    }
                }
                y.append(m)
            }
        }
    }
    return y
}

/// σ(x) in Double.
func sigmoidDouble(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

/// F.multilabel_soft_margin_loss in Double for [N, C] logits and targets.
func multilabelLossDouble(_ x: [Double], _ y: [Double], samples: Int, classes: Int) -> Double {
    var total = 0.0
    for n in 0..<samples {
        var sum = 0.0
        for c in 0..<classes {
            let i = n * classes + c
            sum -= y[i] * log(sigmoidDouble(x[i])) + (1 - y[i]) * log(sigmoidDouble(-x[i]))
        }
        total += sum / Double(classes)
    }
    return total / Double(samples)
}

/// The IRNet loss (step/train_irn.py on AffinityDisplacementLoss's outputs) in Double, for
/// edge logits [N, H, W] and displacements [N, 2, H, W], with the pair labels of each image.
func irnLossDouble(edgeLogits: [Double], displacement: [Double], labels: [[AffinityLabel]],
                   pairs: AffinityPairs) -> (positive: Double, negative: Double, foreground: Double,
                                             background: Double, total: Double) {
    let pixels = pairs.height * pairs.width, sources = pairs.sourceCount
    var sums = (bg: 0.0, fg: 0.0, neg: 0.0, dpFg: 0.0, dpBg: 0.0)
    var counts = (bg: 0.0, fg: 0.0, neg: 0.0)
    for n in labels.indices {
        for (d, direction) in pairs.directions.enumerated() {
            for s in 0..<sources {
                let label = labels[n][d * sources + s]
                let source = pairs.sourceIndex(s)
                let destination = source + direction.dy * pairs.width + direction.dx
                var m = -Double.infinity
                for p in pairs.paths[d] {
                    m = max(m, sigmoidDouble(edgeLogits[n * pixels + source + p.dy * pairs.width + p.dx]))
                }
                let affinity = 1 - m
                var dpForeground = 0.0, dpBackground = 0.0
                for k in 0..<2 {
                    let plane = (n * 2 + k) * pixels
                    let delta = displacement[plane + source] - displacement[plane + destination]
                    dpForeground += abs(delta - Double(k == 0 ? direction.dy : direction.dx))
                    dpBackground += abs(delta)
                }
                switch label {
                case .backgroundPositive:
                    sums.bg -= log(affinity + 1e-5); counts.bg += 1; sums.dpBg += dpBackground
                case .foregroundPositive:
                    sums.fg -= log(affinity + 1e-5); counts.fg += 1; sums.dpFg += dpForeground
                case .negative:
                    sums.neg -= log(1 + 1e-5 - affinity); counts.neg += 1
                case .ignored:
                    break
                }
            }
        }
    }
    let positive = sums.bg / (counts.bg + 1e-5) / 2 + sums.fg / (counts.fg + 1e-5) / 2
    let negative = sums.neg / (counts.neg + 1e-5)
    let foreground = sums.dpFg / (2 * counts.fg + 1e-5)
    let background = sums.dpBg / (2 * counts.bg + 1e-5)
    return (positive, negative, foreground, background, (positive + negative) / 2 + (foreground + background) / 2)
}
