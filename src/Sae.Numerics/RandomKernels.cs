using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// Fills of one contiguous range whose first element has logical index <c>first</c>: element e
/// takes word (e mod 4) of Philox block e / 4 (<see cref="Philox.Words"/>). Whole blocks go through
/// <see cref="PhiloxSimd"/> where vectors are accelerated; a partial block at either end is done
/// element by element; both give the same words and the same float operations.
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
        ref uint d0 = ref MemoryMarshal.GetReference(dst);
        ulong block = (first + (ulong)i) / 4;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= dst.Length - 16; i += 16, block += 4)
                PhiloxSimd.Blocks512(block, stream, k0, k1).StoreUnsafe(ref d0, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= dst.Length - 8; i += 8, block += 2)
                PhiloxSimd.Blocks256(block, stream, k0, k1).StoreUnsafe(ref d0, (nuint)i);
        }
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
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        ulong block = (first + (ulong)i) / 4;
        if (Vector512.IsHardwareAccelerated)
        {
            var (low, width, high, below) = (Vector512.Create(map.Low), Vector512.Create(map.Width), Vector512.Create(map.High), Vector512.Create(map.BelowHigh));
            for (; i <= dst.Length - 16; i += 16, block += 4)
            {
                var w = PhiloxSimd.Blocks512(block, stream, k0, k1);
                var u = Vector512.ConvertToSingle(Vector512.ShiftRightLogical(w, 8).AsInt32()) * UniformMap.Scale;
                var r = low + width * u;
                Vector512.ConditionalSelect(Vector512.LessThan(r, high), r, below).StoreUnsafe(ref d0, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var (low, width, high, below) = (Vector256.Create(map.Low), Vector256.Create(map.Width), Vector256.Create(map.High), Vector256.Create(map.BelowHigh));
            for (; i <= dst.Length - 8; i += 8, block += 2)
            {
                var w = PhiloxSimd.Blocks256(block, stream, k0, k1);
                var u = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(w, 8).AsInt32()) * UniformMap.Scale;
                var r = low + width * u;
                Vector256.ConditionalSelect(Vector256.LessThan(r, high), r, below).StoreUnsafe(ref d0, (nuint)i);
            }
        }
        for (; i < dst.Length; i++)
            dst[i] = map.Apply(Word(seed, stream, first + (ulong)i));
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
