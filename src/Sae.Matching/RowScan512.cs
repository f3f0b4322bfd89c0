using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sae.Matching;

/// <summary>
/// The <see cref="RowScan"/> kernels with 512-bit vectors: a block of 16 columns is one float
/// vector, widened to two vectors of 8 doubles; per-block arrays are processed 16 blocks per step.
/// </summary>
internal static unsafe class RowScan512
{
    private const int Step = 16;
    private const int W = BlockBounds.Width;

    /// <summary>See <see cref="RowScan.BlockMax"/>.</summary>
    public static float BlockMax(float* s, int n, float* blockMax)
    {
        var abs = Vector512<float>.Zero;
        int b = 0;
        for (; b * W + W <= n; b++)
        {
            var m = Vector512.Create(float.NegativeInfinity);
            for (int j = b * W; j < b * W + W; j += Step)
            {
                var f = Vector512.Load(s + j);
                m = Vector512.MaxNative(m, f);
                abs = Vector512.MaxNative(abs, Vector512.Abs(f));
            }
            blockMax[b] = MaxLane(m);
        }
        return Math.Max(MaxLane(abs), RowScan.BlockMaxScalar(s, n, blockMax, b));
    }

    /// <summary>See <see cref="RowScan.NeededBlocks"/>.</summary>
    public static int NeededBlocks(float* s, float* blockMax, double* e, int blocks, double u, double margin, int* needed)
    {
        var uu = Vector512.Create(u);
        var mm = Vector512.Create(margin);
        int count = 0, b = 0;
        for (; b <= blocks - Step; b += Step)
        {
            var m = Vector512.Load(blockMax + b);
            var ok0 = Vector512.GreaterThan((Vector512.Load(e + b) - Vector512.WidenLower(m)) - uu, mm);
            var ok1 = Vector512.GreaterThan((Vector512.Load(e + b + 8) - Vector512.WidenUpper(m)) - uu, mm);
            uint need = ~(uint)(ok0.ExtractMostSignificantBits() | (ok1.ExtractMostSignificantBits() << 8)) & 0xFFFF;
            while (need != 0)
            {
                int k = b + BitOperations.TrailingZeroCount(need);
                if (Sse.IsSupported)
                    Sse.Prefetch0(s + (long)k * W);
                needed[count++] = k;
                need &= need - 1;
            }
        }
        return RowScan.NeededBlocksScalar(blockMax, e, b, blocks, u, margin, needed, count);
    }

    /// <summary>See <see cref="RowScan.RelaxBlock"/>, for the full block starting at column j0.</summary>
    public static BlockSummary RelaxBlock(float* s, double* w, double* d, int* pred, int j0, int row, double u)
    {
        var uu = Vector512.Create(u);
        var inf = Vector512.Create(double.PositiveInfinity);
        var (e, dMin) = (inf, inf);
        for (int j = j0; j < j0 + W; j += Step)
        {
            var f = Vector512.Load(s + j);
            var w0 = Vector512.Load(w + j);
            var w1 = Vector512.Load(w + j + 8);
            var h0 = (w0 - Vector512.WidenLower(f)) - uu;
            var h1 = (w1 - Vector512.WidenUpper(f)) - uu;
            var d0 = Vector512.Load(d + j);
            var d1 = Vector512.Load(d + j + 8);
            var lt0 = Vector512.LessThan(h0, d0);
            var lt1 = Vector512.LessThan(h1, d1);
            d0 = Vector512.ConditionalSelect(lt0, h0, d0);
            d1 = Vector512.ConditionalSelect(lt1, h1, d1);
            d0.Store(d + j);
            d1.Store(d + j + 8);
            var mask = Vector512.Narrow(lt0.AsInt64(), lt1.AsInt64());
            Vector512.ConditionalSelect(mask, Vector512.Create(row), Vector512.Load(pred + j)).Store(pred + j);
            // settled columns (w = +∞) stay out of e: +∞ − +∞ would be NaN
            e = Vector512.MinNative(e, Vector512.ConditionalSelect(Vector512.Equals(w0, inf), inf, w0 - d0));
            e = Vector512.MinNative(e, Vector512.ConditionalSelect(Vector512.Equals(w1, inf), inf, w1 - d1));
            dMin = Vector512.MinNative(dMin, Vector512.MinNative(d0, d1));
        }
        return new BlockSummary(MinLane(e), MinLane(dMin));
    }

    /// <summary>See <see cref="RowScan.BlockLowerBounds"/>.</summary>
    public static void BlockLowerBounds(float* blockMax, double* maxV, int blocks, double* lb)
    {
        int b = 0;
        for (; b <= blocks - Step; b += Step)
        {
            var m = Vector512.Load(blockMax + b);
            (-Vector512.WidenLower(m) - Vector512.Load(maxV + b)).Store(lb + b);
            (-Vector512.WidenUpper(m) - Vector512.Load(maxV + b + 8)).Store(lb + b + 8);
        }
        RowScan.BlockLowerBoundsScalar(blockMax, maxV, b, blocks, lb);
    }

    /// <summary>See <see cref="RowScan.OfferBlock"/>, for the full block starting at column j0.</summary>
    public static void OfferBlock(float* s, double* v, int j0, ref TwoSmallest best)
    {
        for (int j = j0; j < j0 + W; j += Step)
        {
            var f = Vector512.Load(s + j);
            var t = Vector512.Create(best.Second.Value);
            var h0 = -Vector512.WidenLower(f) - Vector512.Load(v + j);
            var h1 = -Vector512.WidenUpper(f) - Vector512.Load(v + j + 8);
            uint candidates = (uint)(Vector512.LessThanOrEqual(h0, t).ExtractMostSignificantBits()
                | (Vector512.LessThanOrEqual(h1, t).ExtractMostSignificantBits() << 8));
            while (candidates != 0)
            {
                int k = j + BitOperations.TrailingZeroCount(candidates);
                best.Offer(-(double)s[k] - v[k], k);
                candidates &= candidates - 1;
            }
        }
    }

    /// <summary>See <see cref="RowScan.OfferBlocksBelow"/>: 8 bounds per test.</summary>
    public static void OfferBlocksBelow(float* s, double* v, int n, double* lb, int blocks, ref TwoSmallest best)
    {
        int b = 0;
        for (; b <= blocks - 8; b += 8)
        {
            uint below = (uint)Vector512.LessThanOrEqual(Vector512.Load(lb + b), Vector512.Create(best.Second.Value)).ExtractMostSignificantBits();
            while (below != 0)
            {
                RowScan.OfferBlock(s, v, n, b + BitOperations.TrailingZeroCount(below), ref best);
                below &= below - 1;
            }
        }
        RowScan.OfferBlocksBelowScalar(s, v, n, lb, b, blocks, ref best);
    }

    /// <summary>The smallest of x[0..count) (+∞ when empty).</summary>
    public static double Minimum(double* x, int count)
    {
        var m = Vector512.Create(double.PositiveInfinity);
        int k = 0;
        for (; k <= count - 8; k += 8)
            m = Vector512.MinNative(m, Vector512.Load(x + k));
        return RowScan.MinimumScalar(x, k, count, MinLane(m));
    }

    /// <summary>The first k with x[k] == value, 8 at a time (one must exist in x[0..count)).</summary>
    public static int IndexOf(double* x, int count, double value)
    {
        var target = Vector512.Create(value);
        int k = 0;
        for (; k <= count - 8; k += 8)
        {
            uint hit = (uint)Vector512.Equals(Vector512.Load(x + k), target).ExtractMostSignificantBits();
            if (hit != 0)
                return k + BitOperations.TrailingZeroCount(hit);
        }
        return RowScan.IndexOfScalar(x, k, value);
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

    /// <summary>The smallest lane (which of −0/+0 is irrelevant: callers compare with ==).</summary>
    private static double MinLane(Vector512<double> m)
    {
        var h = Vector256.MinNative(m.GetLower(), m.GetUpper());
        var q = Vector128.MinNative(h.GetLower(), h.GetUpper());
        return Math.Min(q[0], q[1]);
    }

    private static float MaxLane(Vector512<float> m)
    {
        var h = Vector256.MaxNative(m.GetLower(), m.GetUpper());
        var q = Vector128.MaxNative(h.GetLower(), h.GetUpper());
        return Math.Max(Math.Max(q[0], q[1]), Math.Max(q[2], q[3]));
    }
}
