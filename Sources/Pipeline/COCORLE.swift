// COCORLE: the run-length encoding of binary masks that COCO annotations use, equal to
// pycocotools' maskApi (rleEncode, rleToString, rleFrString, rleArea, rleToBbox): runs are
// counted over the mask in column-major (Fortran) order, starting with a run of zeros (possibly
// empty); the string form stores each run, minus the run two places back from the fourth run on,
// in 5-bit groups, low first, as characters 48 + (group | 0x20 if more follow). Used by the COCO
// exporter (COCOExport.swift, DESIGN §5 `coco.json`).

public enum COCORLEError: Error, Equatable, Sendable {
    /// The counts string is malformed at character `offset`.
    case badString(offset: Int, reason: String)
    /// The runs do not cover the mask's height × width pixels.
    case wrongLength(runs: Int, pixels: Int)
}

public struct COCORLE: Equatable, Sendable {
    public var height: Int
    public var width: Int
    /// Run lengths, alternating zeros and ones, starting with zeros.
    public var counts: [Int]

    public init(height: Int, width: Int, counts: [Int]) {
        self.height = height
        self.width = width
        self.counts = counts
    }

    /// Encodes a row-major mask (`height`·`width` values, nonzero inside), reading it in
    /// column-major order as pycocotools reads a Fortran-ordered array.
    public init<Mask: RandomAccessCollection>(rowMajor mask: Mask, height: Int, width: Int)
    where Mask.Element == UInt8, Mask.Index == Int {
        precondition(height >= 0 && width >= 0 && mask.count == height * width,
                     "\(mask.count) mask values for \(height)x\(width)")
        var counts: [Int] = []
        var previous = false
        var run = 0
        let base = mask.startIndex
        for x in 0..<width {
            for y in 0..<height {
                let inside = mask[base + y * width + x] != 0
                if inside != previous {
                    counts.append(run)
                    run = 0
                    previous = inside
                }
                run += 1
            }
        }
        counts.append(run)
        self.init(height: height, width: width, counts: counts)
    }

    /// The mask as row-major bytes (0 or 1).
    public func rowMajorMask() -> [UInt8] {
        var mask = [UInt8](repeating: 0, count: height * width)
        var position = 0
        var value: UInt8 = 0
        for run in counts {
            if value == 1 {
                for k in position..<(position + run) {
                    let x = k / height, y = k % height
                    mask[y * width + x] = 1
                }
            }
            position += run
            value ^= 1
        }
        return mask
    }

    /// Pixels inside: the sum of the odd-position runs.
    public var area: Int {
        stride(from: 1, to: counts.count, by: 2).reduce(0) { $0 + counts[$1] }
    }

    /// [x, y, width, height] of the mask's bounding box, computed from the runs as rleToBbox does
    /// (all zeros for an empty mask).
    public var boundingBox: [Int] {
        let m = counts.count / 2 * 2
        guard m > 0, height > 0 else { return [0, 0, 0, 0] }
        var xs = width, ys = height, xe = 0, ye = 0, cc = 0, xp = 0
        for j in 0..<m {
            cc += counts[j]
            let t = cc - j % 2
            let y = t % height, x = (t - y) / height
            if j % 2 == 0 {
                xp = x
            } else if xp < x {
                ys = 0
                ye = height - 1
            }
            xs = min(xs, x); xe = max(xe, x); ys = min(ys, y); ye = max(ye, y)
        }
        return [xs, ys, xe - xs + 1, ye - ys + 1]
    }

    /// The compressed counts string of pycocotools' rleToString.
    public var countsString: String {
        var out: [UInt8] = []
        for i in counts.indices {
            var x = counts[i]
            if i > 2 { x -= counts[i - 2] }
            var more = true
            while more {
                var c = x & 0x1F
                x >>= 5  // arithmetic shift, as on the reference's signed long
                more = (c & 0x10) != 0 ? x != -1 : x != 0
                if more { c |= 0x20 }
                out.append(UInt8(c + 48))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a counts string (pycocotools' rleFrString) for a `height`×`width` mask, checking
    /// that the runs are non-negative and cover the mask exactly.
    public init(countsString: String, height: Int, width: Int) throws {
        precondition(height >= 0 && width >= 0)
        let bytes = Array(countsString.utf8)
        var counts: [Int] = []
        var p = 0
        var total = 0
        while p < bytes.count {
            var x = 0, k = 0, more = true
            while more {
                guard p < bytes.count else { throw COCORLEError.badString(offset: p, reason: "the string ends inside a number") }
                let raw = Int(bytes[p])
                guard raw >= 48 && raw < 48 + 64 else {
                    throw COCORLEError.badString(offset: p, reason: "character \(raw) is outside '0'...'o'")
                }
                guard k < 7 else { throw COCORLEError.badString(offset: p, reason: "a number longer than 7 characters") }
                let c = raw - 48
                x |= (c & 0x1F) << (5 * k)
                more = c & 0x20 != 0
                p += 1
                k += 1
                if !more && c & 0x10 != 0 { x |= -1 << (5 * k) }
            }
            if counts.count > 2 { x += counts[counts.count - 2] }
            guard x >= 0 else { throw COCORLEError.badString(offset: p, reason: "a negative run length") }
            total += x
            guard total <= height * width else { throw COCORLEError.wrongLength(runs: total, pixels: height * width) }
            counts.append(x)
        }
        guard total == height * width else { throw COCORLEError.wrongLength(runs: total, pixels: height * width) }
        self.init(height: height, width: width, counts: counts)
    }
}
