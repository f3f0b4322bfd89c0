using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sae.Matching;

/// <summary>
/// The <see cref="RowScan"/> kernels with 256-bit vectors: a block of 16 columns is two float
/// vectors, each widened to two vectors of 4 doubles; per-block arrays are processed 8 blocks per step.
/// </summary>
internal static unsafe class RowScan256
{
    private const int Step = 8;
    private const int W = BlockBounds.Width;

    /// <summary>See <see cref="RowScan.BlockMax"/>.</summary>
    public static float BlockMax(float* s, int n, float* blockMax)
    {
        var abs = Vector256<float>.Zero;
        int b = 0;
        for (; b * W + W <= n; b++)
        {
            var m = Vector256.Create(float.NegativeInfinity);
            for (int j = b * W; j < b * W + W; j += Step)
            {
                var f = Vector256.Load(s + j);
                m = Vector256.MaxNative(m, f);
                abs = Vector256.MaxNative(abs, Vector256.Abs(f));
            }
            blockMax[b] = MaxLane(m);
        }
        return Math.Max(MaxLane(abs), RowScan.BlockMaxScalar(s, n, blockMax, b));
    }

    /// <summary>See <see cref="RowScan.NeededBlocks"/>.</summary>
    public static int NeededBlocks(float* s, float* blockMax, double* e, int blocks, double u, double margin, int* needed)
    {
        var uu = Vector256.Create(u);
        var mm = Vector256.Create(margin);
        int count = 0, b = 0;
        for (; b <= blocks - Step; b += Step)
        {
            var m = Vector256.Load(blockMax + b);
            var ok0 = Vector256.GreaterThan((Vector256.Load(e + b) - Vector256.WidenLower(m)) - uu, mm);
            var ok1 = Vector256.GreaterThan((Vector256.Load(e + b + 4) - Vector256.WidenUpper(m)) - uu, mm);
            uint need = ~(uint)(ok0.ExtractMostSignificantBits() | (ok1.ExtractMostSignificantBits() << 4)) & 0xFF;
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
        var uu = Vector256.Create(u);
        var inf = Vector256.Create(double.PositiveInfinity);
        var (e, dMin) = (inf, inf);
        for (int j = j0; j < j0 + W; j += Step)
        {
            var f = Vector256.Load(s + j);
            var w0 = Vector256.Load(w + j);
            var w1 = Vector256.Load(w + j + 4);
            var h0 = (w0 - Vector256.WidenLower(f)) - uu;
            var h1 = (w1 - Vector256.WidenUpper(f)) - uu;
            var d0 = Vector256.Load(d + j);
            var d1 = Vector256.Load(d + j + 4);
            var lt0 = Vector256.LessThan(h0, d0);
            var lt1 = Vector256.LessThan(h1, d1);
            d0 = Vector256.ConditionalSelect(lt0, h0, d0);
            d1 = Vector256.ConditionalSelect(lt1, h1, d1);
            d0.Store(d + j);
            d1.Store(d + j + 4);
            var mask = Vector256.Narrow(lt0.AsInt64(), lt1.AsInt64());
            Vector256.ConditionalSelect(mask, Vector256.Create(row), Vector256.Load(pred + j)).Store(pred + j);
            // settled columns (w = +∞) stay out of e: +∞ − +∞ would be NaN
            e = Vector256.MinNative(e, Vector256.ConditionalSelect(Vector256.Equals(w0, inf), inf, w0 - d0));
            e = Vector256.MinNative(e, Vector256.ConditionalSelect(Vector256.Equals(w1, inf), inf, w1 - d1));
            dMin = Vector256.MinNative(dMin, Vector256.MinNative(d0, d1));
        }
        return new BlockSummary(MinLane(e), MinLane(dMin));
    }

    /// <summary>See <see cref="RowScan.BlockLowerBounds"/>.</summary>
    public static void BlockLowerBounds(float* blockMax, double* maxV, int blocks, double* lb)
    {
        int b = 0;
        for (; b <= blocks - Step; b += Step)
        {
            var m = Vector256.Load(blockMax + b);
            (-Vector256.WidenLower(m) - Vector256.Load(maxV + b)).Store(lb + b);
            (-Vector256.WidenUpper(m) - Vector256.Load(maxV + b + 4)).Store(lb + b + 4);
        }
        RowScan.BlockLowerBoundsScalar(blockMax, maxV, b, blocks, lb);
    }

    /// <summary>See <see cref="RowScan.OfferBlock"/>, for the full block starting at column j0.</summary>
    public static void OfferBlock(float* s, double* v, int j0, ref TwoSmallest best)
    {
        for (int j = j0; j < j0 + W; j += Step)
        {
            var f = Vector256.Load(s + j);
            var t = Vector256.Create(best.Second.Value);
            var h0 = -Vector256.WidenLower(f) - Vector256.Load(v + j);
            var h1 = -Vector256.WidenUpper(f) - Vector256.Load(v + j + 4);
            uint candidates = (uint)(Vector256.LessThanOrEqual(h0, t).ExtractMostSignificantBits()
                | (Vector256.LessThanOrEqual(h1, t).ExtractMostSignificantBits() << 4));
            while (candidates != 0)
            {
                int k = j + BitOperations.TrailingZeroCount(candidates);
                best.Offer(-(double)s[k] - v[k], k);
                candidates &= candidates - 1;
            }
        }
    }

    /// <summary>See <see cref="RowScan.OfferBlocksBelow"/>: 4 bounds per test.</summary>
    public static void OfferBlocksBelow(float* s, double* v, int n, double* lb, int blocks, ref TwoSmallest best)
    {
        int b = 0;
        for (; b <= blocks - 4; b += 4)
        {
            uint below = (uint)Vector256.LessThanOrEqual(Vector256.Load(lb + b), Vector256.Create(best.Second.Value)).ExtractMostSignificantBits();
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
        var m = Vector256.Create(double.PositiveInfinity);
        int k = 0;
        for (; k <= count - 4; k += 4)
            m = Vector256.MinNative(m, Vector256.Load(x + k));
        return RowScan.MinimumScalar(x, k, count, MinLane(m));
    }

    /// <summary>The first k with x[k] == value, 4 at a time (one must exist in x[0..count)).</summary>
    public static int IndexOf(double* x, int count, double value)
    {
        var target = Vector256.Create(value);
        int k = 0;
        for (; k <= count - 4; k += 4)
        {
            uint hit = (uint)Vector256.Equals(Vector256.Load(x + k), target).ExtractMostSignificantBits();
            if (hit != 0)
                return k + BitOperations.TrailingZeroCount(hit);
        }
        return RowScan.IndexOfScalar(x, k, value);
    }

    /// <summary>See <see cref="RowScan.ColumnMin"/>.</summary>
    public static void ColumnMin(float* s, double* v, int* argRow, int n, int row)
    {
        var rowV = Vector256.Create(row);
        int j = 0;
        for (; j <= n - Step; j += Step)
        {
            var f = Vector256.Load(s + j);
            var c0 = -Vector256.WidenLower(f);
            var c1 = -Vector256.WidenUpper(f);
            var v0 = Vector256.Load(v + j);
            var v1 = Vector256.Load(v + j + 4);
            if (!(Vector256.LessThanAny(c0, v0) | Vector256.LessThanAny(c1, v1)))
                continue;
            var lt0 = Vector256.LessThan(c0, v0);
            var lt1 = Vector256.LessThan(c1, v1);
            Vector256.ConditionalSelect(lt0, c0, v0).Store(v + j);
            Vector256.ConditionalSelect(lt1, c1, v1).Store(v + j + 4);
            var mask = Vector256.Narrow(lt0.AsInt64(), lt1.AsInt64());
            Vector256.ConditionalSelect(mask, rowV, Vector256.Load(argRow + j)).Store(argRow + j);
        }
        RowScan.ColumnMinScalar(s, v, argRow, j, n, row);
    }

    /// <summary>The smallest lane (which of −0/+0 is irrelevant: callers compare with ==).</summary>
    private static double MinLane(Vector256<double> m)
    {
        var q = Vector128.MinNative(m.GetLower(), m.GetUpper());
        return Math.Min(q[0], q[1]);
    }

    private static float MaxLane(Vector256<float> m)
    {
        var q = Vector128.MaxNative(m.GetLower(), m.GetUpper());
        return Math.Max(Math.Max(q[0], q[1]), Math.Max(q[2], q[3]));
    }
}
