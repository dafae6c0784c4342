// IRNet's training loss against the reference (net/resnet50_irn.py AffinityDisplacementLoss and
// the weighting of step/train_irn.py, run by training_backward.py): pair directions, pair labels
// (GetAffinityLabelFromIndices), affinities (to_affinity), the four terms and the gradients
// w.r.t. edge logits and displacement, on a 16×16 map (radius 5, batch 2) and a 24×24 map
// (radius 10, the training radius; a 16-wide map leaves no source for it), and a 16×21 map whose
// floored logits tie along paths (the first maximum in path order gets the gradient, as in
// max_pool2d). Also finite differences of a Double forward, and the row-SIMD path maxima
// against their one-pair-at-a-time twin.
import XCTest
import Codecs
import Tensors
import Training
import TestSupport

final class IRNLossTests: XCTestCase {
    /// training_backward.py IRN_LOSS: (case, seed, radius, batch, height, width, ties).
    private let cases: [(String, UInt64, Int, Int, Int, Int, Bool)] = [
        ("r5_16x16", 81, 5, 2, 16, 16, false), ("r10_24x24", 82, 10, 1, 24, 24, false),
        ("r5_16x21_ties", 85, 5, 2, 16, 21, true),
    ]

    private struct Case {
        let name: String
        let pairs: AffinityPairs
        let labelMaps: [[UInt8]]
        let edgeLogits: Tensor
        let displacement: Tensor
    }

    /// Rebuilds a case: label maps from the fixture, then the generator's draws (per image 3·5
    /// units for rectangles and one per pixel, stepped over), edge logits (scale 4) and
    /// displacement (scale 3). With ties the logits are floored (many equal path maxima).
    private func load(_ c: (String, UInt64, Int, Int, Int, Int, Bool)) throws -> Case {
        let (name, seed, radius, batch, height, width, ties) = c
        let maps = try Fixtures.array("training_backward/irn_loss/\(name)_labelmaps.npy")
        XCTAssertEqual(maps.shape, [batch, height, width])
        let values = maps.uint8s()
        let labelMaps = (0..<batch).map { Array(values[($0 * height * width)..<(($0 + 1) * height * width)]) }
        var random = SeededRandom(seed: seed)
        random.skip(batch * (15 + height * width))
        var edge = random.tensor(shape: [batch, 1, height, width], scale: 4)
        if ties { edge.scalars = edge.scalars.map { $0.rounded(.down) } }
        let displacement = random.tensor(shape: [batch, 2, height, width], scale: 3)
        return Case(name: name, pairs: AffinityPairs(radius: radius, height: height, width: width),
                    labelMaps: labelMaps, edgeLogits: edge, displacement: displacement)
    }

    func testDirectionsAndPairLabelsMatchReference() throws {
        for c in cases {
            let data = try load(c)
            let directions = try Fixtures.array("training_backward/irn_loss/\(data.name)_directions.npy")
            let expected = directions.int64s().map(Int.init)
            XCTAssertEqual(directions.shape, [data.pairs.directions.count, 2], data.name)
            XCTAssertEqual(data.pairs.directions.flatMap { [$0.dy, $0.dx] }, expected, data.name)
            // Every path starts at its destination and holds the source.
            for (d, path) in data.pairs.paths.enumerated() {
                XCTAssertEqual(path.first, data.pairs.directions[d])
                XCTAssertTrue(path.contains(PairOffset(dy: 0, dx: 0)))
            }
            let labels = try Fixtures.array("training_backward/irn_loss/\(data.name)_pairlabels.npy").uint8s()
            let ours = data.labelMaps.flatMap { AffinityLabels(labelMap: $0, pairs: data.pairs).labels.map(\.rawValue) }
            XCTAssertEqual(ours, labels, data.name)
            print("\(data.name): \(data.pairs.directions.count) directions × \(data.pairs.sourceCount) sources; label counts \((0..<4).map { k in ours.filter { $0 == k }.count })")
        }
    }

    func testAffinitiesMatchReference() throws {
        for c in cases {
            let data = try load(c)
            let expected = try Fixtures.tensor("training_backward/irn_loss/\(data.name)_affinity.npy")
            let affinities = pathAffinities(edge: sigmoid(data.edgeLogits), pairs: data.pairs)
            // 1 − (a sigmoid within an ulp of PyTorch's): values in [0, 1], 1e-6 absolute.
            assertClose(affinities, expected, atol: 1e-6, rtol: 0, data.name)
        }
    }

    func testLossAndGradientsMatchReference() throws {
        for c in cases {
            let data = try load(c)
            let labels = data.labelMaps.map { AffinityLabels(labelMap: $0, pairs: data.pairs) }
            let result = irnLoss(edgeLogits: data.edgeLogits, displacement: data.displacement, labels: labels,
                                 pairs: data.pairs)
            let terms = try Fixtures.tensor("training_backward/irn_loss/\(data.name)_terms.npy").scalars
            let ours = [result.terms.positiveAffinity, result.terms.negativeAffinity,
                        result.terms.foregroundDisplacement, result.terms.backgroundDisplacement, result.terms.total]
            // Means over thousands of pairs (PyTorch sums in Float, we in Double): 1e-5 relative.
            assertClose(ours, terms, atol: 0, rtol: 1e-5, "terms \(data.name)")
            let dEdge = try Fixtures.tensor("training_backward/irn_loss/\(data.name)_dedge.npy")
            let dDisplacement = try Fixtures.tensor("training_backward/irn_loss/\(data.name)_ddisplacement.npy")
            // A pixel sums the terms of every pair whose path maximum it is (up to a few hundred
            // at radius 10) or that it starts or ends: 1e-5 relative to the largest entry.
            let edgePeak = dEdge.scalars.map(abs).max()!, displacementPeak = dDisplacement.scalars.map(abs).max()!
            assertClose(result.edgeGradient, dEdge, atol: 1e-5 * edgePeak, rtol: 1e-5, "d edge \(data.name)")
            assertClose(result.displacementGradient, dDisplacement, atol: 1e-5 * displacementPeak, rtol: 1e-5,
                        "d displacement \(data.name)")
            print("IRN loss \(data.name): terms \(ours) vs \(terms); gradient errors relative to peak: edge \(relativeToPeak(result.edgeGradient, dEdge)), displacement \(relativeToPeak(result.displacementGradient, dDisplacement))")
        }
    }

    func testFiniteDifferences() {
        // Radius 3 on a 5×14 map (10 source columns: one SIMD step and a tail), batch 2, labels
        // 0 / 1 / 2 / 255 at random.
        var random = SeededRandom(seed: 83)
        let pairs = AffinityPairs(radius: 3, height: 5, width: 14)
        let maps: [[UInt8]] = (0..<2).map { _ in (0..<70).map { _ in [0, 0, 1, 1, 2, 255][Int(random.next() % 6)] } }
        let labels = maps.map { AffinityLabels(labelMap: $0, pairs: pairs) }
        let logits = random.tensor(shape: [2, 1, 5, 14], scale: 3)
        let displacement = random.tensor(shape: [2, 2, 5, 14], scale: 2)
        let result = irnLoss(edgeLogits: logits, displacement: displacement, labels: labels, pairs: pairs)
        let exact = irnLossDouble(edgeLogits: logits.doubles, displacement: displacement.doubles,
                                  labels: labels.map(\.labels), pairs: pairs)
        let ours = [result.terms.positiveAffinity, result.terms.negativeAffinity, result.terms.foregroundDisplacement,
                    result.terms.backgroundDisplacement, result.terms.total]
        assertClose(ours, [exact.positive, exact.negative, exact.foreground, exact.background, exact.total].map { Float($0) },
                    atol: 0, rtol: 1e-5, "terms")
        let dEdge = numericalGradient(at: logits.doubles, step: 1e-6) {
            irnLossDouble(edgeLogits: $0, displacement: displacement.doubles, labels: labels.map(\.labels), pairs: pairs).total
        }
        let dDisplacement = numericalGradient(at: displacement.doubles, step: 1e-6) {
            irnLossDouble(edgeLogits: logits.doubles, displacement: $0, labels: labels.map(\.labels), pairs: pairs).total
        }
        let e1 = assertGradient(result.edgeGradient, dEdge, tolerance: 1e-5, "d edge")
        let e2 = assertGradient(result.displacementGradient, dDisplacement, tolerance: 1e-5, "d displacement")
        print("IRN loss vs finite differences: errors relative to peak \(e1), \(e2)")
    }

    func testPathMaximaMatchNaive() {
        var random = SeededRandom(seed: 85)
        for trial in 0..<12 {
            let radius = 2 + trial % 5
            let height = radius + Int(random.next() % 6), width = 2 * radius - 1 + Int(random.next() % 20)
            let pairs = AffinityPairs(radius: radius, height: height, width: width)
            var edge = random.tensor(shape: [2, 1, height, width], scale: 3)
            if trial % 2 == 0 { edge.scalars = edge.scalars.map { $0.rounded(.down) } }  // ties
            if trial % 3 == 0 { edge.scalars[Int(random.next() % UInt64(edge.count))] = .nan }
            let fast = pathAffinities(edge: edge, pairs: pairs), naive = pathAffinitiesNaive(edge: edge, pairs: pairs)
            XCTAssertEqual(fast.shape, naive.shape)
            XCTAssertTrue(zip(fast.scalars, naive.scalars).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                          "radius \(radius) map \(height)×\(width)")
        }
    }

    func testPairDisplacementsFollowTheSourceRegion() {
        var random = SeededRandom(seed: 84)
        let pairs = AffinityPairs(radius: 4, height: 7, width: 9)
        let field = random.tensor(shape: [2, 2, 7, 9], scale: 1)
        let pairValues = pairDisplacements(displacement: field, pairs: pairs)
        XCTAssertEqual(pairValues.shape, [2, 2, pairs.directions.count, 4 * 3])
        // Sources: rows 0..<h−(r−1), columns r−1..<w−(r−1), raster order.
        for n in 0..<2 {
            for k in 0..<2 {
                for (d, o) in pairs.directions.enumerated() {
                    var s = 0
                    for y in 0..<4 {
                        for x in 3..<6 {
                            XCTAssertEqual(pairValues[n, k, d, s], field[n, k, y, x] - field[n, k, y + o.dy, x + o.dx])
                            s += 1
                        }
                    }
                }
            }
        }
    }
}
