// SyntheticShape: the geometry of one shape of a synthetic scene (SyntheticScenes.swift) — the
// object classes (disc, square, triangle, ring, star) and the clutter that is no class (bar,
// ellipse, cross) — as a signed distance to its outline in pixels (negative inside). Coverage
// of a pixel is clamp(0.5 − distance, 0, 1): a one-pixel anti-aliased edge. Pixel centres lie at
// (x + 0.5, y + 0.5). Plain geometry, Foundation-free.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outline of a shape: object classes first (their raw value is the 0-based class), then
/// clutter kinds.
public enum SyntheticShapeKind: Int, CaseIterable, Sendable {
    case disc, square, triangle, ring, star
    case bar, ellipse, cross

    /// The object classes, in class-index order.
    public static let classes: [SyntheticShapeKind] = [.disc, .square, .triangle, .ring, .star]
    /// Shapes that are no class.
    public static let clutter: [SyntheticShapeKind] = [.bar, .ellipse, .cross]

    /// Whether the shape is an object class.
    public var isClass: Bool { rawValue < SyntheticShapeKind.classes.count }
}

/// A placed shape: centre, size (the radius of the disc of about the same area) and rotation.
struct SyntheticShape: Sendable {
    var kind: SyntheticShapeKind
    var centerX: Float
    var centerY: Float
    var radius: Float
    /// Rotation in radians.
    var angle: Float
    /// Elongation of bars and ellipses (length / thickness), unused otherwise.
    var aspect: Float = 1
    /// Outline vertices of polygonal kinds (square, triangle, star), in image coordinates.
    private(set) var polygon: [(x: Float, y: Float)] = []

    init(kind: SyntheticShapeKind, centerX: Float, centerY: Float, radius: Float, angle: Float, aspect: Float = 1) {
        self.kind = kind
        self.centerX = centerX
        self.centerY = centerY
        self.radius = radius
        self.angle = angle
        self.aspect = aspect
        polygon = Self.outline(kind: kind, radius: radius, angle: angle).map { (centerX + $0.x, centerY + $0.y) }
    }

    /// Polygon vertices around the origin (empty for round kinds). Sizes are chosen so each kind
    /// covers roughly the area of a disc of `radius`.
    static func outline(kind: SyntheticShapeKind, radius: Float, angle: Float) -> [(x: Float, y: Float)] {
        var corners: [(radius: Float, angle: Float)] = []
        switch kind {
        case .square:
            for k in 0 ..< 4 { corners.append((radius * 1.25, Float(k) * Float.pi / 2 + Float.pi / 4)) }
        case .triangle:
            for k in 0 ..< 3 { corners.append((radius * 1.55, Float(k) * 2 * Float.pi / 3 - Float.pi / 2)) }
        case .star:
            for k in 0 ..< 10 {
                let r: Float = k % 2 == 0 ? radius * 1.45 : radius * 0.62
                corners.append((r, Float(k) * Float.pi / 5 - Float.pi / 2))
            }
        default:
            return []
        }
        return corners.map { corner -> (x: Float, y: Float) in
            let a = corner.angle + angle
            return (corner.radius * cos(a), corner.radius * sin(a))
        }
    }

    /// Half the side of the square that holds the whole shape (for bounding boxes).
    var extent: Float {
        switch kind {
        case .disc, .ring: return radius
        case .square: return radius * 1.25
        case .triangle: return radius * 1.55
        case .star: return radius * 1.45
        case .bar, .ellipse, .cross: return radius * max(1, aspect)
        }
    }

    /// The point (x, y) in the shape's own frame: centred, rotated back by `angle`.
    @inline(__always)
    func local(_ x: Float, _ y: Float) -> (u: Float, v: Float) {
        let dx = x - centerX, dy = y - centerY
        let c = cos(angle), s = sin(angle)
        return (c * dx + s * dy, -s * dx + c * dy)
    }

    /// Signed distance in pixels from (x, y) to the outline: negative inside.
    func signedDistance(_ x: Float, _ y: Float) -> Float {
        switch kind {
        case .disc:
            return hypot(x - centerX, y - centerY) - radius
        case .ring:
            return abs(hypot(x - centerX, y - centerY) - radius * 0.72) - radius * 0.28
        case .square, .triangle, .star:
            return polygonDistance(x, y)
        case .bar:
            let (u, v) = local(x, y)
            return boxDistance(u, v, halfWidth: radius * aspect, halfHeight: radius)
        case .cross:
            let (u, v) = local(x, y)
            return min(boxDistance(u, v, halfWidth: radius * aspect, halfHeight: radius * 0.8),
                       boxDistance(u, v, halfWidth: radius * 0.8, halfHeight: radius * aspect))
        case .ellipse:
            // Distance in the ellipse's stretched frame, scaled back by the short axis: exact on
            // the axes, close enough elsewhere for a one-pixel edge.
            let (u, v) = local(x, y)
            let a = radius * aspect, b = radius
            let q = hypot(u / a, v / b)
            return (q - 1) * b
        }
    }

    func boxDistance(_ u: Float, _ v: Float, halfWidth: Float, halfHeight: Float) -> Float {
        let qx = abs(u) - halfWidth, qy = abs(v) - halfHeight
        let outside = hypot(max(qx, 0), max(qy, 0))
        return outside + min(max(qx, qy), 0)
    }

    /// Distance to the nearest polygon edge, negative inside (even-odd rule).
    func polygonDistance(_ x: Float, _ y: Float) -> Float {
        var nearest = Float.infinity
        var inside = false
        var j = polygon.count - 1
        for i in 0 ..< polygon.count {
            let a = polygon[j], b = polygon[i]
            let ex = b.x - a.x, ey = b.y - a.y
            let wx = x - a.x, wy = y - a.y
            let t = max(0, min(1, (wx * ex + wy * ey) / (ex * ex + ey * ey)))
            let dx = wx - ex * t, dy = wy - ey * t
            nearest = min(nearest, dx * dx + dy * dy)
            if (a.y > y) != (b.y > y) {
                let crossing = a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x)
                if x < crossing { inside.toggle() }
            }
            j = i
        }
        let distance = nearest.squareRoot()
        return inside ? -distance : distance
    }

    /// Coverage of the pixel centred at (x, y), in [0, 1].
    @inline(__always)
    func coverage(_ x: Float, _ y: Float) -> Float {
        max(0, min(1, 0.5 - signedDistance(x, y)))
    }
}
