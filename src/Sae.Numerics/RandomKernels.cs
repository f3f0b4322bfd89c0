using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// Fills of one contiguous range whose first element has logical index <c>first</c>: element e
/// takes word (e mod 4) of Philox block e / 4 (<see cref="Philox.Words"/>). Whole blocks go through
/// <see cref="PhiloxSimd"/> at the widest accelerated width (one loop per fill, instantiated per
/// width); a partial block at either end is done element by element; both give the same words and
/// the same float operations.
/// </summary>
internal static class RandomKernels
{
    /// <summary>dst[j] = word of element first + j.</summary>
    public static void Bits(Span<uint> dst, ulong seed, ulong stream, ulong first)
    {
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        int i = Head(dst.Length, first);
        for (int j = 0; j < i; j++)
            dst[j] = Philox.Words(seed, stream, (first + (ulong)j) / 4).GetElement((int)((first + (ulong)j) & 3));
        ulong block = (first + (ulong)i) / 4;
        if (Vector512.IsHardwareAccelerated)
            i = WordVectors<PhiloxSimd.W512, Vector512<float>>(dst, i, block, stream, k0, k1);
        else if (Vector256.IsHardwareAccelerated)
            i = WordVectors<PhiloxSimd.W256, Vector256<float>>(dst, i, block, stream, k0, k1);
        else if (Vector128.IsHardwareAccelerated)
            i = WordVectors<PhiloxSimd.W128, Vector128<float>>(dst, i, block, stream, k0, k1);
        for (; i < dst.Length; i++)
            dst[i] = Philox.Words(seed, stream, (first + (ulong)i) / 4).GetElement((int)((first + (ulong)i) & 3));
    }

    /// <summary>dst[j] = map(word of element first + j).</summary>
    public static void Uniform(Span<float> dst, ulong seed, ulong stream, ulong first, in UniformMap map)
    {
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        int i = Head(dst.Length, first);
        for (int j = 0; j < i; j++)
            dst[j] = map.Apply(Word(seed, stream, first + (ulong)j));
        ulong block = (first + (ulong)i) / 4;
        if (Vector512.IsHardwareAccelerated)
            i = UniformVectors<Simd.W512, PhiloxSimd.W512, Vector512<float>>(dst, i, block, stream, k0, k1, map);
        else if (Vector256.IsHardwareAccelerated)
            i = UniformVectors<Simd.W256, PhiloxSimd.W256, Vector256<float>>(dst, i, block, stream, k0, k1, map);
        else if (Vector128.IsHardwareAccelerated)
            i = UniformVectors<Simd.W128, PhiloxSimd.W128, Vector128<float>>(dst, i, block, stream, k0, k1, map);
        for (; i < dst.Length; i++)
            dst[i] = map.Apply(Word(seed, stream, first + (ulong)i));
    }

    // Whole vectors from dst[i], whose element starts Philox block `block`; returns the first
    // index left (fewer than a vector remain).
    private static int WordVectors<TWords, TVec>(Span<uint> dst, int i, ulong block, ulong stream, uint k0, uint k1)
        where TWords : IPhiloxWidth<TVec>
        where TVec : struct
    {
        ref uint d0 = ref MemoryMarshal.GetReference(dst);
        int width = 4 * TWords.Blocks;
        for (; i <= dst.Length - width; i += width, block += (ulong)TWords.Blocks)
            TWords.StoreWords(block, stream, k0, k1, ref d0, (nuint)i);
        return i;
    }

    // As WordVectors, mapped to floats by UniformMap.Apply's operations: u = high24·2⁻²⁴,
    // r = low + width·u (multiply, then add), r < high ? r : below.
    private static int UniformVectors<TSimd, TWords, TVec>(Span<float> dst, int i, ulong block, ulong stream, uint k0, uint k1, in UniformMap map)
        where TSimd : ISimd<TVec>
        where TWords : IPhiloxWidth<TVec>
        where TVec : struct
    {
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        TVec low = TSimd.Splat(map.Low), width = TSimd.Splat(map.Width), high = TSimd.Splat(map.High), below = TSimd.Splat(map.BelowHigh);
        TVec scale = TSimd.Splat(UniformMap.Scale);
        for (; i <= dst.Length - TSimd.Count; i += TSimd.Count, block += (ulong)TWords.Blocks)
        {
            TVec u = TSimd.Multiply(TWords.High24(block, stream, k0, k1), scale);
            TVec r = TSimd.Add(low, TSimd.Multiply(width, u));
            TSimd.Store(TSimd.IfLessThan(r, high, below), ref d0, (nuint)i);
        }
        return i;
    }

    /// <summary>dst[j] = normal of element first + j (Box–Muller, see <see cref="NormalPair"/>).</summary>
    public static void Normal(Span<float> dst, ulong seed, ulong stream, ulong first, double mean, double std)
    {
        int i = Head(dst.Length, first);
        for (int j = 0; j < i; j++)
            dst[j] = NormalAt(seed, stream, first + (ulong)j, mean, std);
        for (; i <= dst.Length - 4; i += 4)
        {
            var w = Philox.Words(seed, stream, (first + (ulong)i) / 4);
            var (c0, s0) = NormalPair(w.GetElement(0), w.GetElement(1));
            var (c1, s1) = NormalPair(w.GetElement(2), w.GetElement(3));
            dst[i] = (float)(mean + std * c0);
            dst[i + 1] = (float)(mean + std * s0);
            dst[i + 2] = (float)(mean + std * c1);
            dst[i + 3] = (float)(mean + std * s1);
        }
        for (; i < dst.Length; i++)
            dst[i] = NormalAt(seed, stream, first + (ulong)i, mean, std);
    }

    /// <summary>
    /// Box–Muller on two words, in double: u1 = (a + 1)·2⁻³² ∈ (0, 1], u2 = b·2⁻³² ∈ [0, 1),
    /// r = sqrt(−2 ln u1), θ = 2π·u2; returns (r cos θ, r sin θ).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Cos, double Sin) NormalPair(uint a, uint b)
    {
        const double twoToMinus32 = 1.0 / 4294967296.0;
        double u1 = (a + 1.0) * twoToMinus32;
        double u2 = b * twoToMinus32;
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
        return (r * cos, r * sin);
    }

    private static float NormalAt(ulong seed, ulong stream, ulong e, double mean, double std)
    {
        var w = Philox.Words(seed, stream, e / 4);
        int pair = (int)(e & 2);
        var (cos, sin) = NormalPair(w.GetElement(pair), w.GetElement(pair + 1));
        return (float)(mean + std * ((e & 1) == 0 ? cos : sin));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Word(ulong seed, ulong stream, ulong e) => Philox.Words(seed, stream, e / 4).GetElement((int)(e & 3));

    /// <summary>Elements before the first block boundary (0..3), capped at the range length.</summary>
    private static int Head(int length, ulong first) => (int)Math.Min((ulong)length, (4 - (first & 3)) & 3);
}
