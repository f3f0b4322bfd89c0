namespace Sae.Matching;

/// <summary>
/// An upper bound on the DENSE optimum from a candidate graph, by LP duality. The dense problem
/// (every element of the smaller side assigned) has the dual: minimise Σu + Σv subject to
/// u_i + v_j ≥ S[i, j] for every pair, with v ≥ 0 when columns may stay free (n2 &gt; n1) and u ≥ 0
/// when rows may (n1 &gt; n2). Any feasible (u, v) bounds the optimum from above. S is known only on
/// candidates; elsewhere S[i, j] ≤ RowBound[i]. So for any v, the smallest feasible u is
/// <code>u_i = max( max over candidates j of (S_ij − v_j),  RowBound_i − min over non-candidates j of v_j,  [0] )</code>
/// and likewise the smallest feasible v for a given u. Starting from the sparse solve's column duals
/// (which make the candidate part tight), a few alternating sweeps of these exact block minimisations
/// only lower the bound, and every intermediate (u, v) is feasible, so the bound holds whatever the
/// solver did. Cost per sweep: a sort of each side plus a binary search per candidate.
/// </summary>
internal static class DualBound
{
    /// <summary>Alternating sweeps: the first makes the duals feasible; at 16K latents the second changed nothing, and later ones nothing either.</summary>
    public const int Sweeps = 2;

    /// <summary>The bound, starting from column duals <paramref name="columnDual"/> (any values; non-finite ones count as 0).</summary>
    public static double Compute(CandidateGraph g, ReadOnlySpan<double> columnDual)
    {
        bool rowsMayBeFree = g.Rows > g.Columns, columnsMayBeFree = g.Columns > g.Rows;
        var v = new double[g.Columns];
        for (int j = 0; j < v.Length; j++)
            v[j] = Floor(columnDual[j], columnsMayBeFree);
        var t = Transposed.Of(g);
        var u = new double[g.Rows];
        double best = double.PositiveInfinity;
        for (int sweep = 0; sweep < Sweeps; sweep++)
        {
            RowStep(g, v, u, rowsMayBeFree);
            best = Math.Min(best, Sum(u) + Sum(v));
            ColumnStep(g, t, u, v, columnsMayBeFree);
            best = Math.Min(best, Sum(u) + Sum(v));
        }
        return best;
    }

    // u_i = max(candidates' S − v, RowBound_i − (smallest v among columns outside row i), [0]).
    private static void RowStep(CandidateGraph g, double[] v, double[] u, bool nonNegative)
    {
        int[] byV = Order(v, ascending: true);
        Parallel.For(0, g.Rows, i =>
        {
            int start = g.RowStart[i], end = g.RowStart[i + 1];
            double best = nonNegative ? 0.0 : double.NegativeInfinity;
            for (int e = start; e < end; e++)
                best = Math.Max(best, g.Weight[e] - v[g.ColumnIndex[e]]);
            if (end - start < g.Columns)
            {
                int k = 0;
                while (Array.BinarySearch(g.ColumnIndex, start, end - start, byV[k]) >= 0)
                    k++;
                best = Math.Max(best, g.RowBound[i] - v[byV[k]]);
            }
            u[i] = Floor(best, nonNegative);
        });
    }

    // v_j = max(candidates' S − u, max over rows i outside column j of (RowBound_i − u_i), [0]).
    private static void ColumnStep(CandidateGraph g, Transposed t, double[] u, double[] v, bool nonNegative)
    {
        var key = new double[g.Rows];
        for (int i = 0; i < key.Length; i++)
            key[i] = g.RowBound[i] - u[i];
        int[] byKey = Order(key, ascending: false);
        Parallel.For(0, g.Columns, j =>
        {
            int start = t.Start[j], end = t.Start[j + 1];
            double best = nonNegative ? 0.0 : double.NegativeInfinity;
            for (int e = start; e < end; e++)
                best = Math.Max(best, t.Weight[e] - u[t.Row[e]]);
            if (end - start < g.Rows)
            {
                int k = 0;
                while (Array.BinarySearch(t.Row, start, end - start, byKey[k]) >= 0)
                    k++;
                best = Math.Max(best, key[byKey[k]]);
            }
            v[j] = Floor(best, nonNegative);
        });
    }

    // A dual that no pair constrains (−∞) or that is not a number is replaced by 0 (or raised to 0):
    // raising a dual keeps every constraint satisfied.
    private static double Floor(double x, bool nonNegative) =>
        double.IsFinite(x) ? (nonNegative ? Math.Max(x, 0.0) : x) : (x == double.PositiveInfinity ? x : 0.0);

    private static int[] Order(double[] x, bool ascending)
    {
        var order = new int[x.Length];
        var keys = new double[x.Length];
        for (int k = 0; k < order.Length; k++)
        {
            order[k] = k;
            keys[k] = ascending ? x[k] : -x[k];
        }
        Array.Sort(keys, order);
        return order;
    }

    private static double Sum(double[] x)
    {
        double s = 0;
        foreach (double e in x)
            s += e;
        return s;
    }
}
