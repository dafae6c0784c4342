// SyntheticAppearance: the colour and texture of the shapes and backgrounds of synthetic scenes
// (SyntheticScenes.swift). Each object class has a typical hue and its own texture (disc:
// shaded dome, square: stripes, triangle: checks, ring: speckle, star: concentric bands), with
// per-instance jitter of hue, saturation, brightness, contrast and period, and a chance of an
// arbitrary hue, so colour alone does not tell the class. Backgrounds are smooth value noise
// between two muted colours. Noise is a hash of integer coordinates: order-free and
// reproducible. Foundation-free.
import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An RGB colour with components in [0, 1].
typealias SyntheticColour = SIMD3<Float>

/// Hash noise: a value in [−1, 1) for integer coordinates and a seed (SplitMix64's finaliser).
@inline(__always)
func hashNoise(_ x: Int, _ y: Int, _ seed: UInt64) -> Float {
    var z = seed &+ UInt64(truncatingIfNeeded: x) &* 0x9E37_79B9_7F4A_7C15
        &+ UInt64(truncatingIfNeeded: y) &* 0xC2B2_AE3D_27D4_EB4F
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Float(z >> 40) * 0x1p-23 - 1
}

/// Smooth value noise in [−1, 1]: hash values on a lattice of `cell` pixels, blended with a
/// smoothstep.
func valueNoise(_ x: Float, _ y: Float, cell: Float, seed: UInt64) -> Float {
    let gx = x / cell, gy = y / cell
    let x0 = Int(floor(gx)), y0 = Int(floor(gy))
    var fx = gx - Float(x0), fy = gy - Float(y0)
    fx = fx * fx * (3 - 2 * fx)
    fy = fy * fy * (3 - 2 * fy)
    let a = hashNoise(x0, y0, seed), b = hashNoise(x0 + 1, y0, seed)
    let c = hashNoise(x0, y0 + 1, seed), d = hashNoise(x0 + 1, y0 + 1, seed)
    return (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy
}

/// HSV (hue in turns, saturation and value in [0, 1]) to RGB.
func hsvColour(hue: Float, saturation: Float, value: Float) -> SyntheticColour {
    let h = (hue - floor(hue)) * 6
    let sector = min(5, Int(h)), f = h - Float(sector)
    let v = value, p = value * (1 - saturation)
    let q = value * (1 - saturation * f), t = value * (1 - saturation * (1 - f))
    switch sector {
    case 0: return [v, t, p]
    case 1: return [q, v, p]
    case 2: return [p, v, t]
    case 3: return [p, q, v]
    case 4: return [t, p, v]
    default: return [v, p, q]
    }
}

/// How a shape is painted: a base colour and a texture that modulates its brightness.
struct SyntheticAppearance: Sendable {
    enum Texture: Sendable {
        case dome, stripes, checks, speckle, bands, flat
    }

    var base: SyntheticColour
    var texture: Texture
    /// Strength of the brightness modulation.
    var contrast: Float
    /// Spatial period of stripes, checks and bands, in pixels.
    var period: Float
    /// Seed of the speckle noise.
    var seed: UInt64

    /// Typical hue of each class (turns): red, blue, green, orange-yellow, purple.
    static let classHues: [Float] = [0.0, 0.6, 0.33, 0.12, 0.8]
    static let classTextures: [Texture] = [.dome, .stripes, .checks, .speckle, .bands]

    /// The appearance of an instance of `kind`, jittered by `random`.
    static func make(for kind: SyntheticShapeKind, random: inout SyntheticRandom) -> SyntheticAppearance {
        if kind.isClass {
            let typical = classHues[kind.rawValue]
            let hue = random.chance(0.25) ? random.uniform(0, 1) : typical + random.uniform(-0.09, 0.09)
            return SyntheticAppearance(
                base: hsvColour(hue: hue, saturation: random.uniform(0.45, 0.9), value: random.uniform(0.55, 0.95)),
                texture: classTextures[kind.rawValue], contrast: random.uniform(0.25, 0.5),
                period: random.uniform(3.5, 6.5), seed: random.next())
        }
        let textures: [Texture] = [.flat, .speckle, .stripes, .flat]
        return SyntheticAppearance(
            base: hsvColour(hue: random.uniform(0, 1), saturation: random.uniform(0.2, 0.8), value: random.uniform(0.35, 0.9)),
            texture: textures[random.index(textures.count)], contrast: random.uniform(0.1, 0.4),
            period: random.uniform(3, 7), seed: random.next())
    }

    /// The colour at pixel (px, py) of `shape`.
    func colour(at px: Int, _ py: Int, of shape: SyntheticShape) -> SyntheticColour {
        let x = Float(px) + 0.5, y = Float(py) + 0.5
        let modulation: Float
        switch texture {
        case .flat:
            modulation = 0
        case .dome:
            let rho = hypot(x - shape.centerX, y - shape.centerY) / max(1, shape.radius)
            modulation = 0.6 - 1.2 * min(1, rho * rho)
        case .stripes:
            let (u, _) = shape.local(x, y)
            modulation = sin(2 * .pi * u / period) >= 0 ? 0.5 : -0.5
        case .checks:
            let (u, v) = shape.local(x, y)
            let a = Int(floor(u / period)), b = Int(floor(v / period))
            modulation = (a + b) & 1 == 0 ? 0.5 : -0.5
        case .speckle:
            modulation = 0.8 * hashNoise(px, py, seed)
        case .bands:
            let rho = hypot(x - shape.centerX, y - shape.centerY)
            modulation = 0.5 * cos(2 * .pi * rho / period)
        }
        let scaled = base * (1 + contrast * modulation)
        return scaled.clamped(lowerBound: SyntheticColour(repeating: 0), upperBound: SyntheticColour(repeating: 1))
    }
}

/// A scene's background: smooth noise between two muted colours, plus a faint fine grain.
struct SyntheticBackground: Sendable {
    var first: SyntheticColour
    var second: SyntheticColour
    var cell: Float
    var seed: UInt64

    static func make(size: Int, random: inout SyntheticRandom) -> SyntheticBackground {
        let hue = random.uniform(0, 1)
        return SyntheticBackground(
            first: hsvColour(hue: hue, saturation: random.uniform(0.05, 0.35), value: random.uniform(0.3, 0.8)),
            second: hsvColour(hue: hue + random.uniform(-0.25, 0.25), saturation: random.uniform(0.05, 0.4),
                           value: random.uniform(0.3, 0.8)),
            cell: Float(size) * random.uniform(0.12, 0.3), seed: random.next())
    }

    func colour(at px: Int, _ py: Int) -> SyntheticColour {
        let x = Float(px) + 0.5, y = Float(py) + 0.5
        let coarse = valueNoise(x, y, cell: cell, seed: seed)
        let fine = valueNoise(x, y, cell: 3, seed: seed ^ 0x5555)
        let t = max(0, min(1, 0.5 + 0.6 * coarse))
        let mixed = first * (1 - t) + second * t
        return mixed * (1 + 0.12 * fine)
    }
}
