using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror &amp; Shaw, "Parallel random
/// numbers: as easy as 1, 2, 3" (SC 2011) — the Random123 reference, and the generator behind
/// cuRAND's Philox, NumPy's <c>Philox</c> and JAX. A 128-bit counter and a 64-bit key map to
/// 128 random bits; no state is carried, so any block can be computed on its own.
/// </summary>
/// <remarks>
/// <para>One round on counter words (x0, x1, x2, x3) with key (k0, k1), hi/lo the halves of the
/// 64-bit products: (x0, x1, x2, x3) ← (hi(M1·x2) ⊕ x1 ⊕ k0, lo(M1·x2), hi(M0·x0) ⊕ x3 ⊕ k1,
/// lo(M0·x0)) with M0 = 0xD2511F53, M1 = 0xCD9E8D57; the key is bumped by (0x9E3779B9, 0xBB67AE85)
/// (mod 2³²) between rounds; ten rounds.</para>
/// <para>The product's mapping "(seed, stream, index) → numbers": key = (seed mod 2³², seed / 2³²),
/// counter = (index mod 2³², index / 2³², stream mod 2³², stream / 2³²) — the layout of cuRAND's
/// <c>curand_init(seed, subsequence, offset)</c>, index in the low words.</para>
/// </remarks>
public static class Philox
{
    internal const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Number of rounds (10, the recommended and the KAT-tested count).</summary>
    public const int Rounds = 10;

    /// <summary>output = Philox4x32-10(counter, key), the Random123 word order.</summary>
    /// <param name="counter">Four counter words (c0, c1, c2, c3).</param>
    /// <param name="key">Two key words (k0, k1).</param>
    /// <param name="output">Four output words.</param>
    /// <exception cref="ArgumentException">A span does not have the stated length.</exception>
    public static void Block(ReadOnlySpan<uint> counter, ReadOnlySpan<uint> key, Span<uint> output)
    {
        Check.Length(counter.Length, 4, "4 words", nameof(counter));
        Check.Length(key.Length, 2, "2 words", nameof(key));
        Check.Length(output.Length, 4, "4 words", nameof(output));
        var r = Compute(counter[0], counter[1], counter[2], counter[3], key[0], key[1]);
        r.CopyTo(output);
    }

    /// <summary>The four words of block <paramref name="index"/> of stream <paramref name="stream"/> under <paramref name="seed"/> (mapping in the remarks).</summary>
    /// <param name="seed">Seed: the 64-bit key.</param>
    /// <param name="stream">Stream: the high 64 counter bits.</param>
    /// <param name="index">Block index: the low 64 counter bits.</param>
    /// <param name="output">Four output words.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> does not have length 4.</exception>
    public static void Block(ulong seed, ulong stream, ulong index, Span<uint> output)
    {
        Check.Length(output.Length, 4, "4 words", nameof(output));
        Words(seed, stream, index).CopyTo(output);
    }

    /// <summary>Block words for (seed, stream, index) as a 4-lane value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<uint> Words(ulong seed, ulong stream, ulong index) =>
        Compute((uint)index, (uint)(index >> 32), (uint)stream, (uint)(stream >> 32), (uint)seed, (uint)(seed >> 32));

    /// <summary>Ten rounds, scalar: the definition every vector path is tested against.</summary>
    internal static Vector128<uint> Compute(uint x0, uint x1, uint x2, uint x3, uint k0, uint k1)
    {
        for (int round = 0; round < Rounds; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            ulong p0 = (ulong)M0 * x0, p1 = (ulong)M1 * x2;
            x0 = (uint)(p1 >> 32) ^ x1 ^ k0;
            x1 = (uint)p1;
            x2 = (uint)(p0 >> 32) ^ x3 ^ k1;
            x3 = (uint)p0;
        }
        return Vector128.Create(x0, x1, x2, x3);
    }
}
