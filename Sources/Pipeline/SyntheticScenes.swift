// SyntheticScenes: a deterministic benchmark of generated images with ground truth, for the
// demo (`irn demo`) and the synthetic training set (`irn synth`). Scene `index` of seed `seed`
// is a pure function of both (independent of how many scenes are asked for): a layout
// (SyntheticLayout.swift) composited front to back with one-pixel anti-aliased edges, plus a
// faint grain. Ground truth as PASCAL VOC stores it: class map (0 background, class + 1, 255 on
// border pixels shared by several labels), object map (instances 1...N in draw order, 0, 255)
// and the image-level labels. Foundation-free.
import Codecs
import Tensors

/// One generated image with its ground truth.
public struct SyntheticScene: Equatable, Sendable {
    public let id: String
    /// RGB, 8 bits per sample.
    public let image: Image
    /// Row-major: 0 background, 1 + class of the visible object, 255 ambiguous border.
    public let classMap: [UInt8]
    /// Row-major: 0 background, instance 1...N (draw order), 255 ambiguous border.
    public let objectMap: [UInt8]
    /// The 0-based class of instance i + 1.
    public let instanceClasses: [Int]

    public var width: Int { image.width }
    public var height: Int { image.height }

    /// The image-level labels: classes with at least one instance, ascending.
    public var labels: [Int] { Array(Set(instanceClasses)).sorted() }
}

public struct SyntheticScenes: Sendable {
    /// The object classes; class k is label k + 1 in class maps.
    public static let classNames = SyntheticShapeKind.classes.map { "\($0)" }

    /// Side of the square scenes, in pixels.
    public let size: Int
    public let seed: UInt64
    /// Draws of a layout before instances that stay too hidden are dropped.
    static let layoutAttempts = 8

    public init(size: Int = 128, seed: UInt64 = 0) {
        precondition(size >= 16 && size <= 4096, "SyntheticScenes: size \(size) outside 16...4096")
        self.size = size
        self.seed = seed
    }

    /// The id of scene `index`: "syn<seed>_<index, 5 digits>".
    public func id(_ index: Int) -> String {
        let digits = String(index)
        return "syn\(seed)_" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// The seed of scene `index`'s random stream.
    func sceneSeed(_ index: Int) -> UInt64 {
        var mixer = SeededRandom(seed: seed ^ 0x5EED_5CE7_E000_0000)
        let base = mixer.next()
        var scene = SeededRandom(seed: base &+ UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)
        return scene.next()
    }

    /// Scene `index` (0, 1, ...).
    public func scene(_ index: Int) -> SyntheticScene {
        precondition(index >= 0, "SyntheticScenes: negative scene index \(index)")
        var random = SyntheticRandom(seed: sceneSeed(index))
        var layout = SyntheticLayout.make(size: size, random: &random)
        var raster = SyntheticRaster(layout: layout, size: size)
        var attempt = 1
        while !raster.hidden.isEmpty {
            if attempt < Self.layoutAttempts {
                layout = SyntheticLayout.make(size: size, random: &random)
            } else {
                let hidden = Set(raster.hidden)
                layout.objects = layout.objects.enumerated().filter { !hidden.contains($0.offset) }.map { $0.element }
            }
            raster = SyntheticRaster(layout: layout, size: size)
            attempt += 1
        }
        let image = Image(width: size, height: size, channels: 3, pixels: raster.pixels)
        let classes = layout.objects.map { $0.shape.kind.rawValue }
        var classMap = raster.owners.map { owner -> UInt8 in
            owner == 0 ? 0 : UInt8(classes[Int(owner) - 1] + 1)
        }
        for p in classMap.indices where raster.ambiguous[p] { classMap[p] = 255 }
        var objectMap = raster.owners
        for p in objectMap.indices where raster.ambiguous[p] { objectMap[p] = 255 }
        return SyntheticScene(id: id(index), image: image, classMap: classMap, objectMap: objectMap,
                              instanceClasses: classes)
    }
}
