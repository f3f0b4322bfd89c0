namespace Sae.Numerics;

/// <summary>
/// Scalar twin of <see cref="Gemm"/>, the test oracle: the textbook triple loop, accumulated in
/// double so that it is more exact than any float kernel (tests bound the fast kernel's error by
/// k·ε·Σ|a||b|).
/// </summary>
internal static class GemmReference
{
    /// <summary>C = (accumulate ? C : 0) + op(A)·op(B); same layouts as <see cref="Gemm.Multiply(ReadOnlySpan{float}, bool, ReadOnlySpan{float}, bool, Span{float}, int, int, int, bool, int)"/>.</summary>
    public static void Multiply(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c[i * n + j] : 0.0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * m + i] : a[i * k + p];
                    float bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += (double)av * bv;
                }
                c[i * n + j] = (float)sum;
            }
        }
    }

    /// <summary>Σ_p |op(A)[i, p]|·|op(B)[p, j]| (plus |C| when accumulating): the scale of the rounding error of element (i, j).</summary>
    public static double AbsoluteScale(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB,
        ReadOnlySpan<float> c0, int m, int n, int k, bool accumulate, int i, int j)
    {
        double sum = accumulate ? Math.Abs(c0[i * n + j]) : 0.0;
        for (int p = 0; p < k; p++)
        {
            float av = transposeA ? a[p * m + i] : a[i * k + p];
            float bv = transposeB ? b[j * k + p] : b[p * n + j];
            sum += Math.Abs((double)av * bv);
        }
        return sum;
    }
}
