// LabelVisualization: one picture of an image's label synthesis for a reader to inspect
// (the `--visualize` output of `irn sem-seg` / `irn ins-seg`, OUT/vis/<stem>.png). Tiles, left
// to right, each H × W and 4 white pixels apart: [the image,] CAM heat map (maximum over the
// classes), boundary map (white = boundary), displacement colour wheel (hue = direction,
// brightness = length relative to the longest), semantic labels and instances (VOC palette).
// With an image, the heat map and both label maps are blended half-and-half over it.
import Codecs
import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct LabelVisualization {
    public var cam: CAMFile
    public var boundary: BoundaryFile
    public var semantic: [UInt8]?
    public var instances: [UInt8]?
    public var image: Image?

    public init(cam: CAMFile, boundary: BoundaryFile, semantic: [UInt8]?, instances: [UInt8]?, image: Image?) {
        precondition(image.map { $0.width == cam.width && $0.height == cam.height } ?? true,
                     "LabelVisualization: the image size differs from the CAM file's")
        self.cam = cam; self.boundary = boundary; self.semantic = semantic; self.instances = instances
        self.image = image?.rgb()
    }

    /// The panel as an RGB image.
    public func render() -> Image {
        let height = cam.height, width = cam.width
        var tiles: [[UInt8]] = []
        if let image { tiles.append(image.pixels) }
        tiles.append(blend(heatMap()))
        tiles.append(strideFour { p in
            let v = boundary.edge.scalars[p]
            let g = UInt8(max(0, min(255, (v * 255).rounded()))); return (g, g, g)
        })
        tiles.append(displacementWheel())
        if let semantic { tiles.append(blend(paletteColours(semantic))) }
        if let instances { tiles.append(blend(paletteColours(instances))) }
        let gap = 4
        let panelWidth = tiles.count * width + (tiles.count - 1) * gap
        var panel = Image(width: panelWidth, height: height, channels: 3,
                          pixels: [UInt8](repeating: 255, count: panelWidth * height * 3))
        for (t, tile) in tiles.enumerated() {
            let left = t * (width + gap)
            for y in 0 ..< height {
                let from = y * width * 3, to = (y * panelWidth + left) * 3
                panel.pixels.replaceSubrange(to ..< to + width * 3, with: tile[from ..< from + width * 3])
            }
        }
        return panel
    }

    /// Maximum over the classes of the full-size CAMs, as a blue-to-red colour ramp.
    func heatMap() -> [UInt8] {
        let full = cam.highRes ?? crop(resizeBilinear(cam.cam, scaleFactor: 4, alignCorners: false),
                                       top: 0, left: 0, height: cam.height, width: cam.width)
        let plane = cam.height * cam.width
        var pixels = [UInt8](repeating: 0, count: plane * 3)
        for p in 0 ..< plane {
            var v: Float = 0
            for k in 0 ..< cam.keys.count { v = max(v, full.scalars[k * plane + p]) }
            let (r, g, b) = ramp(min(1, max(0, v)))
            pixels[3 * p] = r; pixels[3 * p + 1] = g; pixels[3 * p + 2] = b
        }
        return pixels
    }

    func displacementWheel() -> [UInt8] {
        let d = boundary.displacement.scalars
        let plane = boundary.edge.count
        var longest: Float = 1e-6
        for p in 0 ..< plane { longest = max(longest, (d[p] * d[p] + d[plane + p] * d[plane + p]).squareRoot()) }
        return strideFour { p in
            let dy = d[p], dx = d[plane + p]
            let angle = (atan2(Double(dy), Double(dx)) / (2 * Double.pi) + 1).truncatingRemainder(dividingBy: 1)
            let length = Double((dx * dx + dy * dy).squareRoot() / longest)
            return hsv(hue: angle, value: length)
        }
    }

    /// A stride-4 map shown at image size (each cell 4 × 4 pixels, cropped); `colour` gets the
    /// cell's row-major index.
    func strideFour(colour: (Int) -> (UInt8, UInt8, UInt8)) -> [UInt8] {
        let w4 = boundary.edge.shape[1]
        var pixels = [UInt8](repeating: 0, count: cam.height * cam.width * 3)
        for y in 0 ..< cam.height {
            for x in 0 ..< cam.width {
                let (r, g, b) = colour((y / 4) * w4 + x / 4)
                let o = 3 * (y * cam.width + x)
                pixels[o] = r; pixels[o + 1] = g; pixels[o + 2] = b
            }
        }
        return pixels
    }

    func paletteColours(_ indices: [UInt8]) -> [UInt8] {
        indices.flatMap { i -> [UInt8] in
            let c = VOCPalette.color(Int(i)); return [c.red, c.green, c.blue]
        }
    }

    func blend(_ pixels: [UInt8]) -> [UInt8] {
        guard let image else { return pixels }
        return zip(pixels, image.pixels).map { UInt8((Int($0) + Int($1) + 1) / 2) }
    }

    func ramp(_ v: Float) -> (UInt8, UInt8, UInt8) {
        // Piecewise-linear blue → cyan → yellow → red.
        let r = min(1, max(0, 2 * v - 0.5)), g = min(1, max(0, 1.5 - abs(2 * v - 1) * 1.5)), b = min(1, max(0, 1 - 2 * v))
        return (UInt8((r * 255).rounded()), UInt8((g * 255).rounded()), UInt8((b * 255).rounded()))
    }

    func hsv(hue: Double, value: Double) -> (UInt8, UInt8, UInt8) {
        let h = hue * 6, sector = Int(h) % 6, f = h - Double(Int(h))
        let v = min(1, max(0, value)), p = 0.0, q = v * (1 - f), t = v * f
        let (r, g, b): (Double, Double, Double)
        switch sector {
        case 0: (r, g, b) = (v, t, p)
        case 1: (r, g, b) = (q, v, p)
        case 2: (r, g, b) = (p, v, t)
        case 3: (r, g, b) = (p, q, v)
        case 4: (r, g, b) = (t, p, v)
        default: (r, g, b) = (v, p, q)
        }
        return (UInt8((r * 255).rounded()), UInt8((g * 255).rounded()), UInt8((b * 255).rounded()))
    }
}
