// NumPyReductions: sums and means that round exactly as NumPy's float64 reductions do.
// `np.sum` adds from 0 with pairwise summation (8 running sums over blocks of up to 128
// elements, halves above that); `np.mean` divides that sum by the count and `np.nanmean` sums
// with NaN read as 0 and divides by the number of non-NaN values. Used by the mean IoU and
// the VOC AP area sums (Evaluation module), so results match the reference to the last bit.

public enum NumPyReductions {
    /// `np.sum` of a float64 array.
    public static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { 0 + pairwiseSum($0) }
    }

    /// `np.mean`: NaN when `values` is empty (0/0), NaN-propagating like NumPy.
    public static func mean(_ values: [Double]) -> Double {
        sum(values) / Double(values.count)
    }

    /// `np.nanmean`: the mean of the non-NaN values, NaN when there are none.
    public static func nanMean(_ values: [Double]) -> Double {
        var count = 0
        let zeroed = values.map { value -> Double in
            if value.isNaN { return 0 }
            count += 1
            return value
        }
        return sum(zeroed) / Double(count)
    }

    /// NumPy's pairwise summation of a contiguous block.
    static func pairwiseSum(_ a: UnsafeBufferPointer<Double>) -> Double {
        let n = a.count
        if n < 8 {
            var result = 0.0
            for value in a { result += value }
            return result
        }
        if n <= 128 {
            var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3]
            var r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
            var i = 8
            let whole = n - n % 8
            while i < whole {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
                i += 8
            }
            var result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n {
                result += a[i]
                i += 1
            }
            return result
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(UnsafeBufferPointer(rebasing: a[0..<half]))
            + pairwiseSum(UnsafeBufferPointer(rebasing: a[half..<n]))
    }
}
