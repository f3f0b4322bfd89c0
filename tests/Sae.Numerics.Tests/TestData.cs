namespace Sae.Numerics.Tests;

/// <summary>Deterministic test inputs.</summary>
internal static class TestData
{
    /// <summary>Uniform values in [-1, 1) from a fixed seed.</summary>
    public static float[] Uniform(int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>True when the two arrays hold the same bits (so NaNs and signed zeros compare exactly).</summary>
    public static bool BitEqual(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
                return false;
        }
        return true;
    }
}
