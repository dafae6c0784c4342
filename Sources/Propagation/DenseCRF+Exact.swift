// The exact twin of the dense CRF: the same mean-field updates with every Gaussian kernel sum
// written out, k(f_i, f_j) = exp(-|f_i - f_j|²/2) over all N² pairs (self included, as the
// lattice includes it), symmetric normalisation D^-½ K D^-½ with D = diag(K·1). O(N²·(d + K)):
// only for tiny images, where it shows how far the permutohedral approximation is from the
// kernel it stands for (Krähenbühl & Koltun, NeurIPS 2011, Eq. 3 and Algorithm 1).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensors

extension DenseCRFKernel {
    /// The normalised message D^-½ K D^-½ v with explicit kernel sums, in double precision.
    public func exactFilter(_ values: [Float], channels: Int) -> [Float] {
        let n = lattice.pointCount, d = dimension
        precondition(channels >= 1 && values.count == n * channels)
        var kernel = [Double](repeating: 0, count: n * n)
        var rowSums = [Double](repeating: 0, count: n)
        for i in 0 ..< n {
            for j in 0 ..< n {
                var distance = 0.0
                for k in 0 ..< d {
                    let difference = Double(features[i * d + k]) - Double(features[j * d + k])
                    distance += difference * difference
                }
                let value = exp(-0.5 * distance)
                kernel[i * n + j] = value
                rowSums[i] += value
            }
        }
        let scale = rowSums.map { 1 / $0.squareRoot() }
        var result = [Float](repeating: 0, count: n * channels)
        for i in 0 ..< n {
            for c in 0 ..< channels {
                var sum = 0.0
                for j in 0 ..< n { sum += kernel[i * n + j] * scale[j] * Double(values[j * channels + c]) }
                result[i * channels + c] = Float(scale[i] * sum)
            }
        }
        return result
    }
}

extension DenseCRF {
    /// Mean-field inference with exact kernel sums (see `infer`); returns Q as [K, H, W].
    public func inferExactly(iterations: Int) -> Tensor {
        let n = pixelCount, k = labelCount
        func softmax(_ energies: [Double]) -> [Float] {
            var q = [Float](repeating: 0, count: n * k)
            for i in 0 ..< n {
                let row = energies[i * k ..< (i + 1) * k]
                let highest = row.max()!
                let exps = row.map { exp($0 - highest) }
                let total = exps.reduce(0, +)
                for l in 0 ..< k { q[i * k + l] = Float(exps[l] / total) }
            }
            return q
        }
        var negativeUnary = [Double](repeating: 0, count: n * k)
        for l in 0 ..< k {
            for i in 0 ..< n { negativeUnary[i * k + l] = -Double(unary[l * n + i]) }
        }
        var q = softmax(negativeUnary)
        for _ in 0 ..< iterations {
            var energies = negativeUnary
            for kernel in kernels {
                let message = kernel.exactFilter(q, channels: k)
                for e in 0 ..< n * k { energies[e] += Double(kernel.compatibility) * Double(message[e]) }
            }
            q = softmax(energies)
        }
        var result = [Float](repeating: 0, count: k * n)
        for l in 0 ..< k {
            for i in 0 ..< n { result[l * n + i] = q[i * k + l] }
        }
        return Tensor(shape: [k, height, width], scalars: result)
    }
}
