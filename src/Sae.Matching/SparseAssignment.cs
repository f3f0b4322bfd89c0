namespace Sae.Matching;

/// <summary>
/// Exact maximum-weight one-to-one assignment over a <see cref="CandidateGraph"/>, with a bound on
/// how far it can be from the optimum of the full (dense) similarity matrix.
/// </summary>
/// <remarks>
/// <para>Objective, exactly: among matchings that use only candidate edges, the ones that pair the
/// most elements of the smaller side, and among those the largest total weight. Solved by shortest
/// augmenting paths from the smaller side (<see cref="AugmentingPathSolver"/>; the graph is
/// transposed when rows &gt; columns), with a private −BIG dummy per element so a search always ends.
/// Elements left on their dummy (every candidate is needed elsewhere, or there is none) are then
/// paired with the still-free elements of the other side in ascending order, deterministically,
/// and flagged as fallback.</para>
/// <para>Bound: OPT_dense ≤ <see cref="SparseAssignmentResult.UpperBound"/>, from the solve's dual
/// prices made feasible for the non-candidate pairs with RowBound (see <see cref="DualBound"/>). With
/// every column a candidate of every row the solve is the exact dense optimum and the gap is ~0.</para>
/// </remarks>
public static class SparseAssignment
{
    /// <summary>Solves the assignment on <paramref name="graph"/>.</summary>
    /// <param name="graph">Candidates (column indices ascending and in range, finite weights).</param>
    /// <param name="fallbackWeight">Optional true similarity of a (row, column) pair, used for the
    /// fallback pairs' share of the total.</param>
    /// <param name="fallbackEstimate">What the solve assumes a pair outside the candidates is worth
    /// (capped by the RowBounds); 0 suits cosines of high-dimensional vectors, where unrelated pairs are near 0.</param>
    /// <param name="progress">Receives the fraction of the smaller side processed.</param>
    /// <param name="cancellationToken">Checked every 1024 augmentations.</param>
    /// <exception cref="ArgumentException">The graph's indices or weights are invalid.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static SparseAssignmentResult Solve(CandidateGraph graph, Func<int, int, float>? fallbackWeight = null,
        double fallbackEstimate = 0.0, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Validate(graph);
        bool transpose = graph.Rows > graph.Columns;
        var t = transpose ? Transposed.Of(graph) : null;
        int rows = transpose ? graph.Columns : graph.Rows, columns = transpose ? graph.Rows : graph.Columns;
        int[] start = t?.Start ?? graph.RowStart, column = t?.Row ?? graph.ColumnIndex;
        float[] weight = t?.Weight ?? graph.Weight;
        var dummy = DummyWeights.For(graph, t, fallbackEstimate);
        var solver = new AugmentingPathSolver(rows, columns, start, column, weight, dummy);
        solver.Solve(new ProgressCounter(rows, progress, 0, 0.6), cancellationToken);

        var rowToColumn = new int[graph.Rows];
        var columnToRow = new int[graph.Columns];
        Array.Fill(rowToColumn, -1);
        Array.Fill(columnToRow, -1);
        var fallback = new bool[graph.Rows];
        double total = 0;
        int fallbacks = 0;
        int nextFree = 0;
        for (int r = 0; r < rows; r++)
        {
            int c = solver.RowMatch[r];
            bool isFallback = c == AugmentingPathSolver.Dummy;
            if (isFallback)
            {
                while (solver.ColumnMatch[nextFree] >= 0)
                    nextFree++;
                c = nextFree++;
                fallbacks++;
            }
            var (i, j) = transpose ? (c, r) : (r, c);
            (rowToColumn[i], columnToRow[j], fallback[i]) = (j, i, isFallback);
            total += isFallback ? fallbackWeight?.Invoke(i, j) ?? 0.0 : EdgeWeight(start, column, weight, r, c);
        }
        double bound = Math.Min(DualBound.Compute(graph, transpose ? solver.U : solver.V),
            RelaxedBound(graph, new ProgressCounter(graph.Rows, progress, 0.6, 0.4), cancellationToken));
        return new SparseAssignmentResult(new Assignment(rowToColumn, columnToRow, total), bound, fallback, fallbacks);
    }

    // The optimum of the relaxation in which every non-candidate pair of row i is worth RowBound[i]
    // (each row owning a dummy of that weight), read off its column duals; see DummyWeights.Relaxed.
    private static double RelaxedBound(CandidateGraph g, ProgressCounter progress, CancellationToken cancel)
    {
        var relaxed = new AugmentingPathSolver(g.Rows, g.Columns, g.RowStart, g.ColumnIndex, g.Weight, DummyWeights.Relaxed(g));
        relaxed.Solve(progress, cancel);
        return DualBound.Compute(g, relaxed.V);
    }

    private static double EdgeWeight(int[] start, int[] column, float[] weight, int row, int col) =>
        weight[Array.BinarySearch(column, start[row], start[row + 1] - start[row], col)];

    private static void Validate(CandidateGraph g)
    {
        if (g.RowStart[0] != 0)
            throw new ArgumentException($"RowStart[0] must be 0 (got {g.RowStart[0]}).", nameof(g));
        for (int i = 0; i < g.Rows; i++)
        {
            if (g.RowStart[i + 1] < g.RowStart[i])
                throw new ArgumentException($"RowStart must not decrease (row {i}: {g.RowStart[i]} then {g.RowStart[i + 1]}).", nameof(g));
            if (float.IsNaN(g.RowBound[i]))
                throw new ArgumentException($"RowBound[{i}] is NaN.", nameof(g));
            for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++)
            {
                int j = g.ColumnIndex[e];
                if (j < 0 || j >= g.Columns || (e > g.RowStart[i] && j <= g.ColumnIndex[e - 1]))
                    throw new ArgumentException($"Row {i}'s candidate columns must be ascending, distinct and in [0, {g.Columns}) (got {j}).", nameof(g));
                if (!float.IsFinite(g.Weight[e]))
                    throw new ArgumentException($"The weight of row {i}, column {j} is not finite ({g.Weight[e]}).", nameof(g));
            }
        }
    }
}
