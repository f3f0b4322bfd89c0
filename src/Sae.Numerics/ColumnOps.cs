namespace Sae.Numerics;

/// <summary>
/// Column reductions of a row-major matrix x: [rows, cols]. Each column is summed in double in row
/// order, so the result is identical for every thread count and instruction set.
/// </summary>
public static class ColumnOps
{
    /// <summary>Columns per parallel chunk (fixed); also the size of the stack accumulator.</summary>
    private const int ColumnChunk = 256;

    /// <summary>
    /// means[j] = (Σᵢ x[i,j]) / rows, the sum in double in increasing i, the quotient rounded to float
    /// once: the trainer's b_dec = mean of the first batch (torch <c>x.mean(0)</c>, more precise).
    /// </summary>
    /// <param name="x">Matrix [rows, cols].</param>
    /// <param name="rows">Number of rows (≥ 1: the mean of no rows is undefined).</param>
    /// <param name="cols">Number of columns (≥ 0).</param>
    /// <param name="means">Output [cols].</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">rows &lt; 1, cols &lt; 0 or threads &lt; 1.</exception>
    public static unsafe void ColumnMeans(ReadOnlySpan<float> x, int rows, int cols, Span<float> means, int threads = 1)
    {
        Check.Positive(rows);
        MatrixShape.Validate(x.Length, rows, cols, nameof(x));
        Check.Length(means.Length, cols, "cols", nameof(means));
        Check.Threads(threads);
        int chunks = Partition.Count(cols, ColumnChunk);
        if (threads == 1 || chunks <= 1)
        {
            for (int c = 0; c < chunks; c++)
                MeanChunk(x, rows, cols, c * ColumnChunk, means);
            return;
        }
        fixed (float* px = x, pm = means)
        {
            nint ax = (nint)px, am = (nint)pm;
            Partition.For(chunks, threads, c => MeanChunk(
                new ReadOnlySpan<float>((float*)ax, rows * cols), rows, cols, c * ColumnChunk,
                new Span<float>((float*)am, cols)));
        }
    }

    // Columns [c0, c0 + width) of x: [rows, cols] into means[c0 ..].
    private static void MeanChunk(ReadOnlySpan<float> x, int rows, int cols, int c0, Span<float> means)
    {
        int width = Math.Min(ColumnChunk, cols - c0);
        Span<double> sum = stackalloc double[ColumnChunk];
        sum.Clear();
        for (int i = 0; i < rows; i++)
        {
            var row = x.Slice(i * cols + c0, width);
            for (int j = 0; j < row.Length; j++)
                sum[j] += row[j];
        }
        for (int j = 0; j < width; j++)
            means[c0 + j] = (float)(sum[j] / rows);
    }
}
