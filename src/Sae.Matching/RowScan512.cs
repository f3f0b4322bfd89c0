using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sae.Matching;

/// <summary>
/// The <see cref="RowScan"/> loops with 512-bit vectors: 16 columns per step (one float load
/// widened to two vectors of 8 doubles); per-lane running minima keep the first column of each
/// lane, and the lane merge picks the lowest column among equal values, as the scalar loop does.
/// </summary>
internal static unsafe class RowScan512
{
    private const int Step = 16;

    /// <summary>See <see cref="RowScan.Relax"/>.</summary>
    public static ScanMin Relax(float* s, double* vScan, double* d, int* pred, int n, int row, double u)
    {
        var uu = Vector512.Create(u);
        var rowV = Vector512.Create(row);
        var best0 = Vector512.Create(double.PositiveInfinity);
        var best1 = best0;
        var arg0 = Vector512.Create(-1L);
        var arg1 = arg0;
        var col0 = Vector512.Create(0L, 1, 2, 3, 4, 5, 6, 7);
        var col1 = col0 + Vector512.Create(8L);
        var step = Vector512.Create((long)Step);
        int j = 0;
        for (; j <= n - Step; j += Step)
        {
            var f = Vector512.Load(s + j);
            var h0 = (-Vector512.WidenLower(f) - Vector512.Load(vScan + j)) - uu;
            var h1 = (-Vector512.WidenUpper(f) - Vector512.Load(vScan + j + 8)) - uu;
            var d0 = Vector512.Load(d + j);
            var d1 = Vector512.Load(d + j + 8);
            var lt0 = Vector512.LessThan(h0, d0);
            var lt1 = Vector512.LessThan(h1, d1);
            if ((lt0 | lt1) != Vector512<double>.Zero)
            {
                d0 = Vector512.ConditionalSelect(lt0, h0, d0);
                d1 = Vector512.ConditionalSelect(lt1, h1, d1);
                d0.Store(d + j);
                d1.Store(d + j + 8);
                var mask = Vector512.Narrow(lt0.AsInt64(), lt1.AsInt64());
                Vector512.ConditionalSelect(mask, rowV, Vector512.Load(pred + j)).Store(pred + j);
            }
            var b0 = Vector512.LessThan(d0, best0);
            var b1 = Vector512.LessThan(d1, best1);
            best0 = Vector512.ConditionalSelect(b0, d0, best0);
            best1 = Vector512.ConditionalSelect(b1, d1, best1);
            arg0 = Vector512.ConditionalSelect(b0.AsInt64(), col0, arg0);
            arg1 = Vector512.ConditionalSelect(b1.AsInt64(), col1, arg1);
            col0 += step;
            col1 += step;
        }
        var best = ScanMin.Better(Lanes(best0, arg0), Lanes(best1, arg1));
        return RowScan.RelaxScalar(s, vScan, d, pred, j, n, row, u, best);
    }

    /// <summary>See <see cref="RowScan.MinTwo"/>.</summary>
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
            var lt0 = Vector512.LessThan(c0, v0);
            var lt1 = Vector512.LessThan(c1, v1);
            if ((lt0 | lt1) == Vector512<double>.Zero)
                continue;
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

    /// <summary>The best (value, column) over the lanes: smallest value, then lowest column.</summary>
    private static ScanMin Lanes(Vector512<double> value, Vector512<long> column)
    {
        var best = ScanMin.None;
        for (int k = 0; k < Vector512<double>.Count; k++)
            best = ScanMin.Better(best, new ScanMin(value[k], (int)column[k]));
        return best;
    }
}
