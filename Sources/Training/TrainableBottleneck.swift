// TrainableBottleneck: ResNet50's residual block for training (reference net/resnet50.py
// Bottleneck; He et al. 2016): three ConvNormUnits (1×1 → 3×3 with the block's stride → 1×1 ×4,
// the last without ReLU), the shortcut (identity, or a strided 1×1 ConvNormUnit), their sum and a
// ReLU. Backward: ReLU, then the gradient goes to both branches (ResidualAddBackward) and the
// input's gradient is the sum of what the main path and the shortcut send back.

import Tensors

struct TrainableBottleneck: Sendable {
    let reduce: ConvNormUnit
    let spatial: ConvNormUnit
    let expand: ConvNormUnit
    let shortcut: ConvNormUnit?

    struct Cache: Sendable {
        var reduce: ConvNormUnit.Cache
        var spatial: ConvNormUnit.Cache
        var expand: ConvNormUnit.Cache
        var shortcut: ConvNormUnit.Cache?
        /// The block's output (after the final ReLU).
        var output: Tensor
    }

    /// The block at `prefix` ("resnet50.layer3.0").
    init(prefix: String, stride: Int, projects: Bool) {
        reduce = ConvNormUnit(conv: prefix + ".conv1", norm: prefix + ".bn1", stride: 1, padding: 0, relu: true)
        spatial = ConvNormUnit(conv: prefix + ".conv2", norm: prefix + ".bn2", stride: stride, padding: 1, relu: true)
        expand = ConvNormUnit(conv: prefix + ".conv3", norm: prefix + ".bn3", stride: 1, padding: 0, relu: false)
        shortcut = projects
            ? ConvNormUnit(conv: prefix + ".downsample.0", norm: prefix + ".downsample.1", stride: stride,
                           padding: 0, relu: false)
            : nil
    }

    /// Every unit of the block.
    var units: [ConvNormUnit] { [reduce, spatial, expand] + (shortcut.map { [$0] } ?? []) }

    func forward(_ x: Tensor, _ parameters: ParameterSet, keep: Bool) -> (output: Tensor, cache: Cache?) {
        let a = reduce.forward(x, parameters, keep: keep)
        let b = spatial.forward(a.output, parameters, keep: keep)
        let c = expand.forward(b.output, parameters, keep: keep)
        let s = shortcut?.forward(x, parameters, keep: keep)
        var y = c.output
        y += s?.output ?? x
        y.applyReLU()
        guard keep else { return (y, nil) }
        return (y, Cache(reduce: a.cache!, spatial: b.cache!, expand: c.cache!, shortcut: s?.cache, output: y))
    }

    func backward(_ dy: Tensor, cache: Cache, parameters: inout ParameterSet, inputGradient: Bool) -> Tensor? {
        let (main, side) = residualAddBackward(outputGradient: reluBackward(outputGradient: dy, output: cache.output))
        let dc = expand.backward(main, cache: cache.expand, parameters: &parameters, inputGradient: true)!
        let db = spatial.backward(dc, cache: cache.spatial, parameters: &parameters, inputGradient: true)!
        var dx = reduce.backward(db, cache: cache.reduce, parameters: &parameters, inputGradient: inputGradient)
        let dShortcut: Tensor?
        if let shortcut, let shortcutCache = cache.shortcut {
            dShortcut = shortcut.backward(side, cache: shortcutCache, parameters: &parameters, inputGradient: inputGradient)
        } else {
            dShortcut = side
        }
        guard inputGradient, let shortcutGradient = dShortcut else { return nil }
        accumulateGradient(&dx, shortcutGradient)
        return dx
    }
}
