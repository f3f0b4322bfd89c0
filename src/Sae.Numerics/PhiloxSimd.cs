using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sae.Numerics;

/// <summary>
/// Philox4x32-10 on several consecutive blocks at once, each block's four words kept in memory
/// order inside a 128-bit lane (so a vector of results is the output, no transposition):
/// uint lanes (x0, x1, x2, x3) per block, which as ulong lanes are (index, stream).
/// A round multiplies the even uint lanes by (M0, M1) into 64-bit products (lo0, hi0, lo1, hi1),
/// reverses them to (hi1, lo1, hi0, lo0) and xors (x1, 0, x3, 0) — the odd words, got by shifting
/// each ulong lane right by 32 — and the key (k0, 0, k1, 0). Integer arithmetic only, so the words
/// equal <see cref="Philox.Compute"/>'s exactly.
/// </summary>
internal static class PhiloxSimd
{
    /// <summary>Words of blocks block0 .. block0+3 (16 words) for key (k0, k1) and the given stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Blocks512(ulong block0, ulong stream, uint k0, uint k1)
    {
        var x = Vector512.Create(block0, stream, block0 + 1, stream, block0 + 2, stream, block0 + 3, stream).AsUInt32();
        var key = Vector512.Create(k0, 0, k1, 0, k0, 0, k1, 0, k0, 0, k1, 0, k0, 0, k1, 0);
        var bump = Vector512.Create(Philox.W0, 0, Philox.W1, 0, Philox.W0, 0, Philox.W1, 0, Philox.W0, 0, Philox.W1, 0, Philox.W0, 0, Philox.W1, 0);
        var mul = Vector512.Create(Philox.M0, 0, Philox.M1, 0, Philox.M0, 0, Philox.M1, 0, Philox.M0, 0, Philox.M1, 0, Philox.M0, 0, Philox.M1, 0);
        for (int round = 0; round < Philox.Rounds; round++)
        {
            if (round > 0)
                key += bump;
            var p = (Avx512F.IsSupported ? Avx512F.Multiply(x, mul) : (x.AsUInt64() & Vector512.Create(0xFFFF_FFFFUL)) * mul.AsUInt64()).AsUInt32();
            var odd = Vector512.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32();
            x = Vector512.Shuffle(p, Vector512.Create(3u, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12)) ^ odd ^ key;
        }
        return x;
    }

    /// <summary>Words of blocks block0, block0+1 (8 words).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Blocks256(ulong block0, ulong stream, uint k0, uint k1)
    {
        var x = Vector256.Create(block0, stream, block0 + 1, stream).AsUInt32();
        var key = Vector256.Create(k0, 0, k1, 0, k0, 0, k1, 0);
        var bump = Vector256.Create(Philox.W0, 0, Philox.W1, 0, Philox.W0, 0, Philox.W1, 0);
        var mul = Vector256.Create(Philox.M0, 0, Philox.M1, 0, Philox.M0, 0, Philox.M1, 0);
        for (int round = 0; round < Philox.Rounds; round++)
        {
            if (round > 0)
                key += bump;
            var p = (Avx2.IsSupported ? Avx2.Multiply(x, mul) : (x.AsUInt64() & Vector256.Create(0xFFFF_FFFFUL)) * mul.AsUInt64()).AsUInt32();
            var odd = Vector256.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32();
            x = Vector256.Shuffle(p, Vector256.Create(3u, 2, 1, 0, 7, 6, 5, 4)) ^ odd ^ key;
        }
        return x;
    }

    /// <summary>Words of block block0 (4 words).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Blocks128(ulong block0, ulong stream, uint k0, uint k1)
    {
        var x = Vector128.Create(block0, stream).AsUInt32();
        var key = Vector128.Create(k0, 0, k1, 0);
        var bump = Vector128.Create(Philox.W0, 0, Philox.W1, 0);
        var mul = Vector128.Create(Philox.M0, 0, Philox.M1, 0);
        for (int round = 0; round < Philox.Rounds; round++)
        {
            if (round > 0)
                key += bump;
            var p = (Sse2.IsSupported ? Sse2.Multiply(x, mul) : (x.AsUInt64() & Vector128.Create(0xFFFF_FFFFUL)) * mul.AsUInt64()).AsUInt32();
            var odd = Vector128.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32();
            x = Vector128.Shuffle(p, Vector128.Create(3u, 2, 1, 0)) ^ odd ^ key;
        }
        return x;
    }

    /// <summary>Four blocks (16 words) per vector.</summary>
    internal readonly struct W512 : IPhiloxWidth<Vector512<float>>
    {
        public static int Blocks => 4;
        public static void StoreWords(ulong block0, ulong stream, uint k0, uint k1, ref uint destination, nuint offset) => Blocks512(block0, stream, k0, k1).StoreUnsafe(ref destination, offset);
        public static Vector512<float> High24(ulong block0, ulong stream, uint k0, uint k1) => Vector512.ConvertToSingle(Vector512.ShiftRightLogical(Blocks512(block0, stream, k0, k1), 8).AsInt32());
    }

    /// <summary>Two blocks (8 words) per vector.</summary>
    internal readonly struct W256 : IPhiloxWidth<Vector256<float>>
    {
        public static int Blocks => 2;
        public static void StoreWords(ulong block0, ulong stream, uint k0, uint k1, ref uint destination, nuint offset) => Blocks256(block0, stream, k0, k1).StoreUnsafe(ref destination, offset);
        public static Vector256<float> High24(ulong block0, ulong stream, uint k0, uint k1) => Vector256.ConvertToSingle(Vector256.ShiftRightLogical(Blocks256(block0, stream, k0, k1), 8).AsInt32());
    }

    /// <summary>One block (4 words) per vector.</summary>
    internal readonly struct W128 : IPhiloxWidth<Vector128<float>>
    {
        public static int Blocks => 1;
        public static void StoreWords(ulong block0, ulong stream, uint k0, uint k1, ref uint destination, nuint offset) => Blocks128(block0, stream, k0, k1).StoreUnsafe(ref destination, offset);
        public static Vector128<float> High24(ulong block0, ulong stream, uint k0, uint k1) => Vector128.ConvertToSingle(Vector128.ShiftRightLogical(Blocks128(block0, stream, k0, k1), 8).AsInt32());
    }
}
