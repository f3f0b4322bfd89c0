namespace Sae.Numerics;

/// <summary>Row-wise top-k selection, the activation of a TopK sparse autoencoder.</summary>
public static class TopK
{
    // Rows per parallel chunk are chosen so a chunk covers about this many inputs: from the
    // problem size only, never from the thread count (see Partition).
    private const int ChunkElements = 1 << 16;

    /// <summary>
    /// For every row of <paramref name="x"/> writes its k largest entries, sorted, and their column
    /// indices. Order: a larger value first; equal values (IEEE equality, so −0 equals +0) by
    /// smaller index; NaN ranks below every number including −∞, so a NaN is picked only when the
    /// row has fewer than k non-NaN entries, and NaNs then rank by smaller index. The output is
    /// bit-identical for every <paramref name="threads"/> and every vector width. m = 0 or k = 0
    /// writes nothing.
    /// </summary>
    /// <param name="x">Input, [m, n] row-major.</param>
    /// <param name="m">Rows (≥ 0).</param>
    /// <param name="n">Columns (≥ 0).</param>
    /// <param name="k">Entries kept per row, 0 ≤ k ≤ n.</param>
    /// <param name="values">Output values, [m, k]: values[r, 0] is the best of row r.</param>
    /// <param name="indices">Output column indices, [m, k], matching <paramref name="values"/>.</param>
    /// <param name="threads">Threads to use (≥ 1); rows are split into fixed chunks.</param>
    public static void Rows(ReadOnlySpan<float> x, int m, int n, int k, Span<float> values, Span<int> indices, int threads = 1)
    {
        Check.NonNegative(m);
        Check.NonNegative(n);
        if (k < 0 || k > n)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 0 and n = {n} (got {k}).");
        Check.Threads(threads);
        Check.Length(x.Length, Check.Product(m, n, "m·n"), $"m·n = {m}·{n}", nameof(x));
        long outLength = Check.Product(m, k, "m·k");
        Check.Length(values.Length, outLength, $"m·k = {m}·{k}", nameof(values));
        Check.Length(indices.Length, outLength, $"m·k = {m}·{k}", nameof(indices));
        if (m == 0 || k == 0)
            return;

        int rowsPerChunk = Math.Max(1, ChunkElements / n);
        int chunks = Partition.Count(m, rowsPerChunk);
        if (threads == 1 || chunks == 1)
            RowRange(x, n, k, values, indices, 0, m);
        else
            RowsParallel(x, m, n, k, values, indices, rowsPerChunk, chunks, threads);
    }

    private static unsafe void RowsParallel(ReadOnlySpan<float> x, int m, int n, int k, Span<float> values, Span<int> indices, int rowsPerChunk, int chunks, int threads)
    {
        int xLength = x.Length, outLength = values.Length;
        fixed (float* px = x)
        fixed (float* pv = values)
        fixed (int* pi = indices)
        {
            // Fixed locals cannot be captured; plain copies of the pointers can.
            float* xs = px, vs = pv;
            int* ids = pi;
            Partition.For(chunks, threads, chunk =>
            {
                int first = chunk * rowsPerChunk;
                int end = Math.Min(m, first + rowsPerChunk);
                RowRange(new ReadOnlySpan<float>(xs, xLength), n, k, new Span<float>(vs, outLength), new Span<int>(ids, outLength), first, end);
            });
        }
    }

    // Rows [first, end): each through one selector working in its own output row.
    private static void RowRange(ReadOnlySpan<float> x, int n, int k, Span<float> values, Span<int> indices, int first, int end)
    {
        for (int r = first; r < end; r++)
        {
            Span<float> rowValues = values.Slice(r * k, k);
            Span<int> rowIndices = indices.Slice(r * k, k);
            var selector = new TopKSelector(rowValues, rowIndices);
            selector.Offer(x.Slice(r * n, n), 0);
            selector.Finish(rowValues, rowIndices);
        }
    }
}
