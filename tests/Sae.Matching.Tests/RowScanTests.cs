namespace Sae.Matching.Tests;

/// <summary>The vector row kernels against their scalar definitions, every length 0..100, with ties and settled columns.</summary>
public unsafe class RowScanTests
{
    private const int W = BlockBounds.Width;

    /// <summary>Quarter steps in [0, 1): many ties; a quarter of the columns settled (w = d = +∞) when asked.</summary>
    private static (float[] S, double[] W, double[] D, int[] Pred) Inputs(int n, int seed, bool settled)
    {
        var rng = new Random(seed);
        var (s, w, d, pred) = (new float[n], new double[n], new double[n], new int[n]);
        for (int j = 0; j < n; j++)
        {
            s[j] = rng.Next(4) * 0.25f;
            w[j] = rng.Next(3) * 0.125;
            d[j] = rng.Next(5) * 0.25 - 0.5;
            pred[j] = -7;
            if (settled && rng.Next(4) == 0)
                (w[j], d[j]) = (double.PositiveInfinity, double.PositiveInfinity);
        }
        return (s, w, d, pred);
    }

    [Fact]
    public void RelaxBlock_EveryLengthAndBlock_MatchesScalar()
    {
        for (int n = 1; n <= 100; n++)
        {
            var (s, w, d, pred) = Inputs(n, n, settled: true);
            var (d2, pred2) = ((double[])d.Clone(), (int[])pred.Clone());
            fixed (float* ps = s)
            fixed (double* pw = w, pd = d, pd2 = d2)
            fixed (int* pp = pred, pp2 = pred2)
            {
                for (int b = 0; b < BlockBounds.Count(n); b++)
                {
                    var got = RowScan.RelaxBlock(ps, pw, pd, pp, n, b, 3, 0.125);
                    var want = RowScan.RelaxBlockScalar(ps, pw, pd2, pp2, n, b, 3, 0.125);
                    Assert.True(got.E == want.E && got.DMin == want.DMin, $"n={n} b={b}: {got} vs {want}");
                }
            }
            Assert.Equal(d2, d);
            Assert.Equal(pred2, pred);
        }
    }

    [Fact]
    public void NeededBlocks_EveryCount_MatchesScalar()
    {
        for (int blocks = 0; blocks <= 70; blocks++)
        {
            var rng = new Random(blocks);
            var max = Enumerable.Range(0, blocks).Select(_ => rng.Next(4) * 0.25f).ToArray();
            var e = Enumerable.Range(0, blocks).Select(_ => rng.Next(7) switch
            {
                0 => double.NegativeInfinity,
                1 => double.PositiveInfinity,
                int k => k * 0.25,
            }).ToArray();
            var s = new float[blocks * W];
            var (got, want) = (new int[blocks], new int[blocks]);
            int gotCount, wantCount;
            fixed (float* ps = s, pm = max)
            fixed (double* pe = e)
            fixed (int* pg = got, pw = want)
            {
                gotCount = RowScan.NeededBlocks(ps, pm, pe, blocks, 0.5, 0.25, pg);
                wantCount = RowScan.NeededBlocksScalar(pm, pe, 0, blocks, 0.5, 0.25, pw, 0);
            }
            Assert.Equal(want.Take(wantCount), got.Take(gotCount));
        }
    }

    [Fact]
    public void BlockMaxAndLowerBounds_EveryLength_MatchScalar()
    {
        for (int n = 0; n <= 100; n++)
        {
            var (s, v, _, _) = Inputs(n, n + 300, settled: false);
            for (int j = 0; j < n; j++)
                s[j] -= 0.6f; // negative values too
            int blocks = BlockBounds.Count(n);
            var (max, max2) = (new float[blocks], new float[blocks]);
            var (lb, lb2) = (new double[blocks], new double[blocks]);
            var maxV = v.Take(blocks).ToArray();
            fixed (float* ps = s, pm = max, pm2 = max2)
            fixed (double* pv = maxV, pl = lb, pl2 = lb2)
            {
                Assert.Equal(RowScan.BlockMaxScalar(ps, n, pm2, 0), RowScan.BlockMax(ps, n, pm));
                RowScan.BlockLowerBounds(pm, pv, blocks, pl);
                RowScan.BlockLowerBoundsScalar(pm, pv, 0, blocks, pl2);
            }
            Assert.Equal(max2, max);
            Assert.Equal(lb2, lb);
            for (int b = 0; b < blocks; b++)
                Assert.Equal(s.Skip(b * W).Take(W).Max(), max[b]);
        }
    }

    [Fact]
    public void OfferBlocks_EveryLength_FindTheTwoSmallest()
    {
        for (int n = 2; n <= 100; n++)
        {
            var (s, v, _, _) = Inputs(n, n + 900, settled: false);
            int blocks = BlockBounds.Count(n);
            var lb = new double[blocks];
            var maxV = Enumerable.Range(0, blocks).Select(b => v.Skip(b * W).Take(W).Max()).ToArray();
            var dense = TwoSmallest.Empty;
            for (int j = 0; j < n; j++)
                dense.Offer(-(double)s[j] - v[j], j);
            var bounded = TwoSmallest.Empty;
            fixed (float* ps = s)
            fixed (double* pv = v, pl = lb, pmv = maxV)
            fixed (float* pm = Enumerable.Range(0, blocks).Select(b => s.Skip(b * W).Take(W).Max()).ToArray())
            {
                RowScan.BlockLowerBounds(pm, pmv, blocks, pl);
                RowScan.OfferBlock(ps, pv, n, blocks - 1, ref bounded);
                lb[blocks - 1] = double.NaN;
                RowScan.OfferBlocksBelow(ps, pv, n, pl, blocks, ref bounded);
            }
            Assert.Equal(dense.First, bounded.First);
            Assert.Equal(dense.Second, bounded.Second);
        }
    }

    [Fact]
    public void FirstMinimum_TiesAndInfinities_FirstIndexOfTheMinimum()
    {
        for (int count = 0; count <= 40; count++)
        {
            var rng = new Random(count);
            var x = Enumerable.Range(0, count).Select(_ => rng.Next(3) == 0 ? double.PositiveInfinity : rng.Next(4) * 0.5).ToArray();
            int want = -1;
            for (int k = 0; k < count; k++)
            {
                if (x[k] < (want < 0 ? double.PositiveInfinity : x[want]))
                    want = k;
            }
            fixed (double* px = x)
                Assert.Equal(want, RowScan.FirstMinimum(px, count));
        }
    }

    [Fact]
    public void ColumnMin_EveryLength_MatchesScalar()
    {
        for (int n = 0; n <= 100; n++)
        {
            var (s, _, d, pred) = Inputs(n, n + 600, settled: false);
            var (d2, pred2) = ((double[])d.Clone(), (int[])pred.Clone());
            fixed (float* ps = s)
            fixed (double* pd = d, pd2 = d2)
            fixed (int* pp = pred, pp2 = pred2)
            {
                RowScan.ColumnMin(ps, pd, pp, n, 11);
                RowScan.ColumnMinScalar(ps, pd2, pp2, 0, n, 11);
            }
            Assert.Equal(d2, d);
            Assert.Equal(pred2, pred);
        }
    }

    [Fact]
    public void TwoSmallest_Ties_FirstTwoColumnsOfTheMinimum()
    {
        var best = TwoSmallest.Empty;
        foreach (var (value, column) in new[] { (0.5, 3), (-1.0, 2), (0.0, 0), (-1.0, 4), (-1.0, 1) })
            best.Offer(value, column);
        Assert.Equal(new ScanMin(-1, 1), best.First);
        Assert.Equal(new ScanMin(-1, 2), best.Second);
    }
}
