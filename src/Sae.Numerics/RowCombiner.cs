using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// dst[e] = fma(c_t, rows[r_t, e], dst[e]) for the terms t = 0, 1, … in order: the shared inner
/// loop of sparse decode (bias + Σ_j values·W_dec rows) and of the sparse scatter-add (a latent's
/// gradient row + Σ coefficient·input rows). Every element sees the same fused multiply-adds in
/// the same order at every vector width, so results are bit-identical across machines and match
/// the scalar references exactly.
/// </summary>
internal static class RowCombiner
{
    // Vectors kept in registers per pass over the terms: 4 × 16 floats at 512 bits.
    private const int Tile = 4;

    /// <summary>Accumulates the <paramref name="terms"/> into <paramref name="destination"/> ([d]).</summary>
    /// <param name="destination">Row of length d, updated in place.</param>
    /// <param name="rows">Row-major matrix with rows of length d = destination.Length.</param>
    /// <param name="terms">The (coefficient, row) terms, in accumulation order.</param>
    public static void Accumulate<TTerms>(Span<float> destination, ReadOnlySpan<float> rows, scoped in TTerms terms)
        where TTerms : IRowTerms, allows ref struct
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = Accumulate<Simd.W512, Vector512<float>, TTerms>(destination, rows, terms, i);
        if (Vector256.IsHardwareAccelerated)
            i = Accumulate<Simd.W256, Vector256<float>, TTerms>(destination, rows, terms, i);
        if (Vector128.IsHardwareAccelerated)
            i = Accumulate<Simd.W128, Vector128<float>, TTerms>(destination, rows, terms, i);
        Accumulate<Simd.W1, float, TTerms>(destination, rows, terms, i);
    }

    // Columns [start, …) in tiles of Tile vectors, then single vectors; returns the first column
    // left (fewer than one vector remain).
    private static int Accumulate<TOps, TVec, TTerms>(Span<float> destination, ReadOnlySpan<float> rows, scoped in TTerms terms, int start)
        where TOps : ISimd<TVec>
        where TVec : struct
        where TTerms : IRowTerms, allows ref struct
    {
        int d = destination.Length;
        int w = TOps.Count;
        int count = terms.Count;
        ref float dst = ref MemoryMarshal.GetReference(destination);
        ref float src = ref MemoryMarshal.GetReference(rows);
        int i = start;
        for (; i <= d - (Tile * w); i += Tile * w)
        {
            TVec a0 = TOps.Load(ref dst, (nuint)i), a1 = TOps.Load(ref dst, (nuint)(i + w));
            TVec a2 = TOps.Load(ref dst, (nuint)(i + (2 * w))), a3 = TOps.Load(ref dst, (nuint)(i + (3 * w)));
            for (int t = 0; t < count; t++)
            {
                TVec c = TOps.Splat(terms.Coefficient(t));
                ref float row = ref Unsafe.Add(ref src, (nint)terms.Row(t) * d + i);
                a0 = TOps.MultiplyAdd(c, TOps.Load(ref row, 0), a0);
                a1 = TOps.MultiplyAdd(c, TOps.Load(ref row, (nuint)w), a1);
                a2 = TOps.MultiplyAdd(c, TOps.Load(ref row, (nuint)(2 * w)), a2);
                a3 = TOps.MultiplyAdd(c, TOps.Load(ref row, (nuint)(3 * w)), a3);
            }
            TOps.Store(a0, ref dst, (nuint)i);
            TOps.Store(a1, ref dst, (nuint)(i + w));
            TOps.Store(a2, ref dst, (nuint)(i + (2 * w)));
            TOps.Store(a3, ref dst, (nuint)(i + (3 * w)));
        }
        for (; i <= d - w; i += w)
        {
            TVec a = TOps.Load(ref dst, (nuint)i);
            for (int t = 0; t < count; t++)
                a = TOps.MultiplyAdd(TOps.Splat(terms.Coefficient(t)), TOps.Load(ref src, (nuint)((nint)terms.Row(t) * d + i)), a);
            TOps.Store(a, ref dst, (nuint)i);
        }
        return i;
    }
}
