using Sae.Numerics;

namespace Sae.Matching.Tests;

/// <summary>Seeded synthetic matrices for the matching tests.</summary>
internal static class TestData
{
    /// <summary>rows × depth Gaussian rows scaled to unit length.</summary>
    public static float[] UnitRows(int rows, int depth, int seed)
    {
        var x = new float[rows * depth];
        RandomFill.Normal(x, (ulong)seed, 0, 0f, 1f);
        for (int i = 0; i < rows; i++)
            Normalise(x.AsSpan(i * depth, depth));
        return x;
    }

    /// <summary>
    /// B for planted pairs: row perm[i] of B is a noisy unit copy of A's row i (cosine ≈ 0.9) for
    /// i &lt; planted, the rest random unit rows; returns B and perm (A row → B row, −1 if not planted).
    /// </summary>
    public static (float[] B, int[] Partner) Planted(float[] a, int rows, int depth, int planted, int seed)
    {
        var b = UnitRows(rows, depth, seed + 1000);
        var noise = UnitRows(rows, depth, seed + 2000);
        var perm = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(perm);
        var partner = Enumerable.Repeat(-1, rows).ToArray();
        for (int i = 0; i < planted; i++)
        {
            var row = b.AsSpan(perm[i] * depth, depth);
            for (int p = 0; p < depth; p++)
                row[p] = a[(i * depth) + p] + (0.484f * noise[(i * depth) + p]);
            Normalise(row);
            partner[i] = perm[i];
        }
        return (b, partner);
    }

    /// <summary>The dense similarity matrix a·bᵀ by the same GEMM the scan uses (bit-identical values).</summary>
    public static float[] Similarity(float[] a, float[] b, int rows, int columns, int depth)
    {
        var s = new float[rows * columns];
        Gemm.MultiplyABt(a, b, s, rows, columns, depth);
        return s;
    }

    /// <summary>Random similarities in [−1, 1).</summary>
    public static float[] Uniform(int rows, int columns, int seed)
    {
        var s = new float[rows * columns];
        RandomFill.Uniform(s, (ulong)seed, 1, -1f, 1f);
        return s;
    }

    /// <summary>A graph holding every entry of s (the dense problem, stored sparsely).</summary>
    public static CandidateGraph Complete(float[] s, int rows, int columns)
    {
        var start = Enumerable.Range(0, rows + 1).Select(i => i * columns).ToArray();
        var column = Enumerable.Range(0, rows * columns).Select(e => e % columns).ToArray();
        return new CandidateGraph(rows, columns, start, column, (float[])s.Clone(), new float[rows]);
    }

    /// <summary>Total of an assignment measured on the dense matrix.</summary>
    public static double Total(float[] s, int columns, int[] rowToColumn) =>
        rowToColumn.Select((j, i) => j < 0 ? 0.0 : s[(i * columns) + j]).Sum();

    private static void Normalise(Span<float> row)
    {
        double norm = 0;
        foreach (float x in row)
            norm += (double)x * x;
        float scale = (float)(1 / Math.Sqrt(norm));
        for (int p = 0; p < row.Length; p++)
            row[p] *= scale;
    }
}
