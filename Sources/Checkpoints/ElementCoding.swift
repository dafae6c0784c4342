// ElementCoding: turning raw storage bytes into CheckpointTensor values and back. Reading
// follows a strided layout (shape, strides and offset in elements, as PyTorch tensors view
// their storage) and produces contiguous row-major values; writing emits contiguous
// little-endian bytes. Part of Checkpoints, shared by the PyTorch and safetensors formats.
// Callers validate layouts against the storage size first (see StridedLayout.requiredCount).

/// Where a tensor's elements lie in a storage, counted in elements of its type.
struct StridedLayout: Equatable {
    var shape: [Int]
    var strides: [Int]
    var offset: Int

    /// The dense row-major layout of `shape` at the start of a storage.
    static func contiguous(_ shape: [Int]) -> StridedLayout {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step = step &* shape[axis]
        }
        return StridedLayout(shape: shape, strides: strides, offset: 0)
    }

    /// Number of elements of the view, or nil if it overflows or an extent is negative.
    var count: Int? {
        var total = 1
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// True when the view is one dense row-major run (axes of extent 1 may have any stride).
    var isDense: Bool {
        var expected = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected = expected &* shape[axis]
        }
        return true
    }

    /// Storage elements the view needs (one past the largest index it touches; 0 for an empty
    /// view), or nil if a stride or the offset is negative or the arithmetic overflows.
    var requiredCount: Int? {
        guard shape.count == strides.count, offset >= 0, strides.allSatisfy({ $0 >= 0 }),
              let count = count else { return nil }
        if count == 0 { return 0 }
        var last = offset
        for (extent, step) in zip(shape, strides) {
            let (span, overflow) = (extent - 1).multipliedReportingOverflow(by: step)
            if overflow { return nil }
            let (sum, overflow2) = last.addingReportingOverflow(span)
            if overflow2 { return nil }
            last = sum
        }
        let (end, overflow) = last.addingReportingOverflow(1)
        return overflow ? nil : end
    }
}

enum ElementCoding {
    /// Reads the elements of `layout` from `storage` (little-endian unless `bigEndian`).
    /// The layout must already be validated: `requiredCount * dtype.size <= storage.count`.
    static func decode(_ storage: ArraySlice<UInt8>, dtype: CheckpointDType, layout: StridedLayout,
                       bigEndian: Bool = false) -> CheckpointTensor {
        guard let count = layout.count, let required = layout.requiredCount else {
            preconditionFailure("invalid layout \(layout)")
        }
        precondition(required * dtype.size <= storage.count, "layout \(layout) exceeds the storage")
        return storage.withUnsafeBytes { raw -> CheckpointTensor in
            #if _endian(little)
            if dtype == .float32, !bigEndian, count > 0, layout.isDense {  // the common case: one copy
                let source = UnsafeRawBufferPointer(rebasing: raw[(layout.offset * 4)..<((layout.offset + count) * 4)])
                return floats([Float](unsafeUninitializedCapacity: count) { out, initialized in
                    UnsafeMutableRawBufferPointer(out).copyMemory(from: source)
                    initialized = count
                })
            }
            #endif
            switch dtype {
            case .float32:
                return floats(gather(raw, layout, count, bigEndian) { (w: UInt32) in Float(bitPattern: w) })
            case .float64:
                return CheckpointTensor(shape: layout.shape,
                                        doubles: gather(raw, layout, count, bigEndian) { (w: UInt64) in Double(bitPattern: w) })
            case .float16:
                return floats(gather(raw, layout, count, bigEndian) { (w: UInt16) in ReducedPrecision.float(fromHalf: w) })
            case .bfloat16:
                return floats(gather(raw, layout, count, bigEndian) { (w: UInt16) in ReducedPrecision.float(fromBFloat16: w) })
            case .bool:
                return integers(gather(raw, layout, count, bigEndian) { (w: UInt8) in w == 0 ? 0 : 1 })
            case .uint8:
                return integers(gather(raw, layout, count, bigEndian) { (w: UInt8) in Int64(w) })
            case .int8:
                return integers(gather(raw, layout, count, bigEndian) { (w: UInt8) in Int64(Int8(bitPattern: w)) })
            case .int16:
                return integers(gather(raw, layout, count, bigEndian) { (w: UInt16) in Int64(Int16(bitPattern: w)) })
            case .int32:
                return integers(gather(raw, layout, count, bigEndian) { (w: UInt32) in Int64(Int32(bitPattern: w)) })
            case .int64:
                return integers(gather(raw, layout, count, bigEndian) { (w: UInt64) in Int64(bitPattern: w) })
            }
        }
        func floats(_ values: [Float]) -> CheckpointTensor {
            CheckpointTensor(shape: layout.shape, floats: values, dtype: dtype)
        }
        func integers(_ values: [Int64]) -> CheckpointTensor {
            CheckpointTensor(shape: layout.shape, integers: values, dtype: dtype)
        }
    }

    /// Visits the view in row-major order, one run along the last axis at a time.
    private static func gather<Word: FixedWidthInteger, Value>(
        _ raw: UnsafeRawBufferPointer, _ layout: StridedLayout, _ count: Int, _ bigEndian: Bool,
        _ convert: (Word) -> Value
    ) -> [Value] {
        let size = MemoryLayout<Word>.size
        return [Value](unsafeUninitializedCapacity: count) { out, initialized in
            initialized = 0
            guard count > 0 else { return }
            let rank = layout.shape.count
            if rank == 0 {
                let word = raw.loadUnaligned(fromByteOffset: layout.offset &* size, as: Word.self)
                out[0] = convert(bigEndian ? Word(bigEndian: word) : Word(littleEndian: word))
                initialized = 1
                return
            }
            let runLength = layout.shape[rank - 1]
            let runStride = layout.strides[rank - 1]
            var index = [Int](repeating: 0, count: rank - 1)  // odometer over the outer axes
            var start = layout.offset
            var written = 0
            while written < count {
                var element = start
                for _ in 0..<runLength {
                    let word = raw.loadUnaligned(fromByteOffset: element &* size, as: Word.self)
                    out[written] = convert(bigEndian ? Word(bigEndian: word) : Word(littleEndian: word))
                    written &+= 1
                    element &+= runStride
                }
                var axis = rank - 2
                while axis >= 0 {
                    index[axis] += 1
                    start &+= layout.strides[axis]
                    if index[axis] < layout.shape[axis] { break }
                    start &-= layout.strides[axis] &* layout.shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
            initialized = written
        }
    }

    /// The tensor's values as contiguous little-endian bytes of its dtype (floats are rounded
    /// to nearest-even when the dtype is narrower than Float32).
    static func encode(_ tensor: CheckpointTensor) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(tensor.count * tensor.dtype.size)
        func append<Word: FixedWidthInteger>(_ word: Word) {
            var little = word.littleEndian
            withUnsafeBytes(of: &little) { out.append(contentsOf: $0) }
        }
        switch tensor.values {
        case .floats(let values):
            switch tensor.dtype {
            case .float32: for v in values { append(v.bitPattern) }
            case .float64: for v in values { append(Double(v).bitPattern) }
            case .float16: for v in values { append(ReducedPrecision.half(from: v)) }
            case .bfloat16: for v in values { append(ReducedPrecision.bfloat16(from: v)) }
            default: preconditionFailure("float values with integer dtype \(tensor.dtype)")
            }
        case .doubles(let values):
            for v in values { append(v.bitPattern) }
        case .integers(let values):
            switch tensor.dtype {
            case .bool, .uint8, .int8: for v in values { out.append(UInt8(truncatingIfNeeded: v)) }
            case .int16: for v in values { append(Int16(truncatingIfNeeded: v)) }
            case .int32: for v in values { append(Int32(truncatingIfNeeded: v)) }
            case .int64: for v in values { append(v) }
            default: preconditionFailure("integer values with floating dtype \(tensor.dtype)")
            }
        }
        return out
    }
}
