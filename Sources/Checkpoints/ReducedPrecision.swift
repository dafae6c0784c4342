// ReducedPrecision: bit-level conversions between Float32 and the 16-bit float formats that
// checkpoints store (IEEE 754 binary16 "half", and bfloat16 = the upper half of a Float32).
// Part of Checkpoints (used by the PyTorch and safetensors readers and the safetensors
// writer). Widening is exact; narrowing rounds to nearest, ties to even, as PyTorch does.
// Written on bit patterns so it needs no platform Float16 support.

enum ReducedPrecision {
    /// The Float32 value of a binary16 bit pattern (exact).
    @inline(__always)
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {  // infinity or NaN: keep the payload
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {  // zero or subnormal: mantissa × 2^-24, exact in Float32
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// The binary16 bit pattern nearest to `value` (ties to even; overflow gives infinity).
    static func half(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            guard mantissa != 0 else { return sign | 0x7C00 }
            let payload = UInt16(truncatingIfNeeded: mantissa >> 13)  // kept, so NaNs read from a file survive
            return sign | 0x7C00 | (payload == 0 ? 0x200 : payload)
        }
        let halfExponent = exponent - 112  // rebias 127 -> 15
        if halfExponent >= 31 { return sign | 0x7C00 }
        if halfExponent <= 0 {
            if halfExponent < -10 { return sign }  // below 2^-25: rounds to zero
            let significand = mantissa | 0x80_0000
            let shift = UInt32(14 - halfExponent)  // 14...24
            var result = significand >> shift
            let remainder = significand & ((1 << shift) - 1)
            let halfway: UInt32 = 1 << (shift - 1)
            if remainder > halfway || (remainder == halfway && result & 1 == 1) { result += 1 }
            return sign | UInt16(truncatingIfNeeded: result)
        }
        var result = UInt32(halfExponent) << 10 | (mantissa >> 13)
        let remainder = mantissa & 0x1FFF
        if remainder > 0x1000 || (remainder == 0x1000 && result & 1 == 1) { result += 1 }  // may carry to infinity
        return sign | UInt16(truncatingIfNeeded: result)
    }

    /// The Float32 value of a bfloat16 bit pattern (exact).
    @inline(__always)
    static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The bfloat16 bit pattern nearest to `value` (ties to even; NaN stays a quiet NaN).
    static func bfloat16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x40 }
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }
}
