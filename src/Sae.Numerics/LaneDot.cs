using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// Dot product in one fixed summation order, whatever the vector width: element e goes to lane
/// e mod 32 (lane = fma(a[e], b[e], lane), e ascending), then the 32 lanes are added as a fixed
/// tree (lane i += lane i + h for h = 16, 8, 4, 2, 1). Every width (512, 256, 128 bits, scalar)
/// performs exactly these operations, so the result has the same bits on every machine.
/// </summary>
internal static class LaneDot
{
    /// <summary>Number of partial sums.</summary>
    public const int Lanes = 32;

    /// <summary>Σ a[e]·b[e] in the fixed order above; <paramref name="b"/> must be at least as long as <paramref name="a"/>.</summary>
    [SkipLocalsInit]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<float> lanes = stackalloc float[Lanes];
        int i;
        if (Vector512.IsHardwareAccelerated)
            i = Lanes512(a, b, lanes);
        else if (Vector256.IsHardwareAccelerated)
            i = Lanes256(a, b, lanes);
        else if (Vector128.IsHardwareAccelerated)
            i = Lanes128(a, b, lanes);
        else
            i = LanesScalar(lanes);
        return Finish(a, b, i, lanes);
    }

    /// <summary>Scalar form of <see cref="Dot"/>, kept callable so tests can compare widths.</summary>
    [SkipLocalsInit]
    internal static float DotScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<float> lanes = stackalloc float[Lanes];
        return Finish(a, b, LanesScalar(lanes), lanes);
    }

    // Adds the elements from `start` (the last, partial block) to their lanes, then reduces.
    private static float Finish(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int start, Span<float> lanes)
    {
        for (int e = start; e < a.Length; e++)
            lanes[e & (Lanes - 1)] = MathF.FusedMultiplyAdd(a[e], b[e], lanes[e & (Lanes - 1)]);
        for (int half = Lanes / 2; half >= 1; half >>= 1)
        {
            for (int l = 0; l < half; l++)
                lanes[l] += lanes[l + half];
        }
        return lanes[0];
    }

    private static int LanesScalar(Span<float> lanes)
    {
        lanes.Clear();
        return 0;
    }

    // Each LanesNNN runs the whole 32-element blocks, stores the lanes and returns where it stopped.
    private static int Lanes512(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> lanes)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector512<float> s0 = Vector512<float>.Zero, s1 = Vector512<float>.Zero;
        int i = 0;
        for (; i <= a.Length - Lanes; i += Lanes)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i + 16), Vector512.LoadUnsafe(ref pb, (nuint)i + 16), s1);
        }
        ref float pl = ref MemoryMarshal.GetReference(lanes);
        s0.StoreUnsafe(ref pl, 0);
        s1.StoreUnsafe(ref pl, 16);
        return i;
    }

    private static int Lanes256(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> lanes)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= a.Length - Lanes; i += Lanes)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i + 8), Vector256.LoadUnsafe(ref pb, (nuint)i + 8), s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i + 16), Vector256.LoadUnsafe(ref pb, (nuint)i + 16), s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i + 24), Vector256.LoadUnsafe(ref pb, (nuint)i + 24), s3);
        }
        ref float pl = ref MemoryMarshal.GetReference(lanes);
        s0.StoreUnsafe(ref pl, 0);
        s1.StoreUnsafe(ref pl, 8);
        s2.StoreUnsafe(ref pl, 16);
        s3.StoreUnsafe(ref pl, 24);
        return i;
    }

    private static int Lanes128(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> lanes)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pl = ref MemoryMarshal.GetReference(lanes);
        // Eight 4-wide accumulators, one per group of lanes; the loop over groups keeps the
        // per-lane order (e ascending) because groups are independent.
        for (int g = 0; g < Lanes; g += 4)
        {
            Vector128<float> s = default;
            for (int i = g; i <= a.Length - Lanes + g; i += Lanes)
                s = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref pa, (nuint)i), Vector128.LoadUnsafe(ref pb, (nuint)i), s);
            s.StoreUnsafe(ref pl, (nuint)g);
        }
        return a.Length - (a.Length % Lanes);
    }
}
