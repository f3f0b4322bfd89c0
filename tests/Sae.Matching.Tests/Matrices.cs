namespace Sae.Matching.Tests;

/// <summary>Deterministic test matrices [rows, cols] (row-major) from fixed seeds.</summary>
internal static class Matrices
{
    public static float[] Uniform(int rows, int cols, int seed, float low = -1f, float high = 1f)
    {
        var rng = new Random(seed);
        var s = new float[rows * cols];
        for (int k = 0; k < s.Length; k++)
            s[k] = low + (high - low) * (float)rng.NextDouble();
        return s;
    }

    /// <summary>Small integers in [0, range): many ties.</summary>
    public static float[] Integers(int rows, int cols, int seed, int range)
    {
        var rng = new Random(seed);
        var s = new float[rows * cols];
        for (int k = 0; k < s.Length; k++)
            s[k] = rng.Next(range);
        return s;
    }

    public static float[] Constant(int rows, int cols, float value)
    {
        var s = new float[rows * cols];
        Array.Fill(s, value);
        return s;
    }

    /// <summary>A hidden permutation of strength <paramref name="signal"/> plus uniform noise in [0, noise).</summary>
    public static float[] Planted(int n, int seed, float signal, float noise)
    {
        var rng = new Random(seed);
        var s = Uniform(n, n, seed + 1, 0f, noise);
        int[] perm = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(perm);
        for (int i = 0; i < n; i++)
            s[i * n + perm[i]] += signal;
        return s;
    }

    /// <summary>1 on the diagonal, tiny values elsewhere.</summary>
    public static float[] IdentityLike(int rows, int cols, int seed)
    {
        var s = Uniform(rows, cols, seed, 0f, 1e-6f);
        for (int i = 0; i < Math.Min(rows, cols); i++)
            s[i * cols + i] = 1f;
        return s;
    }

    /// <summary>Cosines of random unit vectors in <paramref name="d"/> dimensions: [rows, cols].</summary>
    public static float[] Cosines(int rows, int cols, int d, int seed)
    {
        var a = Units(rows, d, seed);
        var b = Units(cols, d, seed + 1);
        var s = new float[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                float dot = 0;
                for (int k = 0; k < d; k++)
                    dot += a[i * d + k] * b[j * d + k];
                s[i * cols + j] = dot;
            }
        }
        return s;
    }

    private static float[] Units(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            double norm = 0;
            for (int k = 0; k < d; k++)
            {
                double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                x[i * d + k] = (float)g;
                norm += g * g;
            }
            for (int k = 0; k < d; k++)
                x[i * d + k] /= (float)Math.Sqrt(norm);
        }
        return x;
    }
}
