// JPEG frame geometry: the image size, each component's sampling factors and the sizes that
// follow from them (T.81 A.1.1: downsampled component size; A.2: MCUs and block grids), plus
// the buffers a decode fills: sample planes and, for progressive or multi-scan images, the
// quantized DCT coefficients of every block. Buffers are allocated once per image.

extension JPEG {
    /// How the frame is coded (the SOFn marker).
    enum CodingProcess: Equatable {
        case baseline, extendedSequential, progressive
    }

    /// One image component (T.81 B.2.2) and the geometry derived from the frame.
    struct Component {
        var id: UInt8
        var horizontalSampling: Int
        var verticalSampling: Int
        var quantizationSelector: Int
        /// Samples per line and lines of this component: ceil(X·H/Hmax), ceil(Y·V/Vmax).
        var width = 0
        var height = 0
        /// Blocks covering `width` × `height` (the block grid of a non-interleaved scan).
        var widthInBlocks = 0
        var heightInBlocks = 0
        /// Blocks covering whole MCUs (the grid of an interleaved scan); the stored grid.
        var blocksPerLine = 0
        var blocksPerColumn = 0
        /// The quantization table in effect at this component's first scan (natural order),
        /// as the IDCT multiplies it (16-bit entries read as signed, as libjpeg stores them).
        var quantization: [Int32]? = nil
    }

    /// The frame header (T.81 B.2.2) with derived MCU geometry.
    struct Frame {
        var process: CodingProcess
        var precision: Int
        var width: Int
        var height: Int
        var components: [Component]
        var maxHorizontalSampling = 1
        var maxVerticalSampling = 1
        var mcusPerLine = 0
        var mcuRows = 0

        /// Fills in the derived sizes once the sampling factors are known.
        mutating func computeGeometry() {
            maxHorizontalSampling = components.map(\.horizontalSampling).max() ?? 1
            maxVerticalSampling = components.map(\.verticalSampling).max() ?? 1
            mcusPerLine = (width + 8 * maxHorizontalSampling - 1) / (8 * maxHorizontalSampling)
            mcuRows = (height + 8 * maxVerticalSampling - 1) / (8 * maxVerticalSampling)
            for i in components.indices {
                let h = components[i].horizontalSampling, v = components[i].verticalSampling
                components[i].width = (width * h + maxHorizontalSampling - 1) / maxHorizontalSampling
                components[i].height = (height * v + maxVerticalSampling - 1) / maxVerticalSampling
                components[i].widthInBlocks = (components[i].width + 7) / 8
                components[i].heightInBlocks = (components[i].height + 7) / 8
                components[i].blocksPerLine = mcusPerLine * h
                components[i].blocksPerColumn = mcuRows * v
            }
        }

        /// Total stored blocks over all components.
        var storedBlocks: Int {
            components.reduce(0) { $0 + $1.blocksPerLine * $1.blocksPerColumn }
        }

        /// Blocks a decoder must receive data for (the non-interleaved grids).
        var codedBlocks: Int {
            components.reduce(0) { $0 + $1.widthInBlocks * $1.heightInBlocks }
        }
    }

    /// A zero-initialised, fixed-size buffer with a stable address, freed with its owner.
    final class Storage<Element> {
        let pointer: UnsafeMutablePointer<Element>
        let count: Int

        init(count: Int, zero: Element) {
            self.count = count
            pointer = .allocate(capacity: max(count, 1))
            pointer.initialize(repeating: zero, count: max(count, 1))
        }

        deinit { pointer.deallocate() }
    }

    /// Decoded samples of one component: `blocksPerLine·8` columns by `blocksPerColumn·8` rows.
    struct Plane {
        let storage: Storage<UInt8>
        let stride: Int
        let rows: Int

        init(component: Component) {
            stride = component.blocksPerLine * 8
            rows = component.blocksPerColumn * 8
            storage = Storage(count: stride * rows, zero: 0)
        }

        /// First sample of row `y`.
        @inline(__always) func row(_ y: Int) -> UnsafeMutablePointer<UInt8> {
            storage.pointer + y &* stride
        }
    }

    /// Quantized coefficients of one component, 64 per block in natural (row-major) order,
    /// blocks row-major over the `blocksPerLine` × `blocksPerColumn` grid.
    struct CoefficientGrid {
        let storage: Storage<Int16>
        let blocksPerLine: Int

        init(component: Component) {
            blocksPerLine = component.blocksPerLine
            storage = Storage(count: component.blocksPerLine * component.blocksPerColumn * 64, zero: 0)
        }

        /// The 64 coefficients of block (column `x`, row `y`).
        @inline(__always) func block(x: Int, y: Int) -> UnsafeMutablePointer<Int16> {
            storage.pointer + (y &* blocksPerLine &+ x) &* 64
        }
    }
}
