// The folded, fused bottleneck (batch norm folded into the convs, residual sum and ReLU in the
// last GEMM's epilogue) against its naive twin: the reference's order of operations written
// out with conv2dNaive, batch norm in Double, a separate residual add and ReLU, on sizes that
// are no multiple of any GEMM tile.
import XCTest
@testable import Networks
import Tensors
import TestSupport

final class BottleneckTests: XCTestCase {
    func batchNorm(_ x: Tensor, _ p: [String: Tensor], _ prefix: String) -> Tensor {
        let (channels, plane) = (x.shape[1], x.shape[2] * x.shape[3])
        var y = x
        for i in 0 ..< x.count {
            let c = (i / plane) % channels
            let scale = Double(p[prefix + ".weight"]!.scalars[c])
                / (Double(p[prefix + ".running_var"]!.scalars[c]) + 1e-5).squareRoot()
            y.scalars[i] = Float((Double(x.scalars[i]) - Double(p[prefix + ".running_mean"]!.scalars[c])) * scale
                                 + Double(p[prefix + ".bias"]!.scalars[c]))
        }
        return y
    }

    func naiveBlock(_ x: Tensor, _ p: [String: Tensor], stride: Int, projects: Bool) -> Tensor {
        func convBN(_ input: Tensor, _ conv: String, _ norm: String, stride: Int, padding: Int) -> Tensor {
            batchNorm(conv2dNaive(input, weight: p[conv + ".weight"]!, stride: (stride, stride),
                                  padding: (padding, padding)), p, norm)
        }
        let h1 = relu(convBN(x, "b.conv1", "b.bn1", stride: 1, padding: 0))
        let h2 = relu(convBN(h1, "b.conv2", "b.bn2", stride: stride, padding: 1))
        let h3 = convBN(h2, "b.conv3", "b.bn3", stride: 1, padding: 0)
        let shortcut = projects ? convBN(x, "b.downsample.0", "b.downsample.1", stride: stride, padding: 0) : x
        return relu(h3 + shortcut)
    }

    func testFusedBlockMatchesNaiveTwin() {
        let cases: [(inChannels: Int, planes: Int, stride: Int, projects: Bool, height: Int, width: Int)] = [
            (7, 5, 2, true, 13, 11), (20, 5, 1, false, 9, 17), (12, 9, 1, true, 6, 25), (36, 9, 1, false, 7, 7),
        ]
        for (index, c) in cases.enumerated() {
            let layout = Bottleneck.layout(prefix: "b", inChannels: c.inChannels, planes: c.planes, projects: c.projects)
            let parameters = SeededWeights.parameters(for: layout, seed: UInt64(index))
            var random = SeededRandom(seed: 100 + UInt64(index))
            let input = random.tensor(shape: [2, c.inChannels, c.height, c.width], scale: 1)
            let block = Bottleneck(try! layout.bind(parameters), prefix: "b", stride: c.stride, projects: c.projects)
            var fast = input
            block.apply(to: &fast, workspace: GEMMWorkspace())
            let naive = naiveBlock(input, parameters, stride: c.stride, projects: c.projects)
            let peak = naive.scalars.map(abs).max()!
            assertClose(fast, naive, atol: 1e-5 * peak, rtol: 1e-5, "case \(index)")
        }
    }

    func testResidualEpilogueKeepsCallerCopy() {
        let layout = Bottleneck.layout(prefix: "b", inChannels: 8, planes: 2, projects: false)
        let block = Bottleneck(SeededWeights.parameters(for: layout, seed: 4), prefix: "b", stride: 1, projects: false)
        var random = SeededRandom(seed: 8)
        let input = random.tensor(shape: [1, 8, 5, 6], scale: 1)
        var output = input
        block.apply(to: &output, workspace: GEMMWorkspace())
        XCTAssertNotEqual(output, input)
        XCTAssertEqual(input, { var r = SeededRandom(seed: 8); return r.tensor(shape: [1, 8, 5, 6], scale: 1) }())
    }
}
