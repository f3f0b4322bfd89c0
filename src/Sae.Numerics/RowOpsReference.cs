namespace Sae.Numerics;

/// <summary>
/// Plain scalar twins of <see cref="RowOps"/>, <see cref="ColumnOps"/> and <see cref="DoubleLaneDot"/>: the
/// test oracles. The 16-lane accumulation is spelled out with an array so that the vector paths'
/// order is checked against an independent statement of it.
/// </summary>
internal static class RowOpsReference
{
    /// <summary>Σ a[i]·b[i]: lane (i mod 16) accumulates in double; lanes combined j += j + w, w = 8, 4, 2, 1.</summary>
    public static double LaneDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var lane = new double[16];
        for (int i = 0; i < a.Length; i++)
            lane[i % 16] = lane[i % 16] + (double)a[i] * (double)b[i];
        for (int w = 8; w >= 1; w /= 2)
        {
            for (int j = 0; j < w; j++)
                lane[j] = lane[j] + lane[j + w];
        }
        return lane[0];
    }

    public static void RowNorms(ReadOnlySpan<float> w, int rows, int cols, Span<float> norms)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = w.Slice(i * cols, cols);
            norms[i] = (float)Math.Sqrt(LaneDot(row, row));
        }
    }

    public static void RowSumOfSquares(ReadOnlySpan<float> w, int rows, int cols, Span<float> sums)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = w.Slice(i * cols, cols);
            sums[i] = (float)LaneDot(row, row);
        }
    }

    public static void NormalizeRows(Span<float> w, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = w.Slice(i * cols, cols);
            float norm = (float)Math.Sqrt(LaneDot(row, row));
            float denom = norm + 1.1920929e-7f;
            for (int j = 0; j < cols; j++)
                row[j] = row[j] / denom;
        }
    }

    public static void ProjectOutParallel(Span<float> grad, ReadOnlySpan<float> w, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        {
            var g = grad.Slice(i * cols, cols);
            var d = w.Slice(i * cols, cols);
            float s = (float)LaneDot(g, d);
            for (int j = 0; j < cols; j++)
            {
                float outer = s * d[j];
                g[j] = g[j] - outer;
            }
        }
    }

    public static void ColumnMeans(ReadOnlySpan<float> x, int rows, int cols, Span<float> means)
    {
        for (int j = 0; j < cols; j++)
        {
            double sum = 0;
            for (int i = 0; i < rows; i++)
                sum += x[i * cols + j];
            means[j] = (float)(sum / rows);
        }
    }
}
