using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// A pseudo-random permutation of [0, rows) that needs no memory: a 4-round balanced Feistel network
/// over the smallest even power-of-two domain ≥ rows, keyed by (seed, epoch) through Philox, with
/// cycle-walking to stay inside [0, rows). Any position maps to its row directly, so a resumed run
/// reads exactly the rows an uninterrupted one would.
/// </summary>
internal sealed class RowPermutation
{
    private const int Rounds = 4;
    private readonly long _rows;
    private readonly int _halfBits;
    private readonly ulong _halfMask;
    private readonly uint[] _keys = new uint[Rounds];

    public RowPermutation(long rows, ulong seed, ulong epoch)
    {
        _rows = rows;
        int bits = 2;
        while ((1L << bits) < rows)
            bits += 2;
        _halfBits = bits / 2;
        _halfMask = (1UL << _halfBits) - 1;
        Span<uint> words = stackalloc uint[4];
        // stream 1 keeps data-order numbers apart from weight initialisation (stream 0)
        Philox.Block(seed, stream: 1, index: epoch, words);
        words.CopyTo(_keys);
    }

    /// <summary>The row at position <paramref name="position"/> of this epoch's order.</summary>
    public long this[long position]
    {
        get
        {
            ulong x = (ulong)position;
            do
            {
                x = Encrypt(x);
            }
            while (x >= (ulong)_rows);
            return (long)x;
        }
    }

    private ulong Encrypt(ulong x)
    {
        ulong left = x >> _halfBits, right = x & _halfMask;
        for (int r = 0; r < Rounds; r++)
        {
            ulong mixed = left ^ (Mix(right, _keys[r]) & _halfMask);
            left = right;
            right = mixed;
        }
        return (left << _halfBits) | right;
    }

    private static ulong Mix(ulong value, uint key)
    {
        // splitmix64 finaliser of (value, key): a cheap, well-mixed round function
        ulong z = value + key * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
