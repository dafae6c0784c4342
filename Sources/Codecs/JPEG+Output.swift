// The last stage of a JPEG decode: decoded component planes → Image, one output row at a time.
// Each component row is upsampled to full size (JPEG+Upsampling) and the three rows converted
// from YCbCr (JPEG+ColorConversion) or interleaved unchanged (RGB-coded files); greyscale is
// copied. Rows beyond a component's real size are never read: edges replicate the last real
// row and column, as libjpeg's context rows do (jdmainct.c).

extension JPEG {
    enum ColorTransform {
        case none, yCbCr
    }

    static func assembleImage(frame: Frame, planes: [Plane], transform: ColorTransform) -> Image {
        let width = frame.width, height = frame.height
        let channels = frame.components.count == 1 ? 1 : 3
        let components = frame.components
        let methods = components.map {
            Upsampling.method(horizontal: frame.maxHorizontalSampling / $0.horizontalSampling,
                              vertical: frame.maxVerticalSampling / $0.verticalSampling,
                              componentWidth: $0.width)
        }
        let rowCapacity = max(width, 2 * (components.map(\.width).max() ?? 0)) + 16
        let scratch = Storage<UInt8>(count: rowCapacity * components.count, zero: 0)
        let sums = Storage<Int32>(count: rowCapacity, zero: 0)
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * channels) { buffer, count in
            let out = buffer.baseAddress!
            var rows = [UnsafePointer<UInt8>](repeating: UnsafePointer(scratch.pointer), count: components.count)
            for y in 0..<height {
                for c in components.indices {
                    let component = components[c], plane = planes[c]
                    let row = scratch.pointer + c * rowCapacity
                    let lastRow = component.height - 1
                    switch methods[c] {
                    case .fullSize:
                        rows[c] = UnsafePointer(plane.row(y))
                    case .h2v1Fancy:
                        upsampleH2V1(plane.row(y), width: component.width, row)
                        rows[c] = UnsafePointer(row)
                    case .h1v2Fancy:
                        let near = y / 2, far = y % 2 == 0 ? max(near - 1, 0) : min(near + 1, lastRow)
                        upsampleH1V2(near: plane.row(near), far: plane.row(far), width: component.width,
                                     bias: y % 2 == 0 ? 1 : 2, row)
                        rows[c] = UnsafePointer(row)
                    case .h2v2Fancy:
                        let near = y / 2, far = y % 2 == 0 ? max(near - 1, 0) : min(near + 1, lastRow)
                        upsampleH2V2(near: plane.row(near), far: plane.row(far), width: component.width,
                                     sums: sums.pointer, row)
                        rows[c] = UnsafePointer(row)
                    case .box(let h, let v):
                        let source = plane.row(min(y / v, lastRow))
                        if h == 1 {
                            rows[c] = UnsafePointer(source)
                        } else {
                            upsampleBox(source, width: component.width, factor: h, row)
                            rows[c] = UnsafePointer(row)
                        }
                    }
                }
                let target = out + y * width * channels
                if channels == 1 {
                    target.update(from: rows[0], count: width)
                } else if transform == .yCbCr {
                    convertYCbCrToRGB(y: rows[0], cb: rows[1], cr: rows[2], count: width, target)
                } else {
                    interleave(rows[0], rows[1], rows[2], count: width, target)
                }
            }
            count = width * height * channels
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }
}
