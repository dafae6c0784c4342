// PillowFilter: the resampling kernels of Pillow's Image.resize, as pure functions of the
// distance (in source pixels, already divided by the downscaling factor) from a sample's centre.
// Part of the image preprocessing at the start of the CAM pipeline (DESIGN §6: the reference
// rescales with Pillow's BICUBIC, the bicubic convolution kernel with a = -0.5). Every formula
// is evaluated in Double in the same operation order as Pillow 13, so the weights that
// PillowResampleCoefficients derives from them are bit-identical to Pillow's.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A resampling filter of Pillow's `Image.resize` (`PIL.Image.Resampling`).
public enum PillowFilter: String, Sendable, CaseIterable {
    /// Pick the source pixel whose centre is nearest (Pillow's affine-scale path, no weights).
    case nearest
    /// Box (area average when shrinking), support 0.5.
    case box
    /// Triangle (tent), support 1.
    case bilinear
    /// Hamming-windowed sinc, support 1.
    case hamming
    /// Bicubic convolution with a = -0.5, support 2. The reference's `order=3`.
    case bicubic
    /// Lanczos-3 (sinc windowed by sinc(x/3)), support 3.
    case lanczos

    /// Half-width of the kernel in source pixels at scale 1 (multiplied by the shrink factor
    /// when downscaling, which is what makes Pillow antialias). Zero for `nearest`.
    public var support: Double {
        switch self {
        case .nearest: return 0
        case .box: return 0.5
        case .bilinear, .hamming: return 1
        case .bicubic: return 2
        case .lanczos: return 3
        }
    }

    /// The unnormalised kernel value at signed distance `x` (`nearest`, which Pillow resizes
    /// without weights, answers with the box kernel it approximates).
    public func weight(at x: Double) -> Double {
        switch self {
        case .nearest, .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let t = x < 0 ? -x : x
            return t < 1 ? 1 - t : 0
        case .hamming:
            let t = x < 0 ? -x : x
            if t == 0 { return 1 }
            if t >= 1 { return 0 }
            let p = t * Double.pi
            // The window's constants are single-precision literals widened to double.
            return sin(p) / p * (Double(Float(0.54)) + Double(Float(0.46)) * cos(p))
        case .bicubic:
            let a = -0.5
            let t = x < 0 ? -x : x
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        case .lanczos:
            if -3 <= x && x < 3 { return Self.sinc(x) * Self.sinc(x / 3) }
            return 0
        }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let p = x * Double.pi
        return sin(p) / p
    }
}
