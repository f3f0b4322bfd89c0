using System.Runtime.Intrinsics;

namespace Sae.Matching;

/// <summary>
/// The row scans of the assignment solver over one similarity row s[0..n) (float), with the cost of
/// a pair taken as c = −s in double. Dispatches to the widest accelerated width (512 → 256 → scalar);
/// every width performs the same double operations in the same order and breaks ties towards the
/// lowest column, so the results are bit-identical whichever width ran. The scalar loops here are
/// the definition.
/// </summary>
internal static unsafe class RowScan
{
    /// <summary>
    /// Dijkstra relaxation of row <paramref name="row"/>: for every column h = (−s[j] − vScan[j]) − u;
    /// where h &lt; d[j]: d[j] = h, pred[j] = row. Returns the smallest d[j] after the update (lowest j
    /// among equals). Settled columns carry vScan = −∞ and d = +∞, so they are never updated or returned.
    /// </summary>
    public static ScanMin Relax(float* s, double* vScan, double* d, int* pred, int n, int row, double u)
    {
        if (Vector512.IsHardwareAccelerated)
            return RowScan512.Relax(s, vScan, d, pred, n, row, u);
        if (Vector256.IsHardwareAccelerated)
            return RowScan256.Relax(s, vScan, d, pred, n, row, u);
        return RelaxScalar(s, vScan, d, pred, 0, n, row, u, ScanMin.None);
    }

    /// <summary>The two smallest reduced costs h = −s[j] − v[j] of a row (lexicographic by value, column).</summary>
    public static TwoSmallest MinTwo(float* s, double* v, int n)
    {
        if (Vector512.IsHardwareAccelerated)
            return RowScan512.MinTwo(s, v, n);
        if (Vector256.IsHardwareAccelerated)
            return RowScan256.MinTwo(s, v, n);
        var best = TwoSmallest.Empty;
        MinTwoScalar(s, v, 0, n, ref best);
        return best;
    }

    /// <summary>Column minima of the cost, one row at a time: where −s[j] &lt; v[j]: v[j] = −s[j], argRow[j] = row.</summary>
    public static void ColumnMin(float* s, double* v, int* argRow, int n, int row)
    {
        if (Vector512.IsHardwareAccelerated)
            RowScan512.ColumnMin(s, v, argRow, n, row);
        else if (Vector256.IsHardwareAccelerated)
            RowScan256.ColumnMin(s, v, argRow, n, row);
        else
            ColumnMinScalar(s, v, argRow, 0, n, row);
    }

    /// <summary><see cref="Relax"/> over columns [from, n), continuing the running minimum <paramref name="best"/>.</summary>
    internal static ScanMin RelaxScalar(float* s, double* vScan, double* d, int* pred, int from, int n, int row, double u, ScanMin best)
    {
        double bestValue = best.Value;
        int bestColumn = best.Column;
        for (int j = from; j < n; j++)
        {
            double h = (-(double)s[j] - vScan[j]) - u;
            double dj = d[j];
            if (h < dj)
            {
                dj = h;
                d[j] = h;
                pred[j] = row;
            }
            if (dj < bestValue)
            {
                bestValue = dj;
                bestColumn = j;
            }
        }
        return new ScanMin(bestValue, bestColumn);
    }

    /// <summary><see cref="MinTwo"/> over columns [from, n), adding to <paramref name="best"/>.</summary>
    internal static void MinTwoScalar(float* s, double* v, int from, int n, ref TwoSmallest best)
    {
        for (int j = from; j < n; j++)
            best.Offer(-(double)s[j] - v[j], j);
    }

    /// <summary><see cref="ColumnMin"/> over columns [from, n).</summary>
    internal static void ColumnMinScalar(float* s, double* v, int* argRow, int from, int n, int row)
    {
        for (int j = from; j < n; j++)
        {
            double c = -(double)s[j];
            if (c < v[j])
            {
                v[j] = c;
                argRow[j] = row;
            }
        }
    }
}
