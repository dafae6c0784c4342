// VOCPalette: the colour map of the PASCAL VOC segmentation ground truth (VOC devkit,
// labelcolormap), used for label PNGs (sem_seg, ins_seg): index i's colour takes bits 0, 1, 2
// of i for the most significant bits of R, G, B, bits 3, 4, 5 for the next ones, and so on.
// Index 0 (background) is black, 1 (aeroplane) is (128, 0, 0), 255 ("void") is (224, 224, 192).

public enum VOCPalette {
    /// The colour of label `index` (0...255).
    public static func color(_ index: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        precondition((0...255).contains(index), "VOC palette index \(index) outside 0...255")
        var r = 0, g = 0, b = 0
        var c = index
        for bit in 0..<8 {
            r |= (c & 1) << (7 - bit)
            g |= (c >> 1 & 1) << (7 - bit)
            b |= (c >> 2 & 1) << (7 - bit)
            c >>= 3
        }
        return (UInt8(r), UInt8(g), UInt8(b))
    }

    /// All 256 colours as RGB triples (768 bytes), ready for a PLTE chunk.
    public static let rgb: [UInt8] = (0..<256).flatMap { i -> [UInt8] in
        let c = color(i)
        return [c.red, c.green, c.blue]
    }
}
