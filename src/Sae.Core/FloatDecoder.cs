using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Core;

/// <summary>
/// Converts little-endian tensor bytes to float32. F16 and BF16 convert exactly (every binary16 and
/// bfloat16 value is a float32); F64 rounds to nearest. The reader assumes a little-endian machine,
/// as .NET's supported platforms are.
/// </summary>
internal static class FloatDecoder
{
    /// <summary>dst[i] = value i of <paramref name="src"/> (dst.Length · size bytes) as float32.</summary>
    public static void Decode(TensorDType dtype, ReadOnlySpan<byte> src, Span<float> dst)
    {
        switch (dtype)
        {
            case TensorDType.F32:
                MemoryMarshal.Cast<byte, float>(src)[..dst.Length].CopyTo(dst);
                break;
            case TensorDType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(src)[..dst.Length], dst);
                break;
            case TensorDType.BF16:
                BFloat16ToSingle(MemoryMarshal.Cast<byte, ushort>(src)[..dst.Length], dst);
                break;
            case TensorDType.F64:
                var d = MemoryMarshal.Cast<byte, double>(src);
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (float)d[i];
                break;
            default:
                throw new ArgumentException($"{dtype} is not a floating-point dtype.", nameof(dtype));
        }
    }

    /// <summary>float32 bits = bfloat16 bits ≪ 16 (exact; NaN payloads kept).</summary>
    public static void BFloat16ToSingle(ReadOnlySpan<ushort> src, Span<float> dst)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var bits = MemoryMarshal.Cast<float, uint>(dst);
            for (; i <= src.Length - 8; i += 8)
            {
                var v = Vector128.Create(src.Slice(i, 8));
                var (lo, hi) = Vector128.Widen(v);
                Vector128.ShiftLeft(lo, 16).CopyTo(bits.Slice(i, 4));
                Vector128.ShiftLeft(hi, 16).CopyTo(bits.Slice(i + 4, 4));
            }
        }
        for (; i < src.Length; i++)
            dst[i] = BitConverter.Int32BitsToSingle(src[i] << 16);
    }

    /// <summary>The nearest bfloat16 (round to nearest even; NaN stays NaN), for tests and writers.</summary>
    public static ushort SingleToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
            return (ushort)((bits >> 16) | 0x40);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
