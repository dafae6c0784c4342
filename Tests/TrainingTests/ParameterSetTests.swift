// ParameterSet: a step over named parameters equals PolyOptimizer over the same tensors grouped
// by hand (itself checked against PyTorch in SGDTests), frozen parameters and parameters without
// a gradient stay unchanged, momentum buffers are kept by name, and the state dict round-trips.
import XCTest
import Tensors
import Training

final class ParameterSetTests: XCTestCase {
    func testStepEqualsPolyOptimizerPerGroup() {
        var random = SeededRandom(seed: 31)
        let shapes: [(String, [Int], Int)] = [("a.weight", [3, 4], 0), ("head.weight", [2, 3, 1, 1], 1),
                                              ("b.bias", [5], 0), ("frozen.weight", [2], 0)]
        var set = ParameterSet()
        for (name, shape, group) in shapes {
            set.append(name, random.tensor(shape: shape, scale: 1), group: group, requiresGradient: name != "frozen.weight")
        }
        set.setBuffer("a.running_mean", random.tensor(shape: [3], scale: 1))
        var manual = [[set["a.weight"], set["b.bias"], set["frozen.weight"]], [set["head.weight"]]]
        var optimizer = PolyOptimizer.reference(learningRate: 0.1, weightDecay: 0.3, maxStep: 3)
        var reference = optimizer
        for step in 0..<4 {
            set.zeroGradients()
            var gradients: [[Tensor?]] = [[nil, nil, nil], [nil]]
            for (name, shape, group) in shapes {
                let g = random.tensor(shape: shape, scale: 1)
                // b.bias gets no gradient at step 1; the frozen parameter never takes one.
                if name == "b.bias" && step == 1 { continue }
                set.accumulateGradient(name, g * 0.5)
                set.accumulateGradient(name, g * 0.5)
                guard name != "frozen.weight" else { continue }
                let index = group == 1 ? 0 : (name == "a.weight" ? 0 : 1)
                gradients[group][index] = g
            }
            XCTAssertNil(set.gradient("frozen.weight"))
            set.step(&optimizer)
            reference.step(parameters: &manual, gradients: gradients)
            XCTAssertEqual(set["a.weight"], manual[0][0])
            XCTAssertEqual(set["b.bias"], manual[0][1])
            XCTAssertEqual(set["frozen.weight"], manual[0][2])
            XCTAssertEqual(set["head.weight"], manual[1][0])
        }
        XCTAssertEqual(set.momentumBuffer("head.weight", in: optimizer), reference.momentumBuffers[1][0])
        XCTAssertNil(set.momentumBuffer("frozen.weight", in: optimizer))
        XCTAssertEqual(optimizer.globalStep, 4)
    }

    func testStateDictRoundTrip() {
        var random = SeededRandom(seed: 4)
        var set = ParameterSet()
        set.append("x.weight", random.tensor(shape: [2, 2], scale: 1), group: 0)
        set.append("y.weight", random.tensor(shape: [3], scale: 1), group: 1)
        set.setBuffer("x.running_var", random.tensor(shape: [2], scale: 1))
        let dict = set.stateDict()
        XCTAssertEqual(Set(dict.keys), ["x.weight", "y.weight", "x.running_var"])
        var other = ParameterSet()
        other.append("x.weight", Tensor(shape: [2, 2]), group: 0)
        other.append("y.weight", Tensor(shape: [3]), group: 1)
        other.append("z.weight", Tensor(shape: [1]), group: 1)
        other.setBuffer("x.running_var", Tensor(shape: [2]))
        XCTAssertEqual(other.load(dict), ["z.weight"])
        XCTAssertEqual(other["x.weight"], set["x.weight"])
        XCTAssertEqual(other["x.running_var"], set["x.running_var"])
        XCTAssertEqual(other.groupCount, 2)
        XCTAssertEqual(other.trainableScalarCount, 8)
    }
}
