// Finite-difference support for the backward tests: central differences of a Double-precision
// function, Double views of tensors, and the comparison used for every check. A check builds a
// scalar L(θ) = ⟨dy, f(θ)⟩ in Double (f a plain-loop Double forward written here, in the test
// target) and compares ∂L/∂θ by central differences with the Float backward pass under test.
import XCTest
import Tensors
import TestSupport

extension Tensor {
    /// The elements as Doubles.
    var doubles: [Double] { scalars.map(Double.init) }

    /// A tensor from Double values (rounded to Float).
    init(shape: [Int], doubles: [Double]) {
        self.init(shape: shape, scalars: doubles.map { Float($0) })
    }
}

/// ∂f/∂xᵢ for every i by (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h.
func numericalGradient(at x: [Double], step h: Double, _ f: ([Double]) -> Double) -> [Double] {
    var probe = x
    var gradient = [Double](repeating: 0, count: x.count)
    for i in x.indices {
        probe[i] = x[i] + h
        let up = f(probe)
        probe[i] = x[i] - h
        let down = f(probe)
        probe[i] = x[i]
        gradient[i] = (up - down) / (2 * h)
    }
    return gradient
}

/// Σ aᵢ·bᵢ in Double.
func dot(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var sum = 0.0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}

/// Compares an analytic gradient with a numerical one relative to the largest numerical
/// component: max |a − n| / max(max |n|, `floor`) ≤ `tolerance`. Returns that error. `floor`
/// is the size of the terms a gradient is made of, for gradients that nearly cancel to zero.
@discardableResult
func assertGradient(_ analytic: Tensor, _ numerical: [Double], tolerance: Double, floor: Double = 0,
                    _ name: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
    XCTAssertEqual(analytic.count, numerical.count, "\(name): sizes differ", file: file, line: line)
    guard analytic.count == numerical.count else { return .infinity }
    let peak = numerical.map(abs).max() ?? 0
    var worst = 0.0, worstIndex = 0
    for i in numerical.indices {
        let e = abs(Double(analytic.scalars[i]) - numerical[i])
        if !(e <= worst) { worst = e; worstIndex = i }
    }
    let reference = max(peak, floor)
    let relative = reference > 0 ? worst / reference : worst
    XCTAssert(relative <= tolerance && peak > 0,
              "\(name): max |analytic − numerical| / peak = \(relative) > \(tolerance) at \(worstIndex): \(analytic.scalars[worstIndex]) vs \(numerical[worstIndex]) (peak \(peak), floor \(floor))",
              file: file, line: line)
    return relative
}

/// Max |a − b| / max |b| over two equal-size tensors (for reporting).
func relativeToPeak(_ a: Tensor, _ b: Tensor) -> Float {
    maxErrorRelativeToPeak(a.scalars, b.scalars)
}

extension SeededRandom {
    /// `count` values drawn and dropped (to step over draws a generator spent elsewhere).
    mutating func skip(_ count: Int) {
        for _ in 0..<count { _ = next() }
    }
}
