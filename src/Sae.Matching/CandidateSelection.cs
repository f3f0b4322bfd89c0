using System.Numerics.Tensors;

namespace Sae.Matching;

/// <summary>
/// Builds the <see cref="CandidateGraph"/> of an assignment too large to hold densely: for rows of
/// A [n1, d] and B [n2, d] (row-major; unit rows for cosine similarity, the caller normalises),
/// similarity S[i, j] = A[i]·B[j], it keeps for every row its <see cref="CandidateOptions.PerRow"/>
/// best columns and for every column its <see cref="CandidateOptions.PerColumn"/> best rows, as
/// one list per row (their union), dropping entries below <see cref="CandidateOptions.Floor"/>.
/// S is computed in [row block, column tile] pieces by a GEMM (2·n1·n2·d flops) and never held whole;
/// block sizes come from <see cref="CandidateOptions.MemoryBudgetBytes"/>. Ties rank by smaller
/// index, so the graph is one well-defined set: identical for any budget and thread count.
/// </summary>
/// <remarks>
/// Why both directions: with row lists alone, a column whose best rows all have better options in
/// their own lists appears in no list at all and can only be reached by fallback, and a row whose m
/// columns are all taken by rows that prefer them must fall back too. The column lists are almost
/// free (one vector compare per similarity against the column's current m-th value, in the same
/// pass) and at 16K–32K latents with m = 32 they remove the fallbacks and tighten the optimality gap
/// (see src/Sae.Matching/README.md for the measurements).
/// </remarks>
public static class CandidateSelection
{
    /// <summary>
    /// The candidate graph of a: [rows, depth] against b: [columns, depth]. RowBound[i] =
    /// max(floor, the m-th best similarity of row i): every similarity of row i to a column outside
    /// its list is at most that.
    /// </summary>
    /// <param name="a">Rows of the first matrix, [rows, depth], finite.</param>
    /// <param name="b">Rows of the second matrix, [columns, depth], finite.</param>
    /// <param name="rows">n1 ≥ 1.</param>
    /// <param name="columns">n2 ≥ 1.</param>
    /// <param name="depth">d ≥ 1.</param>
    /// <param name="options">List lengths, floor, memory budget and threads (defaults when null).</param>
    /// <param name="progress">Receives the fraction of blocks done, increasing, from worker threads.</param>
    /// <param name="cancellationToken">Checked after every tile.</param>
    /// <exception cref="ArgumentException">A length does not match, a value is not finite, or the budget is too small.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static CandidateGraph Build(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int rows, int columns, int depth,
        CandidateOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new CandidateOptions();
        Validate(a, b, rows, columns, depth);
        int perRow = Math.Min(options.PerRow, columns);
        int perColumn = Math.Min(options.PerColumn, rows);
        CheckFits(rows, perRow, nameof(CandidateOptions.PerRow));
        CheckFits(columns, perColumn, nameof(CandidateOptions.PerColumn));
        var blocking = CandidateBlocking.Plan(rows, columns, depth, perRow, perColumn, options.MemoryBudgetBytes, options.Threads);
        return Build(a, b, rows, columns, depth, options, blocking, progress, cancellationToken);
    }

    /// <summary>As the public overload (validated already), with the block sizes given (tests vary them).</summary>
    internal static unsafe CandidateGraph Build(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int rows, int columns, int depth,
        CandidateOptions options, CandidateBlocking blocking, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        int perRow = Math.Min(options.PerRow, columns);
        int perColumn = Math.Min(options.PerColumn, rows);
        fixed (float* pa = a, pb = b)
        {
            var (scan, columnValues, columnIndices) = CandidateScan.Run(pa, pb, rows, columns, depth, perRow, perColumn,
                options.SignInvariant, blocking, progress, cancellationToken);
            return CandidateAssembler.Build(rows, columns, scan.RowValues, scan.RowIndices, perRow,
                columnValues, columnIndices, perColumn, options.Floor, options.Threads);
        }
    }

    /// <summary>The block sizes and working memory the public Build would use (for logs and benchmarks).</summary>
    public static (int RowBlock, int TileColumns, long Bytes) PlanBlocks(int rows, int columns, int depth, CandidateOptions options)
    {
        var plan = CandidateBlocking.Plan(rows, columns, depth, Math.Min(options.PerRow, columns),
            Math.Min(options.PerColumn, rows), options.MemoryBudgetBytes, options.Threads);
        return (plan.RowBlock, plan.TileColumns, plan.Bytes);
    }

    internal static void Validate(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int rows, int columns, int depth)
    {
        if (rows < 1)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows must be at least 1 (got {rows}).");
        if (columns < 1)
            throw new ArgumentOutOfRangeException(nameof(columns), columns, $"columns must be at least 1 (got {columns}).");
        if (depth < 1)
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"depth must be at least 1 (got {depth}).");
        if (a.Length != (long)rows * depth)
            throw new ArgumentException($"a has length {a.Length} but must be rows·depth = {rows}·{depth} = {(long)rows * depth}.", nameof(a));
        if (b.Length != (long)columns * depth)
            throw new ArgumentException($"b has length {b.Length} but must be columns·depth = {columns}·{depth} = {(long)columns * depth}.", nameof(b));
        if (!float.IsFinite(TensorPrimitives.MaxMagnitude(a)))
            throw new ArgumentException("a holds a value that is not finite (NaN or ±∞).", nameof(a));
        if (!float.IsFinite(TensorPrimitives.MaxMagnitude(b)))
            throw new ArgumentException("b holds a value that is not finite (NaN or ±∞).", nameof(b));
    }

    private static void CheckFits(int count, int perSide, string setting)
    {
        if ((long)count * perSide > int.MaxValue)
            throw new ArgumentOutOfRangeException(setting, $"{setting} = {perSide} over {count} lists exceeds the largest array ({int.MaxValue} entries).");
    }
}
