using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// Dot products in one fixed summation order, whatever the vector width: element e goes to lane
/// e mod 32 (lane = fma(a[e], b[e], lane), e ascending), then the 32 lanes are added as a fixed
/// tree (lane l += lane l + h for h = 16, 8, 4, 2, 1). Every width (512, 256, 128 bits, scalar)
/// performs exactly these operations, so a result has the same bits on every machine.
/// </summary>
/// <remarks>
/// The lanes are computed one group of a vector's width at a time: for a group, one pass over the
/// 32-element blocks of the rows, with one accumulator per row. <see cref="Dot4"/> runs four rows
/// against the same <c>a</c> at once, which keeps four independent chains and four memory streams
/// in flight (the rows are usually gathered from a large matrix).
/// </remarks>
internal static class LaneDot
{
    /// <summary>Number of partial sums.</summary>
    public const int Lanes = 32;

    /// <summary>Σ a[e]·b[e] in the fixed order; <paramref name="b"/> has at least a.Length elements.</summary>
    [SkipLocalsInit]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<float> lanes = stackalloc float[Lanes];
        int full = a.Length - (a.Length % Lanes);
        ref float pb = ref MemoryMarshal.GetReference(b);
        if (Vector512.IsHardwareAccelerated)
            Blocks<Simd.W512, Vector512<float>>(a, ref pb, full, lanes);
        else if (Vector256.IsHardwareAccelerated)
            Blocks<Simd.W256, Vector256<float>>(a, ref pb, full, lanes);
        else if (Vector128.IsHardwareAccelerated)
            Blocks<Simd.W128, Vector128<float>>(a, ref pb, full, lanes);
        else
            Blocks<Simd.W1, float>(a, ref pb, full, lanes);
        return Finish(a, b, full, lanes);
    }

    /// <summary>results[r] = Dot(a, b_r) for the four rows, each with the same bits as <see cref="Dot"/>.</summary>
    [SkipLocalsInit]
    public static void Dot4(ReadOnlySpan<float> a, ReadOnlySpan<float> b0, ReadOnlySpan<float> b1, ReadOnlySpan<float> b2, ReadOnlySpan<float> b3, Span<float> results)
    {
        Span<float> lanes = stackalloc float[4 * Lanes];
        int full = a.Length - (a.Length % Lanes);
        ref float p0 = ref MemoryMarshal.GetReference(b0);
        ref float p1 = ref MemoryMarshal.GetReference(b1);
        ref float p2 = ref MemoryMarshal.GetReference(b2);
        ref float p3 = ref MemoryMarshal.GetReference(b3);
        if (Vector512.IsHardwareAccelerated)
            Blocks4<Simd.W512, Vector512<float>>(a, ref p0, ref p1, ref p2, ref p3, full, lanes);
        else if (Vector256.IsHardwareAccelerated)
            Blocks4<Simd.W256, Vector256<float>>(a, ref p0, ref p1, ref p2, ref p3, full, lanes);
        else if (Vector128.IsHardwareAccelerated)
            Blocks4<Simd.W128, Vector128<float>>(a, ref p0, ref p1, ref p2, ref p3, full, lanes);
        else
            Blocks4<Simd.W1, float>(a, ref p0, ref p1, ref p2, ref p3, full, lanes);
        results[0] = Finish(a, b0, full, lanes[..Lanes]);
        results[1] = Finish(a, b1, full, lanes.Slice(Lanes, Lanes));
        results[2] = Finish(a, b2, full, lanes.Slice(2 * Lanes, Lanes));
        results[3] = Finish(a, b3, full, lanes.Slice(3 * Lanes, Lanes));
    }

    /// <summary><see cref="Dot"/> computed at width 1, so tests can compare the widths.</summary>
    [SkipLocalsInit]
    internal static float DotScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<float> lanes = stackalloc float[Lanes];
        int full = a.Length - (a.Length % Lanes);
        Blocks<Simd.W1, float>(a, ref MemoryMarshal.GetReference(b), full, lanes);
        return Finish(a, b, full, lanes);
    }

    // Lanes of the elements [0, full) (whole 32-blocks) of a·b into lanes[0..32).
    private static void Blocks<TOps, TVec>(ReadOnlySpan<float> a, ref float b, int full, Span<float> lanes)
        where TOps : ISimd<TVec>
        where TVec : struct
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pl = ref MemoryMarshal.GetReference(lanes);
        for (int g = 0; g < Lanes; g += TOps.Count)
        {
            TVec s = TOps.Splat(0f);
            for (int i = g; i < full; i += Lanes)
                s = TOps.MultiplyAdd(TOps.Load(ref pa, (nuint)i), TOps.Load(ref b, (nuint)i), s);
            TOps.Store(s, ref pl, (nuint)g);
        }
    }

    // Blocks for four rows at once; row r's lanes go to lanes[32·r .. 32·r + 32).
    private static void Blocks4<TOps, TVec>(ReadOnlySpan<float> a, ref float b0, ref float b1, ref float b2, ref float b3, int full, Span<float> lanes)
        where TOps : ISimd<TVec>
        where TVec : struct
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pl = ref MemoryMarshal.GetReference(lanes);
        for (int g = 0; g < Lanes; g += TOps.Count)
        {
            TVec s0 = TOps.Splat(0f), s1 = s0, s2 = s0, s3 = s0;
            for (int i = g; i < full; i += Lanes)
            {
                TVec va = TOps.Load(ref pa, (nuint)i);
                s0 = TOps.MultiplyAdd(va, TOps.Load(ref b0, (nuint)i), s0);
                s1 = TOps.MultiplyAdd(va, TOps.Load(ref b1, (nuint)i), s1);
                s2 = TOps.MultiplyAdd(va, TOps.Load(ref b2, (nuint)i), s2);
                s3 = TOps.MultiplyAdd(va, TOps.Load(ref b3, (nuint)i), s3);
            }
            TOps.Store(s0, ref pl, (nuint)g);
            TOps.Store(s1, ref pl, (nuint)(Lanes + g));
            TOps.Store(s2, ref pl, (nuint)((2 * Lanes) + g));
            TOps.Store(s3, ref pl, (nuint)((3 * Lanes) + g));
        }
    }

    // Adds the elements [full, a.Length) (the partial block) to their lanes, then the fixed tree.
    private static float Finish(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int full, Span<float> lanes)
    {
        for (int e = full; e < a.Length; e++)
            lanes[e & (Lanes - 1)] = MathF.FusedMultiplyAdd(a[e], b[e], lanes[e & (Lanes - 1)]);
        for (int half = Lanes / 2; half >= 1; half >>= 1)
        {
            for (int l = 0; l < half; l++)
                lanes[l] += lanes[l + half];
        }
        return lanes[0];
    }
}
