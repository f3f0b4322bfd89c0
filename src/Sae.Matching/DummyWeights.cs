namespace Sae.Matching;

/// <summary>
/// What the sparse solve assumes a fallback pair is worth, per element of the smaller side (the
/// solver's rows). A pair outside the candidates is worth at most its row's RowBound, and in
/// practice about the similarity of unrelated vectors (≈ 0 for cosines in high dimension), so the
/// element's dummy gets min(estimate, the largest RowBound its non-candidate pairs can have). An
/// element that is a candidate of every partner needs no fallback: its dummy gets −BIG, larger than
/// any change in total weight, so it is used only if nothing else can be done.
/// </summary>
/// <remarks>
/// Why not −BIG for everyone (placing as many elements on candidates as possible first): that makes
/// the solve give up a 0.9 pair to avoid one fallback that, in the dense problem, would cost ≈ 0.
/// </remarks>
internal static class DummyWeights
{
    /// <summary>Dummy weights for the solver's rows: graph rows, or graph columns when <paramref name="t"/> (the transpose) is given.</summary>
    public static double[] For(CandidateGraph g, Transposed? t, double estimate)
    {
        double big = Big(g.Weight, (int)g.Count, Math.Min(g.Rows, g.Columns));
        if (t is null)
        {
            var rowDummy = new double[g.Rows];
            for (int i = 0; i < g.Rows; i++)
            {
                bool complete = g.RowStart[i + 1] - g.RowStart[i] == g.Columns;
                rowDummy[i] = complete ? -big : Math.Max(-big, Math.Min(estimate, g.RowBound[i]));
            }
            return rowDummy;
        }
        // A column's non-candidate pairs are bounded by the largest RowBound among rows that lack it.
        var byBound = Enumerable.Range(0, g.Rows).OrderByDescending(i => g.RowBound[i]).ThenBy(i => i).ToArray();
        var columnDummy = new double[g.Columns];
        for (int j = 0; j < g.Columns; j++)
        {
            int start = t.Start[j], length = t.Start[j + 1] - start;
            if (length == g.Rows)
            {
                columnDummy[j] = -big;
                continue;
            }
            int k = 0;
            while (Array.BinarySearch(t.Row, start, length, byBound[k]) >= 0)
                k++;
            columnDummy[j] = Math.Max(-big, Math.Min(estimate, g.RowBound[byBound[k]]));
        }
        return columnDummy;
    }

    /// <summary>
    /// Dummy weights of the relaxation that bounds the dense optimum, for the graph's own rows: a row
    /// may take any number of non-candidate partners, each worth RowBound[i] (max(RowBound[i], 0) when
    /// rows may stay unassigned, n1 &gt; n2). Every dense assignment maps onto a solution of it that is
    /// worth at least as much (replace each non-candidate pair by the row's dummy), so its optimum is an
    /// upper bound. Complete rows have no non-candidates: −BIG.
    /// </summary>
    public static double[] Relaxed(CandidateGraph g)
    {
        double big = Big(g.Weight, (int)g.Count, g.Rows);
        var dummy = new double[g.Rows];
        for (int i = 0; i < g.Rows; i++)
        {
            bool complete = g.RowStart[i + 1] - g.RowStart[i] == g.Columns;
            double value = g.Rows > g.Columns ? Math.Max(g.RowBound[i], 0.0) : g.RowBound[i];
            dummy[i] = complete ? -big : Math.Max(-big, value);
        }
        return dummy;
    }

    // Larger than any change in total weight that placing one more element could cause.
    private static double Big(float[] weight, int count, int elements)
    {
        double min = 0, max = 0;
        for (int e = 0; e < count; e++)
        {
            min = Math.Min(min, weight[e]);
            max = Math.Max(max, weight[e]);
        }
        return (max - min + 1.0) * 2.0 * (elements + 1.0);
    }
}
