// SGD against PyTorch: the reference's PolyOptimizer as train_cam / train_irn build it (poly decay,
// 10× group, weight decay landing in the momentum slot, steps past max_step), the same with a
// large weight decay so its use as momentum shows, and torch.optim.SGD with dampening and with
// Nesterov momentum. Parameters after every step are compared whole.
import XCTest
import Tensors
import Training
import TestSupport

final class SGDTests: XCTestCase {
    /// training_backward.py sgd_parameters / run_steps: p0 (3, 4), p1 (5,) in group 0, p2 (2, 3, 1, 1)
    /// in group 1, scale 1; then per step each gradient (scale 1), none for p1 at step 1.
    private func run(seed: UInt64, steps: Int, _ update: (inout [[Tensor]], [[Tensor?]]) -> Void) -> [[Float]] {
        var random = SeededRandom(seed: seed)
        let p = [[3, 4], [5], [2, 3, 1, 1]].map { random.tensor(shape: $0, scale: 1) }
        var parameters = [[p[0], p[1]], [p[2]]]
        var history: [[Float]] = []
        for step in 0..<steps {
            var gradients: [[Tensor?]] = [[], []]
            for (i, shape) in [[3, 4], [5], [2, 3, 1, 1]].enumerated() {
                let g: Tensor? = (i == 1 && step == 1) ? nil : random.tensor(shape: shape, scale: 1)
                gradients[i < 2 ? 0 : 1].append(g)
            }
            update(&parameters, gradients)
            history.append(parameters.flatMap { $0.flatMap(\.scalars) })
        }
        return history
    }

    private func compare(_ history: [[Float]], _ fixture: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try Fixtures.tensor("training_backward/sgd/\(fixture).npy")
        XCTAssertEqual(expected.shape, [history.count, 23], file: file, line: line)
        // A few Float operations per element and step (PyTorch may fuse a multiply-add): 1e-6.
        assertClose(history.flatMap { $0 }, expected.scalars, atol: 1e-6, rtol: 1e-6, shape: expected.shape,
                    fixture, file: file, line: line)
    }

    func testReferencePolyOptimizer() throws {
        // lr 0.1 (group 1: 1.0), weight decay 1e-4, max_step 4, five steps.
        var optimizer = PolyOptimizer.reference(learningRate: 0.1, weightDecay: 1e-4, maxStep: 4)
        XCTAssertEqual(optimizer.groups.map(\.momentum), [1e-4, 1e-4])
        XCTAssertEqual(optimizer.groups.map(\.weightDecay), [1e-4, 1e-4])
        XCTAssertEqual(optimizer.initialLearningRates, [0.1, 1.0])
        var rates: [[Double]] = []
        let history = run(seed: 91, steps: 5) { parameters, gradients in
            optimizer.step(parameters: &parameters, gradients: gradients)
            rates.append(optimizer.groups.map(\.learningRate))
        }
        try compare(history, "poly_reference")
        XCTAssertEqual(optimizer.globalStep, 5)
        // The rate of the step past max_step stays that of the last scheduled step.
        XCTAssertEqual(rates[4], rates[3])
        XCTAssertEqual(optimizer.learningRate(group: 1, step: 0), 1.0)
    }

    func testPolyOptimizerWithLargeDecay() throws {
        // lr 0.05 (group 1: 0.5), weight decay 0.3, which also becomes the momentum; max_step 3.
        var optimizer = PolyOptimizer.reference(learningRate: 0.05, weightDecay: 0.3, maxStep: 3)
        let history = run(seed: 92, steps: 4) { optimizer.step(parameters: &$0, gradients: $1) }
        try compare(history, "poly_large_decay")
        // Without momentum the numbers differ: the fixture does see the momentum slot.
        var plain = PolyOptimizer(groups: [SGDParameterGroup(learningRate: 0.05, weightDecay: 0.3),
                                           SGDParameterGroup(learningRate: 0.5, weightDecay: 0.3)], maxStep: 3)
        let without = run(seed: 92, steps: 4) { plain.step(parameters: &$0, gradients: $1) }
        XCTAssertGreaterThan(zip(without.last!, history.last!).map { abs($0 - $1) }.max()!, 1e-3)
    }

    func testTorchSGDWithDampeningAndNesterov() throws {
        let dampened = SGDParameterGroup(learningRate: 0.2, momentum: 0.5, dampening: 0.25, weightDecay: 0.05)
        var buffers = [Tensor?](repeating: nil, count: 3)
        let first = run(seed: 93, steps: 3) { parameters, gradients in
            for (i, (g, k)) in [(0, 0), (0, 1), (1, 0)].enumerated() {
                guard let gradient = gradients[g][k] else { continue }
                sgdUpdate(parameter: &parameters[g][k], gradient: gradient, momentumBuffer: &buffers[i], group: dampened)
            }
        }
        try compare(first, "momentum_dampening")

        let nesterov = SGDParameterGroup(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true)
        buffers = [Tensor?](repeating: nil, count: 3)
        let second = run(seed: 94, steps: 3) { parameters, gradients in
            for (i, (g, k)) in [(0, 0), (0, 1), (1, 0)].enumerated() {
                guard let gradient = gradients[g][k] else { continue }
                sgdUpdate(parameter: &parameters[g][k], gradient: gradient, momentumBuffer: &buffers[i], group: nesterov)
            }
        }
        try compare(second, "nesterov")
    }
}
