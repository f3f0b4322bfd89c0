using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// Dot product of two float spans accumulated in double over 16 fixed lanes (lane j takes the
/// indices ≡ j mod 16, in increasing order), the lanes then combined by <see cref="Lanes16.Reduce"/>.
/// Each float·float product is exact in double, so the 512-, 256-, 128-bit and scalar paths perform
/// the same roundings in the same order and agree bit for bit, on any machine; the result has the
/// accuracy of a double sum (relative error ≈ n·2⁻⁵³), far below float resolution.
/// </summary>
internal static class DoubleLaneDot
{
    /// <summary>Σᵢ aᵢ·bᵢ in double with the fixed 16-lane order. Spans must have equal length (unchecked).</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        int n = a.Length, i = 0;
        var lanes = new Lanes16();
        if (n >= Lanes16.Count)
        {
            if (Vector512.IsHardwareAccelerated)
                i = Dot512(ref a0, ref b0, n, ref lanes);
            else if (Vector256.IsHardwareAccelerated)
                i = Dot256(ref a0, ref b0, n, ref lanes);
            else if (Vector128.IsHardwareAccelerated)
                i = Dot128(ref a0, ref b0, n, ref lanes);
        }
        for (; i < n; i++)
            lanes[i & (Lanes16.Count - 1)] += (double)Unsafe.Add(ref a0, i) * Unsafe.Add(ref b0, i);
        return lanes.Reduce();
    }

    private static int Dot512(ref float a0, ref float b0, int n, ref Lanes16 lanes)
    {
        Vector512<double> s0 = default, s1 = default; // lanes 0-7, 8-15
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            var (al, ah) = Vector512.Widen(Vector512.LoadUnsafe(ref a0, (nuint)i));
            var (bl, bh) = Vector512.Widen(Vector512.LoadUnsafe(ref b0, (nuint)i));
            s0 += al * bl;
            s1 += ah * bh;
        }
        ref double l0 = ref lanes[0];
        s0.StoreUnsafe(ref l0, 0);
        s1.StoreUnsafe(ref l0, 8);
        return i;
    }

    private static int Dot256(ref float a0, ref float b0, int n, ref Lanes16 lanes)
    {
        Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default; // lanes 0-3, 4-7, 8-11, 12-15
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            var (al, ah) = Vector256.Widen(Vector256.LoadUnsafe(ref a0, (nuint)i));
            var (bl, bh) = Vector256.Widen(Vector256.LoadUnsafe(ref b0, (nuint)i));
            s0 += al * bl;
            s1 += ah * bh;
            (al, ah) = Vector256.Widen(Vector256.LoadUnsafe(ref a0, (nuint)(i + 8)));
            (bl, bh) = Vector256.Widen(Vector256.LoadUnsafe(ref b0, (nuint)(i + 8)));
            s2 += al * bl;
            s3 += ah * bh;
        }
        ref double l0 = ref lanes[0];
        s0.StoreUnsafe(ref l0, 0);
        s1.StoreUnsafe(ref l0, 4);
        s2.StoreUnsafe(ref l0, 8);
        s3.StoreUnsafe(ref l0, 12);
        return i;
    }

    private static int Dot128(ref float a0, ref float b0, int n, ref Lanes16 lanes)
    {
        // Eight two-lane accumulators live in the lane buffer itself; this path only runs on
        // machines without 256-bit vectors.
        ref double l0 = ref lanes[0];
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            for (int q = 0; q < 16; q += 4)
            {
                var (al, ah) = Vector128.Widen(Vector128.LoadUnsafe(ref a0, (nuint)(i + q)));
                var (bl, bh) = Vector128.Widen(Vector128.LoadUnsafe(ref b0, (nuint)(i + q)));
                (Vector128.LoadUnsafe(ref l0, (nuint)q) + al * bl).StoreUnsafe(ref l0, (nuint)q);
                (Vector128.LoadUnsafe(ref l0, (nuint)(q + 2)) + ah * bh).StoreUnsafe(ref l0, (nuint)(q + 2));
            }
        }
        return i;
    }
}
