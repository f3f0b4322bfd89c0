namespace Sae.Numerics;

/// <summary>
/// Plain per-element twins of <see cref="RandomFill"/>: every element computes its own Philox block
/// with the scalar <see cref="Philox.Block(ulong, ulong, ulong, Span{uint})"/>. The test oracle.
/// </summary>
internal static class RandomFillReference
{
    public static uint Word(ulong seed, ulong stream, ulong e)
    {
        Span<uint> w = stackalloc uint[4];
        Philox.Block(seed, stream, e / 4, w);
        return w[(int)(e % 4)];
    }

    public static void Bits(Span<uint> dst, ulong seed, ulong stream, ulong offset)
    {
        for (int j = 0; j < dst.Length; j++)
            dst[j] = Word(seed, stream, offset + (ulong)j);
    }

    public static void Uniform(Span<float> dst, ulong seed, ulong stream, float low, float high, ulong offset)
    {
        for (int j = 0; j < dst.Length; j++)
        {
            uint top24 = Word(seed, stream, offset + (ulong)j) >> 8;
            float u = top24 * (1f / 16777216f);
            float r = low + (high - low) * u;
            dst[j] = r < high ? r : MathF.BitDecrement(high);
        }
    }

    public static void Normal(Span<float> dst, ulong seed, ulong stream, float mean, float std, ulong offset)
    {
        for (int j = 0; j < dst.Length; j++)
        {
            ulong e = offset + (ulong)j;
            ulong pairStart = e - e % 2; // elements 2k and 2k+1 share words 2k, 2k+1 (mod 4)
            uint a = Word(seed, stream, pairStart), c = Word(seed, stream, pairStart + 1);
            double u1 = (a + 1.0) / 4294967296.0, u2 = c / 4294967296.0;
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            double theta = 2.0 * Math.PI * u2;
            double z = e % 2 == 0 ? r * Math.Cos(theta) : r * Math.Sin(theta);
            dst[j] = (float)((double)mean + (double)std * z);
        }
    }
}
