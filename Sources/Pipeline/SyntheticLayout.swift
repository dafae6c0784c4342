// SyntheticLayout: what a synthetic scene holds and where (SyntheticScenes.swift draws it):
// 1–3 object classes, 1–3 instances of each, placed one after another — about half of them
// against an instance already placed (touching or overlapping it, the later one on top), the
// others in free space — over 2–6 clutter shapes that are no class, on a textured background.
// Draw order is occlusion order. Every draw comes from one SplitMix64 stream (SeededRandom),
// so a layout is a pure function of its seed. Foundation-free.
import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scenes' random source: SplitMix64 (`SeededRandom`) with the draws the layout needs.
struct SyntheticRandom {
    var generator: SeededRandom

    init(seed: UInt64) { generator = SeededRandom(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }
    /// Uniform in [a, b).
    mutating func uniform(_ a: Float, _ b: Float) -> Float { a + (b - a) * generator.nextUnit() }
    /// Uniform in 0 ..< n.
    mutating func index(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
    mutating func chance(_ p: Float) -> Bool { generator.nextUnit() < p }
    /// One of `weights.count` outcomes, with probabilities proportional to `weights`.
    mutating func pick(_ weights: [Float]) -> Int {
        var u = uniform(0, weights.reduce(0, +))
        for (k, w) in weights.enumerated() {
            if u < w { return k }
            u -= w
        }
        return weights.count - 1
    }
}

/// A painted shape: outline and appearance.
struct SyntheticPiece: Sendable {
    var shape: SyntheticShape
    var appearance: SyntheticAppearance
}

struct SyntheticLayout: Sendable {
    /// Object instances, bottom to top.
    var objects: [SyntheticPiece]
    /// Clutter, bottom to top, all below the objects.
    var clutter: [SyntheticPiece]
    var background: SyntheticBackground

    /// A random layout for a `size` × `size` scene.
    static func make(size: Int, random: inout SyntheticRandom) -> SyntheticLayout {
        let side = Float(size)
        let background = SyntheticBackground.make(size: size, random: &random)
        var clutter: [SyntheticPiece] = []
        for _ in 0 ..< 2 + random.index(5) {
            let kind = SyntheticShapeKind.clutter[random.index(SyntheticShapeKind.clutter.count)]
            let unit = side / 128
            let (radius, aspect): (Float, Float)
            switch kind {
            case .bar: (radius, aspect) = (random.uniform(1.2, 2.6) * unit, random.uniform(4, 10))
            case .cross: (radius, aspect) = (random.uniform(1.5, 3) * unit, random.uniform(2.5, 4.5))
            default: (radius, aspect) = (random.uniform(0.03, 0.06) * side, random.uniform(1.8, 3))
            }
            let shape = SyntheticShape(kind: kind, centerX: random.uniform(0, side), centerY: random.uniform(0, side),
                                       radius: radius, angle: random.uniform(0, .pi), aspect: aspect)
            clutter.append(SyntheticPiece(shape: shape, appearance: .make(for: kind, random: &random)))
        }

        let classCount = 1 + random.pick([0.35, 0.4, 0.25])
        var classes: [SyntheticShapeKind] = []
        while classes.count < classCount {
            let kind = SyntheticShapeKind.classes[random.index(SyntheticShapeKind.classes.count)]
            if !classes.contains(where: { $0 == kind }) { classes.append(kind) }
        }
        var kinds: [SyntheticShapeKind] = []
        for kind in classes { kinds += repeatElement(kind, count: 1 + random.pick([0.3, 0.4, 0.3])) }
        for i in stride(from: kinds.count - 1, to: 0, by: -1) { kinds.swapAt(i, random.index(i + 1)) }

        var objects: [SyntheticPiece] = []
        for kind in kinds {
            let radius = random.uniform(0.085, 0.16) * side
            let margin = radius * 0.5
            var x = random.uniform(margin, side - margin), y = random.uniform(margin, side - margin)
            if !objects.isEmpty && random.chance(0.55) {
                // Against an earlier instance: centres a little closer than the radii add up to.
                let other = objects[random.index(objects.count)].shape
                let direction = random.uniform(0, 2 * .pi)
                let distance = (radius + other.radius) * random.uniform(0.8, 1.05)
                x = max(margin, min(side - margin, other.centerX + distance * cos(direction)))
                y = max(margin, min(side - margin, other.centerY + distance * sin(direction)))
            } else {
                for _ in 0 ..< 20 {
                    let clear = objects.allSatisfy {
                        hypot($0.shape.centerX - x, $0.shape.centerY - y) >= 1.1 * ($0.shape.radius + radius)
                    }
                    if clear { break }
                    x = random.uniform(margin, side - margin)
                    y = random.uniform(margin, side - margin)
                }
            }
            let shape = SyntheticShape(kind: kind, centerX: x, centerY: y, radius: radius,
                                       angle: random.uniform(0, 2 * .pi))
            objects.append(SyntheticPiece(shape: shape, appearance: .make(for: kind, random: &random)))
        }
        return SyntheticLayout(objects: objects, clutter: clutter, background: background)
    }
}
