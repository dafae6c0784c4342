// ParameterSet: the named tensors a training run changes, their gradients and their learning-rate
// groups, plus the frozen buffers (batch-norm running statistics) that travel with them into a
// checkpoint (DESIGN §6 "Training"; reference misc/torchutils.py PolyOptimizer, step/train_*.py).
// Group 0 is the pretrained backbone (1× learning rate), group 1 the new layers (10×). A step
// hands every parameter that has a gradient to `PolyOptimizer` (SGD.swift: poly decay, the
// reference's momentum = weight decay quirk); parameters without one are skipped, like PyTorch
// parameters whose .grad is None. `stateDict()` / `init(stateDict:…)` speak the reference's names.

import Tensors

/// One trainable tensor: its name in the state dict, value, gradient and learning-rate group.
public struct TrainableParameter: Sendable {
    /// The reference's state-dict name ("resnet50.layer3.0.conv1.weight", "classifier.weight").
    public let name: String
    public var value: Tensor
    /// The gradient collected since the last `zeroGradients()`; nil: none (the step skips it).
    public var gradient: Tensor?
    /// Learning-rate group: 0 backbone (1×), 1 new layers (10×).
    public let group: Int
    /// False for parameters the reference freezes (requires_grad = False): they never get a gradient.
    public var requiresGradient: Bool
}

/// The parameters and buffers of a network being trained.
public struct ParameterSet: Sendable {
    /// Every parameter, in the order they were added (the optimiser's order within each group).
    public private(set) var parameters: [TrainableParameter] = []
    /// Tensors saved with the parameters but never trained (running means and variances).
    public private(set) var buffers: [String: Tensor] = [:]
    private var positions: [String: Int] = [:]
    /// Set by the first `step`: the parameter names of each group, in optimiser order.
    private var stepLayout: [[Int]]?

    public init() {}

    /// Adds a parameter (the name must be new).
    public mutating func append(_ name: String, _ value: Tensor, group: Int, requiresGradient: Bool = true) {
        precondition(positions[name] == nil && buffers[name] == nil, "ParameterSet: \(name) added twice")
        precondition(group >= 0, "ParameterSet: group \(group) of \(name) must not be negative")
        precondition(stepLayout == nil, "ParameterSet: \(name) added after the first optimiser step")
        positions[name] = parameters.count
        parameters.append(TrainableParameter(name: name, value: value, gradient: nil, group: group,
                                             requiresGradient: requiresGradient))
    }

    /// Adds or replaces a buffer: a tensor saved in the state dict that is not trained.
    public mutating func setBuffer(_ name: String, _ value: Tensor) {
        precondition(positions[name] == nil, "ParameterSet: \(name) is a parameter, not a buffer")
        buffers[name] = value
    }

    /// Number of parameters.
    public var count: Int { parameters.count }

    /// Number of learning-rate groups (one more than the largest group index).
    public var groupCount: Int { (parameters.map(\.group).max() ?? -1) + 1 }

    /// Total number of trainable scalars (parameters that require a gradient).
    public var trainableScalarCount: Int {
        parameters.filter(\.requiresGradient).reduce(0) { $0 + $1.value.count }
    }

    /// Whether a parameter called `name` exists.
    public func contains(_ name: String) -> Bool { positions[name] != nil }

    /// The value of parameter or buffer `name` (a programmer error when it does not exist).
    public subscript(name: String) -> Tensor {
        if let position = positions[name] { return parameters[position].value }
        guard let buffer = buffers[name] else { preconditionFailure("ParameterSet: no tensor called \(name)") }
        return buffer
    }

    /// The parameter called `name`.
    public func parameter(_ name: String) -> TrainableParameter {
        guard let position = positions[name] else { preconditionFailure("ParameterSet: no parameter called \(name)") }
        return parameters[position]
    }

    /// The gradient collected for `name` (nil: none since the last `zeroGradients()`).
    public func gradient(_ name: String) -> Tensor? { parameter(name).gradient }

    /// Whether `name` takes gradients (exists and is not frozen).
    public func requiresGradient(_ name: String) -> Bool {
        positions[name].map { parameters[$0].requiresGradient } ?? false
    }

    /// Adds `contribution` to the gradient of `name`, as autograd sums every use of a tensor.
    /// Contributions to frozen parameters are dropped.
    public mutating func accumulateGradient(_ name: String, _ contribution: Tensor) {
        guard let position = positions[name] else { preconditionFailure("ParameterSet: no parameter called \(name)") }
        guard parameters[position].requiresGradient else { return }
        precondition(contribution.shape == parameters[position].value.shape,
                     "ParameterSet: gradient \(contribution.shape) of \(name) does not match \(parameters[position].value.shape)")
        Training.accumulateGradient(&parameters[position].gradient, contribution)
    }

    /// Forgets every gradient (PyTorch's `zero_grad()`, which sets them to None).
    public mutating func zeroGradients() {
        for i in parameters.indices { parameters[i].gradient = nil }
    }

    /// Freezes or unfreezes a parameter (frozen: its gradients are dropped).
    public mutating func setRequiresGradient(_ name: String, _ flag: Bool) {
        guard let position = positions[name] else { preconditionFailure("ParameterSet: no parameter called \(name)") }
        parameters[position].requiresGradient = flag
        if !flag { parameters[position].gradient = nil }
    }

    /// Replaces the value of `name` (same shape).
    public mutating func setValue(_ name: String, _ value: Tensor) {
        guard let position = positions[name] else { preconditionFailure("ParameterSet: no parameter called \(name)") }
        precondition(value.shape == parameters[position].value.shape,
                     "ParameterSet: \(name) is \(parameters[position].value.shape), got \(value.shape)")
        parameters[position].value = value
    }

    /// One optimiser step over every parameter that has a gradient: the poly learning rate of
    /// each group, SGD with the group's weight decay and momentum (`sgdUpdate`). The optimiser
    /// keeps the momentum buffers by position, so the set must not grow after the first step.
    /// Gradients are left in place (call `zeroGradients()` before the next backward pass).
    public mutating func step(_ optimizer: inout PolyOptimizer) {
        let layout = fixedLayout(for: optimizer)
        // Move the values out (no copy), update them, move them back.
        var values = layout.map { $0.map { parameters[$0].value } }
        let gradients = layout.map { $0.map { parameters[$0].gradient } }
        for i in parameters.indices { parameters[i].value = Tensor(shape: [0]) }
        optimizer.step(parameters: &values, gradients: gradients)
        for (g, members) in layout.enumerated() {
            for (k, i) in members.enumerated() { parameters[i].value = values[g][k] }
        }
    }

    /// The parameters' positions in the optimiser's groups, fixed at the first step (or restore).
    private mutating func fixedLayout(for optimizer: PolyOptimizer) -> [[Int]] {
        if let existing = stepLayout { return existing }
        precondition(groupCount <= optimizer.groups.count,
                     "ParameterSet: parameters use \(groupCount) groups, the optimiser has \(optimizer.groups.count)")
        var grouped = [[Int]](repeating: [], count: optimizer.groups.count)
        for (i, p) in parameters.enumerated() { grouped[p.group].append(i) }
        stepLayout = grouped
        return grouped
    }

    /// Every momentum buffer the optimiser holds, by parameter name (a run's state to save).
    public func momentumBuffers(in optimizer: PolyOptimizer) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for p in parameters { if let buffer = momentumBuffer(p.name, in: optimizer) { result[p.name] = buffer } }
        return result
    }

    /// Restores a saved run's optimiser state into `optimizer`: `globalStep` steps taken and the
    /// momentum buffers by parameter name. Every name must be a parameter of this set and every
    /// buffer its shape (checked by the caller, which names the file).
    public mutating func restore(_ optimizer: inout PolyOptimizer, globalStep: Int, momentumBuffers: [String: Tensor]) {
        let layout = fixedLayout(for: optimizer)
        var buffers = layout.map { [Tensor?](repeating: nil, count: $0.count) }
        for (g, members) in layout.enumerated() {
            for (k, i) in members.enumerated() {
                guard let buffer = momentumBuffers[parameters[i].name] else { continue }
                precondition(buffer.shape == parameters[i].value.shape, "ParameterSet: momentum of \(parameters[i].name) has shape \(buffer.shape)")
                buffers[g][k] = buffer
            }
        }
        optimizer.restore(globalStep: globalStep, momentumBuffers: buffers)
    }

    /// The momentum buffer the optimiser holds for `name` (nil before its first update).
    public func momentumBuffer(_ name: String, in optimizer: PolyOptimizer) -> Tensor? {
        guard let position = positions[name], let layout = stepLayout else { return nil }
        let group = parameters[position].group
        guard let k = layout[group].firstIndex(of: position), group < optimizer.momentumBuffers.count else { return nil }
        return optimizer.momentumBuffers[group][k]
    }

    /// Every parameter and buffer under its state-dict name, ready for a checkpoint writer.
    public func stateDict() -> [String: Tensor] {
        var result = buffers
        for p in parameters { result[p.name] = p.value }
        return result
    }

    /// Replaces the values of every parameter and buffer found in `stateDict` (same shapes);
    /// returns the names of this set that the dict did not contain.
    @discardableResult
    public mutating func load(_ stateDict: [String: Tensor]) -> [String] {
        var missing: [String] = []
        for i in parameters.indices {
            guard let value = stateDict[parameters[i].name] else { missing.append(parameters[i].name); continue }
            precondition(value.shape == parameters[i].value.shape,
                         "ParameterSet: \(parameters[i].name) is \(parameters[i].value.shape), state dict has \(value.shape)")
            parameters[i].value = value
        }
        for name in buffers.keys.sorted() {
            guard let value = stateDict[name] else { missing.append(name); continue }
            precondition(value.shape == buffers[name]!.shape,
                         "ParameterSet: buffer \(name) is \(buffers[name]!.shape), state dict has \(value.shape)")
            buffers[name] = value
        }
        return missing
    }
}
