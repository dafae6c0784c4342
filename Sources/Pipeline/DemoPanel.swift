// DemoPanel: the picture of one demo scene (OUT/vis/<id>.png). Top row: the pipeline's own
// visualisation (LabelVisualization: image, CAM heat map, boundary map, displacement field,
// semantic pseudo labels, IRN instances). Bottom row, same tile size: ground-truth classes,
// ground-truth instances, then the instances of CAM only, + boundary and + displacement, each
// blended over the image in VOC palette colours, and the semantic labels' errors (white where
// they differ from the ground truth, grey on void). Tiles are 4 white pixels apart.
import Codecs

public enum DemoPanel {
    /// Captions of the tiles, row by row, for the page that shows the panels.
    public static let captions = [
        ["image", "CAM (max over classes)", "boundary", "displacement", "semantic pseudo labels", "IRN instances"],
        ["ground-truth classes", "ground-truth instances", "instances: CAM only", "instances: + boundary",
         "instances: + displacement", "semantic errors"],
    ]

    public static func render(_ result: DemoSceneResult) -> Image {
        let scene = result.scene
        let top = LabelVisualization(cam: result.cam, boundary: result.boundary, semantic: result.semantic,
                                     instances: LabelFiles.instanceIndexMap(result.irnInstances),
                                     image: scene.image).render()
        let plane = scene.width * scene.height
        let errors = (0 ..< plane).flatMap { p -> [UInt8] in
            let truth = scene.classMap[p]
            if truth == 255 { return [128, 128, 128] }
            return truth == result.semantic[p] ? [0, 0, 0] : [255, 255, 255]
        }
        let bottomTiles = [
            blend(palette(scene.classMap), scene.image.pixels),
            blend(palette(scene.objectMap), scene.image.pixels),
            blend(palette(LabelFiles.instanceIndexMap(result.camInstances)), scene.image.pixels),
            blend(palette(LabelFiles.instanceIndexMap(result.walkInstances)), scene.image.pixels),
            blend(palette(LabelFiles.instanceIndexMap(result.irnInstances)), scene.image.pixels),
            errors,
        ]
        let gap = 4
        let width = top.width, tileWidth = scene.width, height = scene.height
        var pixels = [UInt8](repeating: 255, count: width * (2 * height + gap) * 3)
        pixels.replaceSubrange(0 ..< top.pixels.count, with: top.pixels)
        for (t, tile) in bottomTiles.enumerated() {
            let left = t * (tileWidth + gap)
            guard left + tileWidth <= width else { break }
            for y in 0 ..< height {
                let from = y * tileWidth * 3, to = ((height + gap + y) * width + left) * 3
                pixels.replaceSubrange(to ..< to + tileWidth * 3, with: tile[from ..< from + tileWidth * 3])
            }
        }
        return Image(width: width, height: 2 * height + gap, channels: 3, pixels: pixels)
    }

    static func palette(_ indices: [UInt8]) -> [UInt8] {
        indices.flatMap { i -> [UInt8] in
            let c = VOCPalette.color(Int(i))
            return [c.red, c.green, c.blue]
        }
    }

    /// Label colours over the image, half and half where there is a label, the image elsewhere.
    static func blend(_ colours: [UInt8], _ image: [UInt8]) -> [UInt8] {
        var out = image
        for p in 0 ..< image.count / 3 where colours[3 * p] != 0 || colours[3 * p + 1] != 0 || colours[3 * p + 2] != 0 {
            for c in 0 ..< 3 { out[3 * p + c] = UInt8((Int(colours[3 * p + c]) + Int(image[3 * p + c]) + 1) / 2) }
        }
        return out
    }
}
