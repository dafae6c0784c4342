// ConnectedComponents: labelling of connected regions in a 2-D map, numbered as scikit-image's
// `measure.label(image, connectivity=1 or 2, background=0)` numbers them: background 0, then
// 1, 2, ... in the raster order of each region's first pixel. Instance extraction (IRNet §5,
// DESIGN §6 "Instances") uses it twice: on the weak-displacement mask to find centroid
// clusters, and on each instance mask to split it into fragments. Fast path: two raster passes
// with union-find over provisional labels; naive twin: breadth-first flood fill.

/// Which neighbours join two pixels into one region.
public enum Connectivity: Int, Sendable, CaseIterable {
    /// Edge neighbours only (scikit-image `connectivity=1`).
    case four = 1
    /// Edge and corner neighbours (scikit-image `connectivity=2`).
    case eight = 2
}

/// A labelled map: each pixel's region label and the size of each region.
public struct ComponentLabels: Equatable, Sendable {
    public let height: Int
    public let width: Int
    /// Row-major label of each pixel: 0 for background, 1 ... `count` for the regions in the
    /// raster order of their first pixel.
    public var labels: [Int32]
    /// Pixel count of each region: `sizes[l - 1]` for label `l`.
    public var sizes: [Int]

    /// Number of regions (the largest label).
    public var count: Int { sizes.count }

    public init(height: Int, width: Int, labels: [Int32], sizes: [Int]) {
        precondition(height >= 0 && width >= 0 && labels.count == height * width,
                     "ComponentLabels: \(labels.count) labels for \(height)×\(width)")
        self.height = height
        self.width = width
        self.labels = labels
        self.sizes = sizes
    }
}

/// Connected regions of the `true` pixels of `mask` (row-major, `height` × `width`).
public func labelComponents(of mask: [Bool], height: Int, width: Int,
                            connectivity: Connectivity = .four) -> ComponentLabels {
    checkGeometry(mask.count, height, width, "labelComponents")
    return mask.withUnsafeBufferPointer {
        labelRegionsUnionFind($0, background: false, height: height, width: width, connectivity: connectivity)
    }
}

/// Connected regions of equal nonzero values in `values` (scikit-image's `label` on an integer
/// image with `background=0`): neighbours join only when their values are equal.
public func labelRegions(of values: [Int32], height: Int, width: Int,
                         connectivity: Connectivity = .four) -> ComponentLabels {
    checkGeometry(values.count, height, width, "labelRegions")
    return values.withUnsafeBufferPointer {
        labelRegionsUnionFind($0, background: 0, height: height, width: width, connectivity: connectivity)
    }
}

/// Naive twin of `labelComponents(of:height:width:connectivity:)`: flood fill from each
/// unlabelled foreground pixel in raster order.
public func labelComponentsNaive(of mask: [Bool], height: Int, width: Int,
                                 connectivity: Connectivity = .four) -> ComponentLabels {
    checkGeometry(mask.count, height, width, "labelComponentsNaive")
    return labelRegionsFloodFill(mask, background: false, height: height, width: width,
                                 connectivity: connectivity)
}

/// Naive twin of `labelRegions(of:height:width:connectivity:)`.
public func labelRegionsNaive(of values: [Int32], height: Int, width: Int,
                              connectivity: Connectivity = .four) -> ComponentLabels {
    checkGeometry(values.count, height, width, "labelRegionsNaive")
    return labelRegionsFloodFill(values, background: 0, height: height, width: width,
                                 connectivity: connectivity)
}

private func checkGeometry(_ count: Int, _ height: Int, _ width: Int, _ caller: String) {
    let (pixels, overflow) = height.multipliedReportingOverflow(by: width)
    precondition(height >= 0 && width >= 0 && !overflow && pixels == count,
                 "\(caller): \(count) pixels do not form a \(height)×\(width) map")
    precondition(count < Int(Int32.max), "\(caller): \(height)×\(width) has too many pixels")
}

/// Two raster passes. Pass one gives each foreground pixel the provisional label of an earlier
/// joined neighbour (up-left, up, up-right, left), or a new one, and unites the labels of all
/// such neighbours; every union keeps the smaller label as root, so a region's root is the
/// label created at its first pixel and roots rise in the raster order of first pixels. Pass
/// two numbers the roots in increasing order and relabels the pixels.
private func labelRegionsUnionFind<Value: Equatable>(
    _ values: UnsafeBufferPointer<Value>, background: Value, height: Int, width: Int,
    connectivity: Connectivity
) -> ComponentLabels {
    let count = height &* width
    guard count > 0 else { return ComponentLabels(height: height, width: width, labels: [], sizes: []) }
    var labels = [Int32](repeating: 0, count: count)
    // parent[l] <= l for every provisional label l; parent[0] is unused. With several values
    // (labelRegions) every pixel may start a label, so there is room for one per pixel.
    var parent = [Int32](repeating: 0, count: count &+ 1)
    var provisional: Int32 = 0
    let corners = connectivity == .eight

    labels.withUnsafeMutableBufferPointer { labelBuffer in
        parent.withUnsafeMutableBufferPointer { parentBuffer in
            let label = labelBuffer.baseAddress!, root = parentBuffer.baseAddress!
            @inline(__always) func find(_ start: Int32) -> Int32 {
                var node = start
                while root[Int(node)] != node {
                    let grand = root[Int(root[Int(node)])]
                    root[Int(node)] = grand
                    node = grand
                }
                return node
            }
            @inline(__always) func join(_ current: Int32, _ other: Int32) -> Int32 {
                guard current != 0 else { return other }
                guard other != 0, current != other else { return current }
                let a = find(current), b = find(other)
                if a < b { root[Int(b)] = a; return a }
                if b < a { root[Int(a)] = b; return b }
                return a
            }
            for y in 0 ..< height {
                let row = y &* width
                for x in 0 ..< width {
                    let p = row &+ x
                    let value = values[p]
                    if value == background { continue }
                    var joined: Int32 = 0
                    if x > 0, values[p &- 1] == value { joined = label[p &- 1] }
                    if y > 0 {
                        let above = p &- width
                        if values[above] == value { joined = join(joined, label[above]) }
                        if corners {
                            if x > 0, values[above &- 1] == value { joined = join(joined, label[above &- 1]) }
                            if x &+ 1 < width, values[above &+ 1] == value {
                                joined = join(joined, label[above &+ 1])
                            }
                        }
                    }
                    if joined == 0 {
                        provisional &+= 1
                        root[Int(provisional)] = provisional
                        joined = provisional
                    }
                    label[p] = joined
                }
            }
        }
    }

    // Final numbers: roots in increasing order; other labels take their (smaller) parent's.
    var final = [Int32](repeating: 0, count: Int(provisional) &+ 1)
    var regions: Int32 = 0
    for l in stride(from: 1, through: Int(provisional), by: 1) {
        let p = Int(parent[l])
        if p == l {
            regions &+= 1
            final[l] = regions
        } else {
            final[l] = final[p]
        }
    }
    var sizes = [Int](repeating: 0, count: Int(regions))
    labels.withUnsafeMutableBufferPointer { labelBuffer in
        final.withUnsafeBufferPointer { finalBuffer in
            sizes.withUnsafeMutableBufferPointer { sizeBuffer in
                for p in 0 ..< count where labelBuffer[p] != 0 {
                    let l = finalBuffer[Int(labelBuffer[p])]
                    labelBuffer[p] = l
                    sizeBuffer[Int(l) &- 1] &+= 1
                }
            }
        }
    }
    return ComponentLabels(height: height, width: width, labels: labels, sizes: sizes)
}

/// Breadth-first flood fill from each unlabelled foreground pixel, scanned in raster order.
private func labelRegionsFloodFill<Value: Equatable>(
    _ values: [Value], background: Value, height: Int, width: Int, connectivity: Connectivity
) -> ComponentLabels {
    var labels = [Int32](repeating: 0, count: values.count)
    var sizes: [Int] = []
    var offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if connectivity == .eight { offsets += [(-1, -1), (-1, 1), (1, -1), (1, 1)] }
    var queue: [Int] = []
    for start in values.indices where values[start] != background && labels[start] == 0 {
        sizes.append(0)
        let label = Int32(sizes.count)
        labels[start] = label
        queue = [start]
        var head = 0
        while head < queue.count {
            let p = queue[head]
            head += 1
            sizes[sizes.count - 1] += 1
            let y = p / width, x = p % width
            for (dy, dx) in offsets {
                let ny = y + dy, nx = x + dx
                guard ny >= 0, ny < height, nx >= 0, nx < width else { continue }
                let q = ny * width + nx
                if labels[q] == 0 && values[q] == values[start] {
                    labels[q] = label
                    queue.append(q)
                }
            }
        }
    }
    return ComponentLabels(height: height, width: width, labels: labels, sizes: sizes)
}
