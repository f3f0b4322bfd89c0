using Sae.Core;

namespace Sae.Matching.Tests;

/// <summary>Hand-built SAEs: Gaussian random rows (seeded), with chosen latents copied from one SAE into another.</summary>
internal static class Planted
{
    /// <summary>Encoder and decoder rows [n, d] with independent N(0, 1) entries; biases random too (they must not matter).</summary>
    public static SaeParameters Random(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var p = new SaeParameters(n, d);
        foreach (var t in p.Tensors)
            for (int i = 0; i < t.Length; i++)
                t[i] = Gaussian(rng);
        return p;
    }

    /// <summary>Unit rows [g, d] drawn at random.</summary>
    public static float[] Directions(int g, int d, int seed)
    {
        var rng = new Random(seed);
        var x = new float[g * d];
        for (int i = 0; i < x.Length; i++)
            x[i] = Gaussian(rng);
        return CosineSimilarity.UnitRows(x, g, d);
    }

    /// <summary>Copies latent i of <paramref name="from"/> into latent j of <paramref name="to"/>, each row scaled (cosines ignore scale).</summary>
    public static void Copy(SaeParameters from, int i, SaeParameters to, int j, bool encoder = true, bool decoder = true)
    {
        int d = from.Dimension;
        if (encoder)
            Scaled(from.EncoderWeight.AsSpan(i * d, d), 2.5f).CopyTo(to.EncoderWeight.AsSpan(j * d, d));
        if (decoder)
            Scaled(from.DecoderWeight.AsSpan(i * d, d), 0.3f).CopyTo(to.DecoderWeight.AsSpan(j * d, d));
    }

    /// <summary>A seeded random permutation of 0..n−1.</summary>
    public static int[] Permutation(int n, int seed)
    {
        var p = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(p);
        return p;
    }

    private static float[] Scaled(ReadOnlySpan<float> row, float scale)
    {
        var r = row.ToArray();
        for (int k = 0; k < r.Length; k++)
            r[k] *= scale;
        return r;
    }

    private static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
}
