// SGD: stochastic gradient descent as `torch.optim.SGD` updates a parameter, and the reference's
// poly learning-rate schedule (`misc/torchutils.py` PolyOptimizer; DESIGN §6 "Training").
// Update of a parameter p with gradient g (weight decay λ, momentum μ, dampening τ):
//   g ← g + λ·p;   b ← g on the first step, else b ← μ·b + (1 − τ)·g;   g ← b (or g + μ·b, Nesterov);
//   p ← p − lr·g.
// Schedule: before step t (counted from 0), while t < max_step, lr = lr₀·(1 − t/max_step)^0.9.
// The reference passes its weight decay as SGD's third positional argument, which is momentum:
// in effect momentum = weight decay = 1e-4 (the groups set weight_decay themselves).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif
import Tensors

/// The hyper-parameters of one group of parameters.
public struct SGDParameterGroup: Sendable, Equatable {
    /// The current learning rate (the schedule rewrites it before every step).
    public var learningRate: Double
    public var momentum: Float
    public var dampening: Float
    public var weightDecay: Float
    public var nesterov: Bool

    public init(learningRate: Double, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0,
                nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum and no dampening")
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }
}

/// One `torch.optim.SGD` update of `parameter` with `gradient`; `momentumBuffer` is nil before
/// the parameter's first update and holds b afterwards (unused when momentum is 0).
public func sgdUpdate(parameter: inout Tensor, gradient: Tensor, momentumBuffer: inout Tensor?,
                      group: SGDParameterGroup) {
    precondition(parameter.shape == gradient.shape,
                 "sgdUpdate: parameter \(parameter.shape) and gradient \(gradient.shape) differ")
    var direction = gradient
    if group.weightDecay != 0 {
        let decay = group.weightDecay
        direction.scalars.withUnsafeMutableBufferPointer { g in
            parameter.scalars.withUnsafeBufferPointer { p in
                for i in 0..<g.count { g[i] = g[i] + decay * p[i] }
            }
        }
    }
    if group.momentum != 0 {
        if var buffer = momentumBuffer {
            momentumBuffer = nil  // keep the buffer uniquely referenced while it is updated
            let momentum = group.momentum, keep = 1 - group.dampening
            buffer.scalars.withUnsafeMutableBufferPointer { b in
                direction.scalars.withUnsafeBufferPointer { g in
                    for i in 0..<b.count { b[i] = b[i] * momentum + keep * g[i] }
                }
            }
            momentumBuffer = buffer
        } else {
            momentumBuffer = direction
        }
        if group.nesterov {
            direction += momentumBuffer! * group.momentum
        } else {
            direction = momentumBuffer!
        }
    }
    let step = -Float(group.learningRate)
    parameter.scalars.withUnsafeMutableBufferPointer { p in
        direction.scalars.withUnsafeBufferPointer { g in
            for i in 0..<p.count { p[i] = p[i] + step * g[i] }
        }
    }
}

/// SGD over groups of parameters with the reference's poly learning-rate decay.
public struct PolyOptimizer: Sendable {
    /// The groups, with the learning rate of the latest step.
    public private(set) var groups: [SGDParameterGroup]
    /// Each group's learning rate before any decay.
    public let initialLearningRates: [Double]
    /// Steps after which the learning rate stops changing.
    public let maxStep: Int
    /// Exponent of the decay (the reference's 0.9).
    public let power: Double
    /// Steps taken so far.
    public private(set) var globalStep = 0
    /// Momentum buffer of each parameter, by group and position (nil until its first update).
    public private(set) var momentumBuffers: [[Tensor?]] = []

    public init(groups: [SGDParameterGroup], maxStep: Int, power: Double = 0.9) {
        precondition(maxStep > 0, "PolyOptimizer: maxStep \(maxStep) must be positive")
        self.groups = groups
        self.initialLearningRates = groups.map(\.learningRate)
        self.maxStep = maxStep
        self.power = power
    }

    /// The reference's optimiser for train_cam / train_irn: group 0 (the pretrained or first
    /// branch's parameters) at `learningRate`, group 1 (the new layers) at 10×, both with
    /// weight decay `weightDecay` and, through the reference's positional argument, momentum
    /// `weightDecay` too; no dampening, no Nesterov.
    public static func reference(learningRate: Double, weightDecay: Float, maxStep: Int) -> PolyOptimizer {
        let base = SGDParameterGroup(learningRate: learningRate, momentum: weightDecay, weightDecay: weightDecay)
        var fast = base
        fast.learningRate = 10 * learningRate
        return PolyOptimizer(groups: [base, fast], maxStep: maxStep)
    }

    /// Puts the optimiser where a run stopped: `globalStep` steps taken and these momentum
    /// buffers (by group and position, as `momentumBuffers`; nil where a parameter had no
    /// update). The learning rates follow from the step at the next `step`.
    public mutating func restore(globalStep: Int, momentumBuffers: [[Tensor?]]) {
        precondition(globalStep >= 0 && momentumBuffers.count == groups.count,
                     "PolyOptimizer: restore needs a step >= 0 and one buffer list per group")
        self.globalStep = globalStep
        self.momentumBuffers = momentumBuffers
    }

    /// Learning rate of group `group` for the step taken when `globalStep` is `step`.
    public func learningRate(group: Int, step: Int) -> Double {
        let clamped = min(step, maxStep - 1)
        return initialLearningRates[group] * pow(1 - Double(clamped) / Double(maxStep), power)
    }

    /// One step: sets each group's decayed learning rate (while globalStep < maxStep), updates
    /// every parameter that has a gradient (nil: no gradient, skipped entirely, like a PyTorch
    /// parameter whose .grad is None), then counts the step.
    public mutating func step(parameters: inout [[Tensor]], gradients: [[Tensor?]]) {
        precondition(parameters.count == groups.count && gradients.count == groups.count,
                     "PolyOptimizer: \(groups.count) groups, got \(parameters.count) parameter and \(gradients.count) gradient groups")
        if momentumBuffers.isEmpty {
            momentumBuffers = parameters.map { [Tensor?](repeating: nil, count: $0.count) }
        }
        if globalStep < maxStep {
            for g in groups.indices { groups[g].learningRate = learningRate(group: g, step: globalStep) }
        }
        for g in groups.indices {
            precondition(parameters[g].count == gradients[g].count && parameters[g].count == momentumBuffers[g].count,
                         "PolyOptimizer: group \(g) changed size or lacks gradients")
            for i in parameters[g].indices {
                guard let gradient = gradients[g][i] else { continue }
                sgdUpdate(parameter: &parameters[g][i], gradient: gradient, momentumBuffer: &momentumBuffers[g][i],
                          group: groups[g])
            }
        }
        globalStep += 1
    }
}
