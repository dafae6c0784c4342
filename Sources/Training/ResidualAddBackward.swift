// ResidualAddBackward: the gradient of a residual sum y = F(x) + shortcut(x) in a ResNet50
// bottleneck (DESIGN §6). Addition passes dy unchanged to both operands; where one tensor feeds
// two branches (x into F and into the shortcut), its gradient is the sum of what each branch
// sends back, which `accumulateGradient` adds.

import Tensors

/// The gradients of both operands of `a + b`: each is `outputGradient` itself.
public func residualAddBackward(outputGradient dy: Tensor) -> (main: Tensor, shortcut: Tensor) {
    (dy, dy)
}

/// Adds `contribution` to the gradient collected so far for a tensor used more than once
/// (nil: none yet), as autograd sums the gradients of every use.
public func accumulateGradient(_ total: inout Tensor?, _ contribution: Tensor) {
    if total == nil {
        total = contribution
    } else {
        total! += contribution
    }
}
