using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sae.Matching;

/// <summary>
/// The <see cref="RowScan"/> loops with 512-bit vectors: 16 columns per step (one float load
/// widened to two vectors of 8 doubles). The row is read from memory once per scan, so the loops
/// prefetch it <see cref="RowScan.PrefetchAhead"/> floats ahead; they are bound by memory, not
/// arithmetic, at n ≥ 4096.
/// </summary>
internal static unsafe class RowScan512
{
    private const int Step = 16;

    /// <summary>See <see cref="RowScan.Relax"/>. The minimum is kept per block of <see cref="RowScan.Block"/>
    /// columns (lane minima, no index tracking in the loop), then located by <see cref="RowScan.FirstMinimum"/>.</summary>
    public static ScanMin Relax(float* s, double* wScan, double* d, int* pred, int n, int row, double u)
    {
        var uu = Vector512.Create(u);
        var rowV = Vector512.Create(row);
        int blocks = (n + RowScan.Block - 1) / RowScan.Block;
        double* blockMin = stackalloc double[Math.Max(blocks, 1)];
        int vectorEnd = n - n % Step;
        for (int b = 0; b < blocks; b++)
        {
            // no calls in here: a call would make the JIT spill the vector registers every step
            int j = b * RowScan.Block, end = Math.Min(vectorEnd, j + RowScan.Block);
            var m0 = Vector512.Create(double.PositiveInfinity);
            var m1 = m0;
            for (; j < end; j += Step)
            {
                if (Sse.IsSupported)
                    Sse.Prefetch0(s + j + RowScan.PrefetchAhead);
                var f = Vector512.Load(s + j);
                var h0 = (Vector512.Load(wScan + j) - Vector512.WidenLower(f)) - uu;
                var h1 = (Vector512.Load(wScan + j + 8) - Vector512.WidenUpper(f)) - uu;
                var d0 = Vector512.Load(d + j);
                var d1 = Vector512.Load(d + j + 8);
                // two any-tests keep the masks in mask registers on the common path (nothing improves)
                if (Vector512.LessThanAny(h0, d0) | Vector512.LessThanAny(h1, d1))
                {
                    var lt0 = Vector512.LessThan(h0, d0);
                    var lt1 = Vector512.LessThan(h1, d1);
                    d0 = Vector512.ConditionalSelect(lt0, h0, d0);
                    d1 = Vector512.ConditionalSelect(lt1, h1, d1);
                    d0.Store(d + j);
                    d1.Store(d + j + 8);
                    var mask = Vector512.Narrow(lt0.AsInt64(), lt1.AsInt64());
                    Vector512.ConditionalSelect(mask, rowV, Vector512.Load(pred + j)).Store(pred + j);
                }
                m0 = Vector512.MinNative(m0, d0);
                m1 = Vector512.MinNative(m1, d1);
            }
            blockMin[b] = MinLane(Vector512.MinNative(m0, m1));
        }
        if (vectorEnd < n)
        {
            var tail = RowScan.RelaxScalar(s, wScan, d, pred, vectorEnd, n, row, u, ScanMin.None);
            blockMin[blocks - 1] = Math.Min(blockMin[blocks - 1], tail.Value);
        }
        return RowScan.FirstMinimum(d, n, blockMin, blocks);
    }

    /// <summary>See <see cref="RowScan.MinTwo"/>: per lane the two smallest (value, column), merged at the end.</summary>
    public static TwoSmallest MinTwo(float* s, double* v, int n)
    {
        var inf = Vector512.Create(double.PositiveInfinity);
        var none = Vector512.Create(-1L);
        var (m10, m11, m20, m21) = (inf, inf, inf, inf);
        var (i10, i11, i20, i21) = (none, none, none, none);
        var col0 = Vector512.Create(0L, 1, 2, 3, 4, 5, 6, 7);
        var col1 = col0 + Vector512.Create(8L);
        var step = Vector512.Create((long)Step);
        int j = 0;
        for (; j <= n - Step; j += Step)
        {
            if (Sse.IsSupported)
                Sse.Prefetch0(s + j + RowScan.PrefetchAhead);
            var f = Vector512.Load(s + j);
            var h0 = -Vector512.WidenLower(f) - Vector512.Load(v + j);
            var h1 = -Vector512.WidenUpper(f) - Vector512.Load(v + j + 8);
            Insert(h0, col0, ref m10, ref i10, ref m20, ref i20);
            Insert(h1, col1, ref m11, ref i11, ref m21, ref i21);
            col0 += step;
            col1 += step;
        }
        var best = TwoSmallest.Empty;
        Offer(ref best, m10, i10);
        Offer(ref best, m11, i11);
        Offer(ref best, m20, i20);
        Offer(ref best, m21, i21);
        RowScan.MinTwoScalar(s, v, j, n, ref best);
        return best;
    }

    /// <summary>See <see cref="RowScan.ColumnMin"/>.</summary>
    public static void ColumnMin(float* s, double* v, int* argRow, int n, int row)
    {
        var rowV = Vector512.Create(row);
        int j = 0;
        for (; j <= n - Step; j += Step)
        {
            var f = Vector512.Load(s + j);
            var c0 = -Vector512.WidenLower(f);
            var c1 = -Vector512.WidenUpper(f);
            var v0 = Vector512.Load(v + j);
            var v1 = Vector512.Load(v + j + 8);
            if (!(Vector512.LessThanAny(c0, v0) | Vector512.LessThanAny(c1, v1)))
                continue;
            var lt0 = Vector512.LessThan(c0, v0);
            var lt1 = Vector512.LessThan(c1, v1);
            Vector512.ConditionalSelect(lt0, c0, v0).Store(v + j);
            Vector512.ConditionalSelect(lt1, c1, v1).Store(v + j + 8);
            var mask = Vector512.Narrow(lt0.AsInt64(), lt1.AsInt64());
            Vector512.ConditionalSelect(mask, rowV, Vector512.Load(argRow + j)).Store(argRow + j);
        }
        RowScan.ColumnMinScalar(s, v, argRow, j, n, row);
    }

    /// <summary>Per lane, inserts (h, col) into the sorted pair (m1, i1) ≤ (m2, i2); columns grow per lane, so strict &lt; keeps the first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Insert(Vector512<double> h, Vector512<long> col,
        ref Vector512<double> m1, ref Vector512<long> i1, ref Vector512<double> m2, ref Vector512<long> i2)
    {
        var lt1 = Vector512.LessThan(h, m1);
        var lt2 = Vector512.LessThan(h, m2);
        m2 = Vector512.ConditionalSelect(lt1, m1, Vector512.ConditionalSelect(lt2, h, m2));
        i2 = Vector512.ConditionalSelect(lt1.AsInt64(), i1, Vector512.ConditionalSelect(lt2.AsInt64(), col, i2));
        m1 = Vector512.ConditionalSelect(lt1, h, m1);
        i1 = Vector512.ConditionalSelect(lt1.AsInt64(), col, i1);
    }

    private static void Offer(ref TwoSmallest best, Vector512<double> m, Vector512<long> i)
    {
        for (int k = 0; k < Vector512<double>.Count; k++)
            best.Offer(m[k], (int)i[k]);
    }

    /// <summary>The smallest lane (any −0/+0 choice is fine: the caller only compares it with ==).</summary>
    private static double MinLane(Vector512<double> m)
    {
        var h = Vector256.MinNative(m.GetLower(), m.GetUpper());
        var q = Vector128.MinNative(h.GetLower(), h.GetUpper());
        return Math.Min(q[0], q[1]);
    }
}
