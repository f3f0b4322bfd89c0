using System.Diagnostics;
using System.Numerics.Tensors;

namespace Sae.Matching;

/// <summary>
/// One-to-one matching of two SAEs' latents when the [n1, n2] cosine matrix does not fit in memory
/// (e.g. 131,072 latents: 64 GiB dense): normalise the rows of A [n1, d] and B [n2, d], keep each
/// latent's best candidates (<see cref="CandidateSelection"/>), solve the assignment exactly on them
/// (<see cref="SparseAssignment"/>), re-match the few fallback latents among themselves the same
/// way, and report every pair's real cosine with a proven bound on the distance to the dense optimum.
/// Call it once for the encoders and once for the decoders. With
/// <see cref="CandidateOptions.SignInvariant"/> every step works on |cos| (candidates, solve, bound,
/// maxima, fallbacks) and each pair also reports the sign of its raw cosine.
/// </summary>
public static class LargeScaleMatcher
{
    /// <summary>Matches the rows of <paramref name="a"/> to the rows of <paramref name="b"/> by cosine.</summary>
    /// <param name="a">Raw weight rows [rows, depth] (e.g. decoder rows of SAE 1), finite; not modified.</param>
    /// <param name="b">Raw weight rows [columns, depth] of SAE 2, finite.</param>
    /// <param name="rows">n1 ≥ 1.</param>
    /// <param name="columns">n2 ≥ 1.</param>
    /// <param name="depth">d ≥ 1.</param>
    /// <param name="options">Candidate list lengths, threads, and the memory budget, which here also
    /// covers the unit-row copies of A and B (4·(n1 + n2)·d bytes).</param>
    /// <param name="progress">Fraction done: candidate selection up to 0.9, then the solve.</param>
    /// <param name="cancellationToken">Checked between tiles and every 1024 augmentations.</param>
    /// <exception cref="ArgumentException">Lengths do not match, a value is not finite, or the budget is too small.</exception>
    public static LargeScaleMatch Match(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int rows, int columns, int depth,
        CandidateOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new CandidateOptions();
        long copies = 4L * ((long)rows + columns) * depth;
        if (options.MemoryBudgetBytes - copies < 16L << 20)
            throw new ArgumentOutOfRangeException(nameof(options), $"MemoryBudgetBytes = {options.MemoryBudgetBytes} does not cover the unit-row copies ({copies} bytes) plus 16 MiB of working memory.");
        var clock = Stopwatch.StartNew();
        var scanOptions = options with { MemoryBudgetBytes = options.MemoryBudgetBytes - copies };
        CandidateSelection.Validate(a, b, rows, columns, depth);
        var unitA = CosineSimilarity.UnitRows(a, rows, depth, options.Threads);
        var unitB = CosineSimilarity.UnitRows(b, columns, depth, options.Threads);
        var graph = CandidateSelection.Build(unitA, unitB, rows, columns, depth, scanOptions, Scaled(progress, 0, 0.9), cancellationToken);
        var candidateTime = clock.Elapsed;

        float Cos(int i, int j) => TensorPrimitives.Dot(unitA.AsSpan(i * depth, depth), unitB.AsSpan(j * depth, depth));
        // the similarity the candidates were ranked by: |cos| when sign-invariant
        float Similarity(int i, int j) => options.SignInvariant ? Math.Abs(Cos(i, j)) : Cos(i, j);
        var solved = SparseAssignment.Solve(graph, Similarity, 0.0, Scaled(progress, 0.9, 0.1), cancellationToken);
        var pairs = solved.Assignment;
        if (solved.FallbackRows > 0)
            pairs = FallbackRefiner.Refine(pairs, solved.FallbackRow, unitA, unitB, depth, scanOptions, cancellationToken);
        var cosine = new float[rows];
        var sign = options.SignInvariant ? new sbyte[rows] : null;
        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i =>
        {
            float c = pairs.RowToColumn[i] >= 0 ? Cos(i, pairs.RowToColumn[i]) : float.NaN;
            if (sign is not null && !float.IsNaN(c))
                (cosine[i], sign[i]) = (Math.Abs(c), CosineSimilarity.Sign(c));
            else
                cosine[i] = c;
        });
        double total = 0;
        foreach (float c in cosine)
            total += float.IsNaN(c) ? 0 : c;
        var assignment = pairs with { Total = total };
        var (rowMax, columnMax) = Maxima(graph);
        return new LargeScaleMatch(assignment, cosine, solved.FallbackRow, solved.FallbackRows, solved.UpperBound,
            graph.Count, candidateTime, clock.Elapsed - candidateTime, rowMax, columnMax, sign);
    }

    /// <summary>
    /// Each row's and column's largest candidate similarity: the candidate lists hold every row's
    /// (and, with column lists, every column's) best entries, so these are the exact maxima.
    /// A row without candidates gets its bound.
    /// </summary>
    private static (float[] Rows, float[] Columns) Maxima(CandidateGraph g)
    {
        var rows = new float[g.Rows];
        var columns = new float[g.Columns];
        columns.AsSpan().Fill(-1f);
        for (int i = 0; i < g.Rows; i++)
        {
            float best = g.RowStart[i] == g.RowStart[i + 1] ? g.RowBound[i] : float.NegativeInfinity;
            for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++)
            {
                float w = g.Weight[e];
                best = Math.Max(best, w);
                int j = g.ColumnIndex[e];
                columns[j] = Math.Max(columns[j], w);
            }
            rows[i] = best;
        }
        return (rows, columns);
    }

    private static Progress? Scaled(IProgress<double>? sink, double offset, double scale) =>
        sink is null ? null : new Progress(value => sink.Report(offset + (scale * value)));

    /// <summary>Forwards reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
