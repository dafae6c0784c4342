// PlanarWalk: the planar stencil on the symmetric operator S (PlanarStencil.swift), driven by
// the Chebyshev expansion and by plain powers, against its twins — the naive sparse power walk
// (plain loops over T, summed in Double) and the interleaved SIMD power walk — on seeded maps of
// odd sizes, 1-5 channels, every channel grouping, radius 3 and 5; and bit-identical results
// for 1 and 2 threads and for every grouping of the channels.
import XCTest
@testable import Propagation
import Tensors
import TestSupport

final class PlanarWalkTests: XCTestCase {
    private func scores(seed: UInt64, channels: Int, height: Int, width: Int) -> Tensor {
        var random = SeededRandom(seed: seed)
        let values = (0..<channels * height * width).map { _ in random.nextUnit() }
        return Tensor(shape: [channels, height, width], scalars: values)
    }

    /// Plain powers on the planar stencil = the naive walk within float rounding
    /// (≤ 2e-6 · max|x| over up to 9 steps), for every grouping of 1-5 channels.
    func testPlanarPowersEqualNaiveWalk() {
        var worst: Float = 0
        var seed: UInt64 = 900
        for (height, width) in [(9, 13), (11, 7), (1, 1), (3, 17), (1, 35), (14, 9)] {
            for radius in [3, 5] {
                seed += 2
                let boundary = AffinityTests.unitMap(seed: seed, height: height, width: width, cubed: true)
                let walk = RandomWalk(boundary: boundary, radius: radius, beta: radius == 5 ? 10 : 2.5)
                for channels in 1...5 {
                    let x = scores(seed: seed + UInt64(channels), channels: channels, height: height, width: width)
                    for steps in [1, 2, 9] {
                        let naive = walk.walkNaive(x, steps: steps)
                        for group in 1...4 {
                            let planar = walk.walkByPowers(x, steps: steps, kernel: .planar(group: group))
                            let error = maxErrorRelativeToPeak(planar.scalars, naive.scalars)
                            worst = max(worst, error)
                            XCTAssertLessThanOrEqual(
                                error, 2e-6, "\(height)×\(width)×\(channels) r\(radius) n\(steps) g\(group)")
                        }
                    }
                }
            }
        }
        print("planar powers vs naive: max |diff| / max|naive| = \(worst)")
    }

    /// The Chebyshev walk on the planar stencil = the naive and the interleaved power walks
    /// (≤ 2e-5 · max, the bound of the interleaved Chebyshev walk) over 37 and 256 steps.
    func testPlanarChebyshevEqualsPowerWalks() {
        var worstNaive: Float = 0, worstPowers: Float = 0
        var seed: UInt64 = 1300
        for (height, width, channels) in [(9, 13, 1), (11, 7, 2), (7, 19, 3), (13, 5, 4), (5, 11, 5), (15, 9, 3)] {
            for (radius, beta): (Int, Float) in [(3, 2.5), (5, 10)] {
                for steps in [37, 256] {
                    seed += 2
                    let boundary = AffinityTests.unitMap(seed: seed, height: height, width: width, cubed: true)
                    let x = scores(seed: seed + 1, channels: channels, height: height, width: width)
                    let walk = RandomWalk(boundary: boundary, radius: radius, beta: beta)
                    XCTAssertNotNil(walk.chebyshevDegree(steps: steps))
                    let naive = walk.walkNaive(x, steps: steps)
                    let powers = walk.walkByPowers(x, steps: steps, kernel: .interleaved)
                    for group in 1...4 {
                        let planar = walk.walk(x, steps: steps, kernel: .planar(group: group))
                        let name = "\(height)×\(width)×\(channels) r\(radius) β\(beta) n\(steps) g\(group)"
                        let errorNaive = maxErrorRelativeToPeak(planar.scalars, naive.scalars)
                        let errorPowers = maxErrorRelativeToPeak(planar.scalars, powers.scalars)
                        worstNaive = max(worstNaive, errorNaive)
                        worstPowers = max(worstPowers, errorPowers)
                        XCTAssertLessThanOrEqual(errorNaive, 2e-5, name)
                        XCTAssertLessThanOrEqual(errorPowers, 2e-5, name)
                    }
                }
            }
        }
        print("planar Chebyshev vs naive powers: \(worstNaive), vs interleaved powers: \(worstPowers)")
    }

    /// The vectorised a^β of whole arrays gives the bits of the scalar one (whole β by
    /// squaring in Double, other β by powf), including the tail of a length no multiple of 8.
    func testVectorPowersEqualScalarPower() {
        var random = SeededRandom(seed: 91)
        let values = (0..<1003).map { _ in random.nextUnit() } + [0, 1]
        for beta: Float in [1, 3, 10, 2.5, 64] {
            XCTAssertEqual(RandomWalk.powers(values, beta), values.map { RandomWalk.power($0, beta) }, "β \(beta)")
        }
    }

    /// Every output is summed in the same order whatever the thread count or the grouping of
    /// the channels: the planar walk gives the same bits for 1 and 2 threads and groups 1...4.
    func testPlanarWalkIsBitIdenticalAcrossThreadsAndGroups() {
        let saved = Parallelism.threadCount
        defer { Parallelism.threadCount = saved }
        for (height, width, channels, radius) in [(41, 53, 5, 5), (37, 61, 3, 3), (45, 29, 1, 5)] {
            let boundary = AffinityTests.unitMap(seed: UInt64(height), height: height, width: width, cubed: true)
            let walk = RandomWalk(boundary: boundary, radius: radius, beta: 10)
            let x = scores(seed: UInt64(width), channels: channels, height: height, width: width)
            Parallelism.threadCount = 1
            let reference = walk.walk(x, steps: 64, kernel: .planar(group: 1))
            for threads in [1, 2] {
                Parallelism.threadCount = threads
                for group in 1...4 {
                    let actual = walk.walk(x, steps: 64, kernel: .planar(group: group))
                    XCTAssertEqual(actual.scalars, reference.scalars, "\(height)×\(width)×\(channels) t\(threads) g\(group)")
                }
            }
            // Both halves of the map were walked: the result is not the input.
            XCTAssertGreaterThan(maxErrorRelativeToPeak(reference.scalars, x.scalars), 1e-3)
        }
    }
}
