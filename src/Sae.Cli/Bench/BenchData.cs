namespace Sae.Cli.Bench;

/// <summary>Deterministic inputs for benchmarks.</summary>
internal static class BenchData
{
    /// <summary>Uniform values in [-1, 1) from a fixed seed.</summary>
    public static float[] Uniform(long length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (long i = 0; i < x.LongLength; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
