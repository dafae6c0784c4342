// PeakProbe: the floating-point peak `irn bench` compares against — twelve independent SIMD8
// multiply-add chains per thread (no memory traffic), the same operation the GEMM micro-kernel
// issues: fused (hardware FMA) in native builds, multiply then add in portable x86-64 builds.
// On a 2-core AVX2 machine with two FMA pipes per core: 2 × 32 flop/cycle × clock.
import Dispatch

enum PeakProbe {
    /// Chain steps per thread: about 0.1 s at 3 GHz (debug builds, unoptimised, run a token few).
    #if DEBUG
    static let iterations = 2_000
    #else
    static let iterations = 24_000_000
    #endif

    /// Best-of-three floating-point rate (flop/s) of `threads` threads running the chains.
    static func measure(threads: Int, iterations: Int = PeakProbe.iterations) -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                let result = chains(iterations, seed: Float(thread) * 1e-3)
                if result == 42 { print("", terminator: "") }  // keeps the result alive
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return Double(threads) * Double(iterations) * 12 * 16 / best
    }

    @inline(__always)
    private static func step(_ c: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
        #if IRN_PORTABLE && arch(x86_64)
        c += a * b
        #else
        c = c.addingProduct(a, b)
        #endif
    }

    @inline(never)
    private static func chains(_ iterations: Int, seed: Float) -> Float {
        var c0 = SIMD8<Float>(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3
        var c4 = c0 + 4, c5 = c0 + 5, c6 = c0 + 6, c7 = c0 + 7
        var c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11
        let a = SIMD8<Float>(repeating: 0.999_999), b = SIMD8<Float>(repeating: 1e-7)
        for _ in 0..<iterations {
            step(&c0, a, b); step(&c1, a, b); step(&c2, a, b); step(&c3, a, b)
            step(&c4, a, b); step(&c5, a, b); step(&c6, a, b); step(&c7, a, b)
            step(&c8, a, b); step(&c9, a, b); step(&c10, a, b); step(&c11, a, b)
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).sum()
    }
}
