namespace Sae.Numerics.Tests;

/// <summary>Deterministic test inputs (System.Random with fixed seeds).</summary>
internal static class TestData
{
    /// <summary>n values uniform in [−scale, scale).</summary>
    public static float[] Uniform(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = (float)((r.NextDouble() * 2 - 1) * scale);
        return a;
    }

    /// <summary>n values uniform in [0, scale).</summary>
    public static float[] NonNegative(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = (float)(r.NextDouble() * scale);
        return a;
    }

    /// <summary>Asserts identical bit patterns (NaN payloads and signed zeros included).</summary>
    public static void AssertBitsEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            int e = BitConverter.SingleToInt32Bits(expected[i]), a = BitConverter.SingleToInt32Bits(actual[i]);
            if (e != a)
                Assert.Fail($"{what}: index {i} of {expected.Length}: expected {expected[i]:R} (0x{e:x8}) got {actual[i]:R} (0x{a:x8}).");
        }
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
