// PAMR's fast kernels (PAMR+Affinities.swift, PAMR+Iterations.swift) against the plain-loop
// twin (PAMR+Naive.swift) on 240 seeded random geometries: odd sizes, single rows and columns,
// images smaller than the largest dilation, widths that are no multiple of the vector width,
// batches of 1-2, 1-4 image channels, 1-5 mask channels (four-channel groups and remainders),
// 0-4 iterations and several dilation sets; plus one image large enough to run on threads.
// Both sides do the same Float32 operations in the same order, so they must agree exactly.
import XCTest
import Tensors
import TestSupport
import Propagation

final class PAMRFastVersusNaiveTests: XCTestCase {
    private let dilationSets: [[Int]] = [
        [1], [1, 2, 4, 8, 12, 24], [2, 1], [1, 3, 5], [3], [1, 1], [4, 8], [1, 2, 4, 8, 12, 24],
    ]

    func testFastEqualsNaiveOnRandomGeometries() {
        var random = SeededRandom(seed: 0x9A3F_0001)
        func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(random.next() % UInt64(range.count))
        }
        var smallerThanDilation = 0, groupsOfFour = 0
        for trial in 0 ..< 240 {
            let dilations = dilationSets[trial % dilationSets.count]
            let batch = int(1 ... 2), imageChannels = int(1 ... 4), maskChannels = int(1 ... 5)
            let height = int(1 ... 29), width = int(1 ... 31)
            let maskHeight = trial % 3 == 0 ? height : int(1 ... 12)
            let maskWidth = trial % 3 == 0 ? width : int(1 ... 12)
            let iterations = int(0 ... 4)
            let image = random.tensor(shape: [batch, imageChannels, height, width], scale: 1)
            let mask = random.tensor(shape: [batch, maskChannels, maskHeight, maskWidth], scale: 1)
            if min(height, width) < dilations.max()! { smallerThanDilation += 1 }
            if maskChannels >= 4 { groupsOfFour += 1 }

            let pamr = PAMR(iterations: iterations, dilations: dilations)
            let label = "trial \(trial): image \(image.shape), mask \(mask.shape), "
                + "iterations \(iterations), dilations \(dilations)"
            assertClose(pamr.refine(image: image, mask: mask), pamr.refineNaive(image: image, mask: mask),
                        atol: 0, rtol: 0, label)
            assertClose(pamr.affinities(image: image), pamr.affinitiesNaive(image: image),
                        atol: 0, rtol: 0, "weights " + label)
        }
        print("PAMR fast vs naive: 240 geometries identical (\(smallerThanDilation) smaller than "
              + "the largest dilation, \(groupsOfFour) with ≥ 4 mask channels)")
        XCTAssertGreaterThan(smallerThanDilation, 50)
        XCTAssertGreaterThan(groupsOfFour, 50)
    }

    /// 67 × 93 with 6 mask channels and 2 iterations is past the threading threshold of both
    /// kernels, so this exercises the row split and the per-thread padding of the mask rows.
    func testLargeImageUsesThreadsCorrectly() {
        var random = SeededRandom(seed: 0x9A3F_0002)
        let image = random.tensor(shape: [1, 3, 67, 93], scale: 1)
        let mask = random.tensor(shape: [1, 6, 17, 24], scale: 1)
        let pamr = PAMR(iterations: 2)
        assertClose(pamr.refine(image: image, mask: mask), pamr.refineNaive(image: image, mask: mask),
                    atol: 0, rtol: 0)
    }

    /// Zero iterations return the resized mask, as the reference's loop does nothing then.
    func testZeroIterationsReturnTheResizedMask() {
        var random = SeededRandom(seed: 0x9A3F_0003)
        let image = random.tensor(shape: [2, 3, 11, 14], scale: 1)
        let mask = random.tensor(shape: [2, 3, 4, 5], scale: 1)
        assertClose(PAMR(iterations: 0).refine(image: image, mask: mask),
                    resizeBilinear(mask, height: 11, width: 14, alignCorners: true), atol: 0, rtol: 0)
    }
}
