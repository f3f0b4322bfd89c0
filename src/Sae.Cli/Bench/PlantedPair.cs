using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Cli.Bench;

/// <summary>
/// Two synthetic SAEs' decoder-like matrices with a known shared part: A has n random unit rows;
/// B holds, for a planted fraction p of them (A rows 0 .. p·n − 1), a noisy unit copy at cosine ≈ 0.9
/// (A row + noise of norm 0.484), and random unit rows elsewhere, in a seeded random order.
/// Everything is generated in parallel from Philox streams, so it is the same for any thread count.
/// </summary>
internal sealed class PlantedPair
{
    private const float NoiseNorm = 0.484f; // cos = 1/sqrt(1 + 0.484²) ≈ 0.9

    private PlantedPair(float[] a, float[] b, int[] partner)
    {
        A = a;
        B = b;
        Partner = partner;
    }

    /// <summary>[n, d] unit rows.</summary>
    public float[] A { get; }

    /// <summary>[n, d] unit rows.</summary>
    public float[] B { get; }

    /// <summary>Per A row: its planted partner row in B, or −1.</summary>
    public int[] Partner { get; }

    /// <summary>Generates the pair for n rows of depth d with planted fraction p.</summary>
    public static PlantedPair Create(int n, int d, double p, ulong seed, int threads)
    {
        var a = new float[(long)n * d];
        var b = new float[(long)n * d];
        RandomFill.Normal(a, seed, 1, 0f, 1f, threads);
        RandomFill.Normal(b, seed, 2, 0f, 1f, threads);
        var perm = Enumerable.Range(0, n).ToArray();
        new Random((int)seed).Shuffle(perm);
        int planted = (int)Math.Round(p * n);
        var partner = Enumerable.Repeat(-1, n).ToArray();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var row = a.AsSpan(i * d, d);
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        });
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var row = b.AsSpan(perm[i] * d, d);
            if (i < planted)
            {
                // noise: a fresh Gaussian row (stream 3) scaled to norm NoiseNorm, added to A's row
                RandomFill.Normal(row, seed, 3, 0f, 1f, 1, (ulong)i * (ulong)d);
                TensorPrimitives.Multiply(row, NoiseNorm / TensorPrimitives.Norm(row), row);
                TensorPrimitives.Add(row, a.AsSpan(i * d, d), row);
                partner[i] = perm[i];
            }
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        });
        return new PlantedPair(a, b, partner);
    }
}
