// NumPyArgsort: the order NumPy's default argsort ("quicksort" kind) gives, ties included.
// VOC AP ranks detections with `scores.argsort()[::-1]`; the order among equal scores changes
// precision and recall, so it is reproduced exactly: NumPy's introsort (median-of-three
// quicksort, insertion sort for partitions of at most 16 elements, heapsort past a depth of
// 2·log2(n)), NaN sorted last. NumPy 1.25+ on AVX2/AVX-512 x86 uses x86-simd-sort instead,
// whose tie order depends on the CPU; this is NumPy's order everywhere else (Evaluation module).

public enum NumPyArgsort {
    /// Indices that sort `values` ascending, in the order NumPy's introsort leaves equal values.
    public static func ascending(_ values: [Double]) -> [Int] {
        var order = Array(0..<values.count)
        guard values.count > 1 else { return order }
        values.withUnsafeBufferPointer { v in
            order.withUnsafeMutableBufferPointer { index in
                introsort(v, index)
            }
        }
        return order
    }

    /// `ascending(values)` reversed: NumPy's `values.argsort()[::-1]`, highest first.
    public static func descending(_ values: [Double]) -> [Int] {
        Array(ascending(values).reversed())
    }

    /// NumPy's float order: NaN is greater than every number.
    @inline(__always)
    static func less(_ a: Double, _ b: Double) -> Bool {
        a < b || (b.isNaN && !a.isNaN)
    }

    /// Partitions with more than this many elements after the first are split; smaller ones are
    /// insertion-sorted (NumPy's SMALL_QUICKSORT).
    static let smallPartition = 15

    static func introsort(_ v: UnsafeBufferPointer<Double>, _ index: UnsafeMutableBufferPointer<Int>) {
        let n = index.count
        var depthLimit = 0
        var rest = n
        while rest > 1 { rest >>= 1; depthLimit += 1 }
        depthLimit *= 2
        var pending: [(low: Int, high: Int, depth: Int)] = []
        var low = 0, high = n - 1
        while true {
            if depthLimit < 0 {
                heapsort(v, index, low: low, count: high - low + 1)
            } else {
                while high - low > smallPartition {
                    let middle = low + ((high - low) >> 1)
                    if less(v[index[middle]], v[index[low]]) { index.swapAt(middle, low) }
                    if less(v[index[high]], v[index[middle]]) { index.swapAt(high, middle) }
                    if less(v[index[middle]], v[index[low]]) { index.swapAt(middle, low) }
                    let pivot = v[index[middle]]
                    var i = low, j = high - 1
                    index.swapAt(middle, j)
                    while true {
                        repeat { i += 1 } while less(v[index[i]], pivot)
                        repeat { j -= 1 } while less(pivot, v[index[j]])
                        if i >= j { break }
                        index.swapAt(i, j)
                    }
                    index.swapAt(i, high - 1)
                    depthLimit -= 1
                    // The larger side waits; the smaller one is sorted next.
                    if i - low < high - i {
                        pending.append((i + 1, high, depthLimit))
                        high = i - 1
                    } else {
                        pending.append((low, i - 1, depthLimit))
                        low = i + 1
                    }
                }
                insertionSort(v, index, low: low, high: high)
            }
            guard let next = pending.popLast() else { break }
            (low, high, depthLimit) = next
        }
    }

    static func insertionSort(_ v: UnsafeBufferPointer<Double>, _ index: UnsafeMutableBufferPointer<Int>,
                              low: Int, high: Int) {
        guard low < high else { return }
        for i in (low + 1)...high {
            let moving = index[i]
            let value = v[moving]
            var j = i
            while j > low && less(value, v[index[j - 1]]) {
                index[j] = index[j - 1]
                j -= 1
            }
            index[j] = moving
        }
    }

    /// Heapsort of index[low ..< low + count], with NumPy's sift-down (1-based heap positions).
    static func heapsort(_ v: UnsafeBufferPointer<Double>, _ index: UnsafeMutableBufferPointer<Int>,
                         low: Int, count: Int) {
        let base = low - 1  // heap position k lives at index[base + k]
        func siftDown(_ start: Int, _ moving: Int, _ end: Int) {
            var i = start, j = 2 * start
            while j <= end {
                if j < end && less(v[index[base + j]], v[index[base + j + 1]]) { j += 1 }
                if less(v[moving], v[index[base + j]]) {
                    index[base + i] = index[base + j]
                    i = j
                    j += j
                } else {
                    break
                }
            }
            index[base + i] = moving
        }
        var start = count >> 1
        while start > 0 {
            siftDown(start, index[base + start], count)
            start -= 1
        }
        var end = count
        while end > 1 {
            let moving = index[base + end]
            index[base + end] = index[base + 1]
            end -= 1
            siftDown(1, moving, end)
        }
    }
}
