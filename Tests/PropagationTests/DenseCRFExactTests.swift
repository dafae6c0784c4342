// The lattice dense CRF against its exact O(N²) twin (explicit Gaussian kernel sums) on tiny
// images: the normalised messages D^-½ K D^-½ Q and the inference result. The permutohedral
// lattice only approximates the Gaussian, so the tolerances are the approximation's, not
// rounding's: messages (values in [0, 1]) within 0.08 per element and 0.015 on average; after
// 10 iterations labels equal on at least 97% of the pixels and probabilities within 0.05 on 95%
// of the entries (0.02 on average) — mean field is sharp, so a pixel on a decision boundary may
// swing far when its messages move a little.
import XCTest
import Tensors
import TestSupport
import Propagation

final class DenseCRFExactTests: XCTestCase {
    /// A 16×12 scene: a reddish disc on a bluish ground with seeded noise, and labels that are
    /// right 80% of the time (random otherwise).
    private func syntheticScene(width: Int, height: Int, seed: UInt64) -> (rgb: [UInt8], labels: [Int]) {
        var random = SeededRandom(seed: seed)
        var rgb = [UInt8](repeating: 0, count: 3 * width * height)
        var labels = [Int](repeating: 0, count: width * height)
        for y in 0 ..< height {
            for x in 0 ..< width {
                let i = y * width + x
                let inside = (x - 6) * (x - 6) + (y - 5) * (y - 5) < 16
                let base: [Float] = inside ? [200, 60, 50] : [40, 90, 160]
                for c in 0 ..< 3 {
                    rgb[3 * i + c] = UInt8(max(0, min(255, base[c] + random.nextSymmetric(scale: 12))))
                }
                labels[i] = random.nextUnit() < 0.8 ? (inside ? 1 : 0) : Int(random.nextUnit() * 3) % 3
            }
        }
        return (rgb, labels)
    }

    /// A 16×12 crop of the chelsea fixture with its colour-cluster labels.
    private func photoCrop() throws -> (rgb: [UInt8], labels: [Int]) {
        let image = try Fixtures.array("densecrf/chelsea_irn_image.npy")
        let labels = try Fixtures.array("densecrf/chelsea_irn_labels.npy")
        let width = image.shape[1]
        var rgb: [UInt8] = [], crop: [Int] = []
        for y in 40 ..< 52 {
            for x in 60 ..< 76 {
                rgb += image.data[3 * (y * width + x) ..< 3 * (y * width + x) + 3]
                crop.append(Int(labels.data[y * width + x]))
            }
        }
        return (rgb, crop)
    }

    /// CRFs on both scenes with IRNet's preset and two other parameter sets.
    private func crfs() throws -> [(String, DenseCRF)] {
        let parameterSets: [(String, DenseCRFParameters)] = [
            ("relation mining", .relationMining),
            ("narrow", DenseCRFParameters(gaussianSXY: 2, gaussianCompat: 3, bilateralSXY: 8, bilateralSRGB: 20,
                                          bilateralCompat: 5, iterations: 10, gtProbability: 0.7, zeroUnsure: false)),
            ("wide colour", DenseCRFParameters(gaussianSXY: 1, gaussianCompat: 3, bilateralSXY: 4, bilateralSRGB: 30,
                                               bilateralCompat: 5, iterations: 10, gtProbability: 0.6, zeroUnsure: false)),
        ]
        let scenes: [(String, [UInt8], [Int])] = [
            ("synthetic", syntheticScene(width: 16, height: 12, seed: 7).rgb, syntheticScene(width: 16, height: 12, seed: 7).labels),
            ("photo", try photoCrop().rgb, try photoCrop().labels),
        ]
        var result: [(String, DenseCRF)] = []
        for (sceneName, rgb, labels) in scenes {
            for (name, parameters) in parameterSets {
                result.append(("\(sceneName), \(name)", DenseCRF(labels: labels, labelCount: 3, rgb: rgb, width: 16,
                                                                  height: 12, parameters: parameters)))
            }
        }
        return result
    }

    func testMessagesApproximateExactGaussianSums() throws {
        for (name, crf) in try crfs() {
            let q0 = crf.infer(iterations: 0)
            let n = crf.pixelCount
            var pixelMajor = [Float](repeating: 0, count: n * 3)
            for l in 0 ..< 3 { for i in 0 ..< n { pixelMajor[i * 3 + l] = q0.scalars[l * n + i] } }
            for kernel in crf.kernels {
                let lattice = kernel.filter(pixelMajor, channels: 3)
                let exact = kernel.exactFilter(pixelMajor, channels: 3)
                let differences = zip(lattice, exact).map { abs($0 - $1) }
                let mean = differences.reduce(0, +) / Float(differences.count)
                print("\(name), d = \(kernel.dimension): message max |Δ| \(differences.max()!), mean \(mean)")
                assertClose(lattice, exact, atol: 0.08, rtol: 0, "\(name), d = \(kernel.dimension)")
                XCTAssertLessThanOrEqual(mean, 0.015, "\(name), d = \(kernel.dimension)")
            }
        }
    }

    func testInferenceMatchesExactTwin() throws {
        for (name, crf) in try crfs() {
            let lattice = crf.infer(iterations: 10)
            let exact = crf.inferExactly(iterations: 10)
            let a = DenseCRF.labels(fromProbabilities: lattice), b = DenseCRF.labels(fromProbabilities: exact)
            let agreeing = zip(a, b).filter { $0 == $1 }.count
            let differences = zip(lattice.scalars, exact.scalars).map { abs($0 - $1) }
            let mean = differences.reduce(0, +) / Float(differences.count)
            let close = Double(differences.filter { $0 <= 0.05 }.count) / Double(differences.count)
            print("\(name): labels agree on \(agreeing)/\(a.count), |ΔQ| max \(differences.max()!), "
                  + "mean \(mean), within 0.05: \(close * 100)%")
            XCTAssertGreaterThanOrEqual(Double(agreeing) / Double(a.count), 0.97, name)
            XCTAssertLessThanOrEqual(mean, 0.02, name)
            XCTAssertGreaterThanOrEqual(close, 0.95, name)
        }
    }

    func testRefineRunsThePresetAndReturnsTheMap() throws {
        let (rgb, labels) = try photoCrop()
        let crf = DenseCRF(labels: labels, labelCount: 3, rgb: rgb, width: 16, height: 12, parameters: .relationMining)
        XCTAssertEqual(crf.kernels.map(\.dimension), [2, 5])
        XCTAssertEqual(crf.kernels.map(\.compatibility), [3, 10])
        XCTAssertEqual(DenseCRF.refine(labels: labels, labelCount: 3, rgb: rgb, width: 16, height: 12),
                       crf.map(iterations: 10))
        // One set of kernels, two label maps (as relation mining refines two per image).
        let shared = DenseCRF(rgb: rgb, width: 16, height: 12, labelCount: 3, parameters: .relationMining)
        let other = labels.map { ($0 + 1) % 3 }
        XCTAssertEqual(shared.refine(labels: labels, parameters: .relationMining), crf.map(iterations: 10))
        XCTAssertEqual(shared.refine(labels: other, parameters: .relationMining),
                       DenseCRF.refine(labels: other, labelCount: 3, rgb: rgb, width: 16, height: 12))
    }

    func testExactFilterOfAConstantIsTheNormalisedRowSum() {
        // With D = diag(K·1), D^-½ K D^-½ 1 at pixel i is Σ_j K_ij / √(D_i D_j): for a grid whose
        // pixels are all alike (one feature vector) it is exactly 1.
        let kernel = DenseCRFKernel(features: [Float](repeating: 0.5, count: 2 * 9), dimension: 2,
                                    compatibility: 1, addingOriginVertices: false)
        let message = kernel.exactFilter([Float](repeating: 1, count: 9), channels: 1)
        assertClose(message, [Float](repeating: 1, count: 9), atol: 1e-6, rtol: 0)
    }
}
