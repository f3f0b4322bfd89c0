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
    /// <summary>Columns per block of the vector <see cref="Relax"/>, which keeps one minimum per block.</summary>
    public const int Block = 256;

    /// <summary>
    /// How far ahead (in floats, 4 KiB) the vector loops prefetch the row they scan: rows are visited
    /// in data-dependent order, so the hardware prefetcher (which stops at page boundaries) alone
    /// leaves the scan waiting on memory. Measured at n = 8192: −35% time in the augmentation phase.
    /// </summary>
    public const int PrefetchAhead = 1024;

    /// <summary>
    /// Dijkstra relaxation of row <paramref name="row"/>: for every column h = (wScan[j] − s[j]) − u,
    /// where wScan = −v (so h = c[row, j] − v[j] − u, the negation folded into the stored duals);
    /// where h &lt; d[j]: d[j] = h, pred[j] = row. Returns the smallest d[j] after the update (lowest j
    /// among equals). Settled columns carry wScan = +∞ and d = +∞, so they are never updated or returned.
    /// </summary>
    public static ScanMin Relax(float* s, double* wScan, double* d, int* pred, int n, int row, double u)
    {
        if (Vector512.IsHardwareAccelerated)
            return RowScan512.Relax(s, wScan, d, pred, n, row, u);
        if (Vector256.IsHardwareAccelerated)
            return RowScan256.Relax(s, wScan, d, pred, n, row, u);
        return RelaxScalar(s, wScan, d, pred, 0, n, row, u, ScanMin.None);
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
    internal static ScanMin RelaxScalar(float* s, double* wScan, double* d, int* pred, int from, int n, int row, double u, ScanMin best)
    {
        double bestValue = best.Value;
        int bestColumn = best.Column;
        for (int j = from; j < n; j++)
        {
            double h = (wScan[j] - s[j]) - u;
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

    /// <summary>
    /// The first column holding the smallest d, given the minimum of each block of <see cref="Block"/>
    /// columns: the first block whose minimum is the overall one is searched for it. The value
    /// returned is d's own (so −0 and +0 come out as the scalar loop would).
    /// </summary>
    internal static ScanMin FirstMinimum(double* d, int n, double* blockMin, int blocks)
    {
        double min = double.PositiveInfinity;
        for (int b = 0; b < blocks; b++)
            min = Math.Min(min, blockMin[b]);
        if (!(min < double.PositiveInfinity))
            return ScanMin.None;
        int first = 0;
        while (!(blockMin[first] == min))
            first++;
        int j = first * Block;
        while (!(d[j] == min))
            j++;
        return new ScanMin(d[j], j);
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
