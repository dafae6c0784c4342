// RandomWalk+Chebyshev: x·T^n (IRNet §5, the t = 2^exp_times steps of the walk) with far fewer
// than n stencil passes, by the Chebyshev expansion of the n-th power.
// T = A^β D⁻¹ with A symmetric, so T is similar to the symmetric S = D^-½ A^β D^-½ and its
// spectrum lies in [−1, 1]. There λ^n = Σ_k c_k T_k(λ) with c_k = 2^(1−n)·C(n, (n−k)/2) for
// k ≡ n (mod 2) (c_0 halved): a binomial distribution of width √n, so dropping the degrees above
// K changes the result by at most Σ_{k>K} c_k (in the D^½-weighted norm). The terms follow the
// recurrence T_{k+1} = 2·T·T_k − T_{k−1}, one stencil pass each: K ≈ 100 passes for n = 256.

import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RandomWalk {
    /// Bound on the truncation error of the Chebyshev walk, relative to max|x| at every pixel.
    public static let chebyshevTolerance = 1e-7

    /// The coefficients c_0...c_degree of λ^steps in Chebyshev polynomials (Double, from
    /// log-binomials), and the sum of the dropped ones, Σ_{k>degree} c_k.
    public static func chebyshevCoefficients(steps n: Int, degree: Int) -> (coefficients: [Double], tail: Double) {
        precondition(n >= 0 && degree >= 0)
        var coefficients = [Double](repeating: 0, count: degree + 1)
        var kept = 0.0
        for k in stride(from: n % 2, through: min(degree, n), by: 2) {
            coefficients[k] = chebyshevCoefficient(steps: n, degree: k)
            kept += coefficients[k]
        }
        // The coefficients sum to 1 (λ^n at λ = 1); what is not kept is the tail.
        return (coefficients, max(0, 1 - kept))
    }

    /// c_k of λ^n for k ≡ n (mod 2): 2^(1−n)·C(n, (n−k)/2), halved for k = 0.
    static func chebyshevCoefficient(steps n: Int, degree k: Int) -> Double {
        let j = Double((n - k) / 2), m = Double(n)
        let logBinomial: Double = lgamma(m + 1) - lgamma(j + 1) - lgamma(m - j + 1)
        let c = exp(logBinomial + (1 - m) * Double(M_LN2))
        return k == 0 ? c / 2 : c
    }

    /// The degree K at which the Chebyshev walk stops, or nil when `steps` plain passes are no
    /// more. K is the least degree whose tail is at most chebyshevTolerance / √(hw · |stencil|):
    /// with ‖e‖_D ≤ tail · ‖x‖_D (‖v‖_D² = Σ d_j v_j², 1 ≤ d_j ≤ |stencil|), that bounds the
    /// error of every pixel by chebyshevTolerance · max|x|.
    public func chebyshevDegree(steps n: Int) -> Int? {
        guard n > 2 else { return nil }
        let target = RandomWalk.chebyshevTolerance / (Double(height * width * neighbours.count)).squareRoot()
        // The tail is 1 − (sum of kept), found by one pass of increasing degree.
        var kept = 0.0
        var k = n % 2
        while k < n {
            kept += RandomWalk.chebyshevCoefficient(steps: n, degree: k)
            if 1 - kept <= target { break }
            k += 2
        }
        return k < n - 1 ? max(k, 2) : nil
    }

    /// x·T^steps = Σ_{k ≤ degree} c_k · x·T_k(T), the terms by the three-term recurrence, in
    /// three working buffers (the two latest terms and the sum).
    func walkByChebyshev(_ x: Tensor, steps: Int, degree: Int, kernel: WalkKernel) -> Tensor {
        precondition(degree >= 2)
        let c = RandomWalk.chebyshevCoefficients(steps: steps, degree: degree).coefficients
        let passes = passes(x, kernel: kernel, buffers: 3)
        let sum = 2
        passes.apply(from: 0, to: 1, accumulator: sum, mode: .first(c0: Float(c[0]), c1: Float(c[1])))
        var previous = 0, current = 1
        for k in 2...degree {
            // previous ← 2·T·current − previous, the term of degree k.
            passes.apply(from: current, to: previous, accumulator: sum, mode: .recurrence(c: Float(c[k])))
            swap(&previous, &current)
        }
        return passes.tensor(from: sum)
    }
}
