using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Core;

/// <summary>
/// Finds the first NaN or ±Inf in a float span: a float is not finite exactly when its exponent
/// bits are all ones, so each vector is one AND and one compare (512 → 256 → 128 → scalar).
/// </summary>
internal static class NonFinite
{
    private const uint ExponentMask = 0x7F80_0000;

    /// <summary>Index of the first non-finite value, or −1 when all are finite.</summary>
    public static int IndexOf(ReadOnlySpan<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var mask = Vector512.Create(ExponentMask);
            for (; i <= bits.Length - 16; i += 16)
            {
                if (Vector512.EqualsAny(Vector512.Create(bits.Slice(i, 16)) & mask, mask))
                    return i + Scalar(bits.Slice(i, 16));
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create(ExponentMask);
            for (; i <= bits.Length - 8; i += 8)
            {
                if (Vector256.EqualsAny(Vector256.Create(bits.Slice(i, 8)) & mask, mask))
                    return i + Scalar(bits.Slice(i, 8));
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var mask = Vector128.Create(ExponentMask);
            for (; i <= bits.Length - 4; i += 4)
            {
                if (Vector128.EqualsAny(Vector128.Create(bits.Slice(i, 4)) & mask, mask))
                    return i + Scalar(bits.Slice(i, 4));
            }
        }
        int rest = Scalar(bits[i..]);
        return rest < 0 ? -1 : i + rest;
    }

    /// <summary>"NaN", "+Inf" or "-Inf", for messages.</summary>
    public static string Describe(float value) =>
        float.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";

    /// <summary>The scalar definition: first index whose exponent bits are all ones.</summary>
    private static int Scalar(ReadOnlySpan<uint> bits)
    {
        for (int i = 0; i < bits.Length; i++)
        {
            if ((bits[i] & ExponentMask) == ExponentMask)
                return i;
        }
        return -1;
    }
}
