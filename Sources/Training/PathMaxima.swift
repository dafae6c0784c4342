// PathMaxima: the largest boundary probability along the path of every IRNet pair, and which
// path pixel holds it (IRNet §4.2: a pair's affinity is 1 − that maximum; reference
// `to_affinity`, a max_pool2d over the path, DESIGN §6). Path points are scanned in path
// order and a value replaces the maximum only when greater (or NaN), so the FIRST maximum
// wins, as in max_pool2d; the winner receives the gradient. The sources of one row of one
// direction read each path point from a contiguous run of the map, so eight sources are
// handled per SIMD step; `pathAffinitiesNaive` scans one pair at a time.

import Tensors

/// The reference's `to_affinity`: for an edge map (boundary probabilities, [N, 1, H, W] or
/// [N, H, W]) the affinity 1 − max over the path of every pair, as [N, directions, sources].
public func pathAffinities(edge: Tensor, pairs: AffinityPairs) -> Tensor {
    let batch = checkMap(edge, pairs, channels: 1, "pathAffinities: edge")
    let pixels = pairs.height * pairs.width, sources = pairs.sourceCount
    let directions = pairs.directions.count, columns = pairs.sourceColumns
    var result = Tensor(shape: [batch, directions, sources])
    let paths = PathOffsets(pairs)
    var winners = [Int32](repeating: 0, count: columns)
    edge.scalars.withUnsafeBufferPointer { edge in
        result.scalars.withUnsafeMutableBufferPointer { result in
            winners.withUnsafeMutableBufferPointer { winners in
                for n in 0..<batch {
                    for d in 0..<directions {
                        let block: Int = (n &* directions &+ d) &* sources
                        for row in 0..<pairs.sourceRows {
                            let maxima = result.baseAddress! + (block &+ row &* columns)
                            let firstSource: Int = row &* pairs.width &+ pairs.radiusFloor
                            paths.rowMaxima(edge.baseAddress! + n &* pixels, direction: d,
                                            firstSource: firstSource, columns: columns,
                                            maxima: maxima, winners: winners.baseAddress!)
                            for c in 0..<columns { maxima[c] = 1 - maxima[c] }
                        }
                    }
                }
            }
        }
    }
    return result
}

/// Naive twin of `pathAffinities`: every pair's path scanned on its own.
public func pathAffinitiesNaive(edge: Tensor, pairs: AffinityPairs) -> Tensor {
    let batch = checkMap(edge, pairs, channels: 1, "pathAffinitiesNaive: edge")
    let pixels = pairs.height * pairs.width, sources = pairs.sourceCount
    var result = Tensor(shape: [batch, pairs.directions.count, sources])
    for n in 0..<batch {
        for (d, path) in pairs.paths.enumerated() {
            for s in 0..<sources {
                let source = n * pixels + pairs.sourceIndex(s)
                var maximum = -Float.infinity
                for (k, p) in path.enumerated() {
                    let value = edge.scalars[source + p.dy * pairs.width + p.dx]
                    if k == 0 || value > maximum || value.isNaN { maximum = value }
                }
                result.scalars[(n * pairs.directions.count + d) * sources + s] = 1 - maximum
            }
        }
    }
    return result
}

/// The paths of every direction as flat map-index offsets (dy·width + dx), for the kernels.
struct PathOffsets {
    /// Offsets of all paths, back to back.
    let offsets: [Int]
    /// Where the path of direction d starts in `offsets`, and its length.
    let starts: [Int], lengths: [Int]

    init(_ pairs: AffinityPairs) {
        var offsets: [Int] = [], starts: [Int] = [], lengths: [Int] = []
        for path in pairs.paths {
            starts.append(offsets.count)
            lengths.append(path.count)
            offsets += path.map { $0.dy * pairs.width + $0.dx }
        }
        self.offsets = offsets
        self.starts = starts
        self.lengths = lengths
    }

    /// Offset of point k of direction d's path.
    @inline(__always)
    func offset(direction d: Int, point k: Int) -> Int { offsets[starts[d] &+ k] }

    /// For the `columns` consecutive sources starting at map index `firstSource` (one source
    /// row), the maximum of `edge` over direction d's path and the winning path position.
    @inline(__always)
    func rowMaxima(_ edge: UnsafePointer<Float>, direction d: Int, firstSource: Int, columns: Int,
                   maxima: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>) {
        offsets.withUnsafeBufferPointer { all in
            let path = all.baseAddress! + starts[d]
            let length = lengths[d]
            let base = edge + firstSource
            var c = 0
            while c &+ 8 <= columns {
                var m = UnsafeRawPointer(base + (path[0] &+ c)).loadUnaligned(as: SIMD8<Float>.self)
                var w = SIMD8<Int32>(repeating: 0)
                var k = 1
                while k < length {
                    let v = UnsafeRawPointer(base + (path[k] &+ c)).loadUnaligned(as: SIMD8<Float>.self)
                    let take = (v .> m) .| (v .!= v)
                    m.replace(with: v, where: take)
                    w.replace(with: SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: k)), where: take)
                    k &+= 1
                }
                UnsafeMutableRawPointer(maxima + c).storeBytes(of: m, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(winners + c).storeBytes(of: w, as: SIMD8<Int32>.self)
                c &+= 8
            }
            while c < columns {
                var m = base[path[0] &+ c]
                var w: Int32 = 0
                var k = 1
                while k < length {
                    let v = base[path[k] &+ c]
                    if v > m || v.isNaN {
                        m = v
                        w = Int32(truncatingIfNeeded: k)
                    }
                    k &+= 1
                }
                maxima[c] = m
                winners[c] = w
                c &+= 1
            }
        }
    }
}
