// Length-limited Huffman code construction for the Deflate encoder. Code lengths come from the
// package-merge algorithm (Larmore and Hirschberg 1990), which gives optimal prefix codes with
// no code longer than a limit: 15 bits for literal/length and distance codes, 7 for the
// code-length code (RFC 1951 section 3.2.7). Canonical codes are then assigned as section
// 3.2.2 prescribes and stored bit-reversed, ready for LSB-first output.

enum HuffmanEncoderBuilder {
    /// Optimal code lengths for `frequencies` with no length above `maxLength`. Unused symbols
    /// get 0. With a single used symbol it gets length 1 and `fallback` (a different symbol)
    /// also gets length 1, so the code stays complete; with none, every length is 0.
    static func codeLengths(_ frequencies: [Int], maxLength: Int) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        let used = frequencies.indices.filter { frequencies[$0] > 0 }
            .sorted { (frequencies[$0], $0) < (frequencies[$1], $1) }
        if used.isEmpty { return lengths }
        if used.count == 1 {
            lengths[used[0]] = 1
            lengths[used[0] == 0 ? 1 : 0] = 1
            return lengths
        }
        precondition(used.count <= 1 << maxLength, "\(used.count) symbols cannot fit in \(maxLength)-bit codes")
        let n = used.count
        // Node i < n is the leaf used[i]; later nodes are packages of two earlier ones.
        var weight = used.map { frequencies[$0] }
        var left = [Int](repeating: -1, count: n)
        var right = [Int](repeating: -1, count: n)
        var list = Array(0..<n)
        for _ in 1..<maxLength {
            var packages: [Int] = []
            packages.reserveCapacity(list.count / 2)
            var i = 0
            while i + 1 < list.count {
                weight.append(weight[list[i]] + weight[list[i + 1]])
                left.append(list[i])
                right.append(list[i + 1])
                packages.append(weight.count - 1)
                i += 2
            }
            // Merge the leaves with the packages, both sorted by weight (leaves first on ties).
            var merged: [Int] = []
            merged.reserveCapacity(n + packages.count)
            var a = 0, b = 0
            while a < n || b < packages.count {
                if b == packages.count || (a < n && weight[a] <= weight[packages[b]]) {
                    merged.append(a); a += 1
                } else {
                    merged.append(packages[b]); b += 1
                }
            }
            list = merged
        }
        // Each appearance of a leaf among the first 2n - 2 items adds one bit to its length.
        var stack = Array(list.prefix(2 * n - 2))
        while let node = stack.popLast() {
            if node < n {
                lengths[used[node]] += 1
            } else {
                stack.append(left[node])
                stack.append(right[node])
            }
        }
        return lengths
    }

    /// Canonical codes (section 3.2.2) for `lengths`, each bit-reversed for LSB-first output.
    static func reversedCodes(_ lengths: [UInt8]) -> [UInt16] {
        var count = [Int](repeating: 0, count: 17)
        for length in lengths { count[Int(length)] += 1 }
        count[0] = 0
        var next = [Int](repeating: 0, count: 17)
        var code = 0
        for length in 1...16 {
            code = (code + count[length - 1]) << 1
            next[length] = code
        }
        var codes = [UInt16](repeating: 0, count: lengths.count)
        for symbol in lengths.indices where lengths[symbol] > 0 {
            let length = Int(lengths[symbol])
            let c = next[length]
            next[length] += 1
            var r = 0
            for bit in 0..<length { r |= ((c >> bit) & 1) << (length - 1 - bit) }
            codes[symbol] = UInt16(r)
        }
        return codes
    }
}
