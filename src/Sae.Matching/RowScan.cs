using System.Runtime.Intrinsics;

namespace Sae.Matching;

/// <summary>
/// The row kernels of the assignment solver over one similarity row s[0..n) (float), the cost of a
/// pair being c = −s in double, columns grouped in blocks of <see cref="BlockBounds.Width"/>.
/// Dispatches to the widest accelerated width (512 → 256 → scalar); every width performs the same
/// double operations in the same order, so results are bit-identical whichever width ran. The
/// scalar loops here are the definition.
/// </summary>
internal static unsafe class RowScan
{
    private const int W = BlockBounds.Width;

    /// <summary>blockMax[b] = max of the row's block b; returns max |s| over the row.</summary>
    public static float BlockMax(float* s, int n, float* blockMax)
    {
        if (Vector512.IsHardwareAccelerated)
            return RowScan512.BlockMax(s, n, blockMax);
        if (Vector256.IsHardwareAccelerated)
            return RowScan256.BlockMax(s, n, blockMax);
        return BlockMaxScalar(s, n, blockMax, 0);
    }

    /// <summary>
    /// The blocks a Dijkstra scan of this row must read: those where ((e[b] − max[b]) − u) &gt; margin
    /// fails, e[b] being min (w[j] − d[j]) over the block's unsettled columns. Writes them ascending
    /// to <paramref name="needed"/>, returns how many, and prefetches their lines of s.
    /// </summary>
    public static int NeededBlocks(float* s, float* blockMax, double* e, int blocks, double u, double margin, int* needed)
    {
        if (Vector512.IsHardwareAccelerated)
            return RowScan512.NeededBlocks(s, blockMax, e, blocks, u, margin, needed);
        if (Vector256.IsHardwareAccelerated)
            return RowScan256.NeededBlocks(s, blockMax, e, blocks, u, margin, needed);
        return NeededBlocksScalar(blockMax, e, 0, blocks, u, margin, needed, 0);
    }

    /// <summary>
    /// Dijkstra relaxation of block b of row <paramref name="row"/>: per column h = (w[j] − s[j]) − u
    /// (w = −v, so h = c − v − u); where h &lt; d[j]: d[j] = h, pred[j] = row. Settled columns carry
    /// w = d = +∞ and never change. Returns the block's new summary (see <see cref="Summary"/>).
    /// </summary>
    public static BlockSummary RelaxBlock(float* s, double* w, double* d, int* pred, int n, int b, int row, double u)
    {
        if (b * W + W <= n)
        {
            if (Vector512.IsHardwareAccelerated)
                return RowScan512.RelaxBlock(s, w, d, pred, b * W, row, u);
            if (Vector256.IsHardwareAccelerated)
                return RowScan256.RelaxBlock(s, w, d, pred, b * W, row, u);
        }
        return RelaxBlockScalar(s, w, d, pred, n, b, row, u);
    }

    internal static BlockSummary RelaxBlockScalar(float* s, double* w, double* d, int* pred, int n, int b, int row, double u)
    {
        for (int j = b * W; j < Math.Min(n, b * W + W); j++)
        {
            double h = (w[j] - s[j]) - u;
            if (h < d[j])
                (d[j], pred[j]) = (h, row);
        }
        return Summary(w, d, n, b);
    }

    /// <summary>Block b's e = min (w[j] − d[j]) over unsettled columns (w &lt; +∞; +∞ if none) and min d.</summary>
    public static BlockSummary Summary(double* w, double* d, int n, int b)
    {
        double e = double.PositiveInfinity, dMin = double.PositiveInfinity;
        for (int j = b * W; j < Math.Min(n, b * W + W); j++)
        {
            if (w[j] < double.PositiveInfinity)
                e = Math.Min(e, w[j] - d[j]);
            dMin = Math.Min(dMin, d[j]);
        }
        return new BlockSummary(e, dMin);
    }

    /// <summary>lb[b] = (−max[b]) − maxV[b]: no reduced cost −s[j] − v[j] in block b is below it.</summary>
    public static void BlockLowerBounds(float* blockMax, double* maxV, int blocks, double* lb)
    {
        if (Vector512.IsHardwareAccelerated)
            RowScan512.BlockLowerBounds(blockMax, maxV, blocks, lb);
        else if (Vector256.IsHardwareAccelerated)
            RowScan256.BlockLowerBounds(blockMax, maxV, blocks, lb);
        else
            BlockLowerBoundsScalar(blockMax, maxV, 0, blocks, lb);
    }

    /// <summary>Offers block b's reduced costs −s[j] − v[j] to <paramref name="best"/> (vector widths offer only those
    /// not above best.Second, which cannot change the result).</summary>
    public static void OfferBlock(float* s, double* v, int n, int b, ref TwoSmallest best)
    {
        if (b * W + W <= n)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                RowScan512.OfferBlock(s, v, b * W, ref best);
                return;
            }
            if (Vector256.IsHardwareAccelerated)
            {
                RowScan256.OfferBlock(s, v, b * W, ref best);
                return;
            }
        }
        OfferBlockScalar(s, v, n, b, ref best);
    }

    internal static void OfferBlockScalar(float* s, double* v, int n, int b, ref TwoSmallest best)
    {
        for (int j = b * W; j < Math.Min(n, b * W + W); j++)
            best.Offer(-(double)s[j] - v[j], j);
    }

    /// <summary>Offers every block b with lb[b] ≤ best.Second (re-read as it falls) — the blocks that can hold one of the two smallest.</summary>
    public static void OfferBlocksBelow(float* s, double* v, int n, double* lb, int blocks, ref TwoSmallest best)
    {
        if (Vector512.IsHardwareAccelerated)
            RowScan512.OfferBlocksBelow(s, v, n, lb, blocks, ref best);
        else if (Vector256.IsHardwareAccelerated)
            RowScan256.OfferBlocksBelow(s, v, n, lb, blocks, ref best);
        else
            OfferBlocksBelowScalar(s, v, n, lb, 0, blocks, ref best);
    }

    /// <summary>The first index of the smallest of x[0..count) (== comparison), or −1 when none is below +∞.</summary>
    public static int FirstMinimum(double* x, int count)
    {
        double min;
        if (Vector512.IsHardwareAccelerated)
            min = RowScan512.Minimum(x, count);
        else if (Vector256.IsHardwareAccelerated)
            min = RowScan256.Minimum(x, count);
        else
            min = MinimumScalar(x, 0, count, double.PositiveInfinity);
        if (!(min < double.PositiveInfinity))
            return -1;
        if (Vector512.IsHardwareAccelerated)
            return RowScan512.IndexOf(x, count, min);
        if (Vector256.IsHardwareAccelerated)
            return RowScan256.IndexOf(x, count, min);
        return IndexOfScalar(x, 0, min);
    }

    /// <summary>The first k ≥ from with x[k] == value (one must exist).</summary>
    internal static int IndexOfScalar(double* x, int from, double value)
    {
        int k = from;
        while (!(x[k] == value))
            k++;
        return k;
    }

    /// <summary>Prefetches <paramref name="bytes"/> bytes from <paramref name="p"/>, one cache line at a time (a hint; never faults).</summary>
    public static void Prefetch(void* p, int bytes)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported)
            return;
        for (int k = 0; k < bytes; k += 64)
            System.Runtime.Intrinsics.X86.Sse.Prefetch0((byte*)p + k);
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

    internal static float BlockMaxScalar(float* s, int n, float* blockMax, int fromBlock)
    {
        float maxAbs = 0;
        for (int b = fromBlock; b * W < n; b++)
        {
            float m = float.NegativeInfinity;
            for (int j = b * W; j < Math.Min(n, b * W + W); j++)
            {
                m = Math.Max(m, s[j]);
                maxAbs = Math.Max(maxAbs, Math.Abs(s[j]));
            }
            blockMax[b] = m;
        }
        return maxAbs;
    }

    internal static int NeededBlocksScalar(float* blockMax, double* e, int from, int blocks, double u, double margin, int* needed, int count)
    {
        for (int b = from; b < blocks; b++)
        {
            if (!(((e[b] - blockMax[b]) - u) > margin))
                needed[count++] = b;
        }
        return count;
    }

    internal static void BlockLowerBoundsScalar(float* blockMax, double* maxV, int from, int blocks, double* lb)
    {
        for (int b = from; b < blocks; b++)
            lb[b] = -(double)blockMax[b] - maxV[b];
    }

    internal static void OfferBlocksBelowScalar(float* s, double* v, int n, double* lb, int from, int blocks, ref TwoSmallest best)
    {
        for (int b = from; b < blocks; b++)
        {
            if (lb[b] <= best.Second.Value)
                OfferBlock(s, v, n, b, ref best);
        }
    }

    internal static double MinimumScalar(double* x, int from, int count, double min)
    {
        for (int k = from; k < count; k++)
            min = Math.Min(min, x[k]);
        return min;
    }

    internal static void ColumnMinScalar(float* s, double* v, int* argRow, int from, int n, int row)
    {
        for (int j = from; j < n; j++)
        {
            double c = -(double)s[j];
            if (c < v[j])
                (v[j], argRow[j]) = (c, row);
        }
    }
}
