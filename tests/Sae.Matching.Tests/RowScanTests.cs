namespace Sae.Matching.Tests;

/// <summary>The vector row scans against their scalar definitions, every length 0..100, with ties and settled columns.</summary>
public unsafe class RowScanTests
{
    private static (float[] S, double[] V, double[] D, int[] Pred) Inputs(int n, int seed)
    {
        var rng = new Random(seed);
        var s = new float[n];
        var v = new double[n];
        var d = new double[n];
        var pred = new int[n];
        for (int j = 0; j < n; j++)
        {
            s[j] = rng.Next(4) * 0.25f;          // ties on purpose
            v[j] = rng.Next(3) * -0.125;
            d[j] = rng.Next(5) * 0.25 - 0.5;
            pred[j] = -7;
            if (rng.Next(4) == 0)
                (v[j], d[j]) = (double.PositiveInfinity, double.PositiveInfinity); // settled column (wScan = +∞)
        }
        return (s, v, d, pred);
    }

    [Fact]
    public void Relax_EveryLength_MatchesScalar()
    {
        for (int n = 0; n <= 100; n++)
        {
            var (s, v, d, pred) = Inputs(n, n);
            var (d2, pred2) = ((double[])d.Clone(), (int[])pred.Clone());
            ScanMin got, want;
            fixed (float* ps = s)
            fixed (double* pv = v, pd = d, pd2 = d2)
            fixed (int* pp = pred, pp2 = pred2)
            {
                got = RowScan.Relax(ps, pv, pd, pp, n, 3, 0.125);
                want = RowScan.RelaxScalar(ps, pv, pd2, pp2, 0, n, 3, 0.125, ScanMin.None);
            }
            Assert.Equal(want, got);
            Assert.Equal(d2, d);
            Assert.Equal(pred2, pred);
        }
    }

    [Fact]
    public void MinTwo_EveryLength_MatchesScalar()
    {
        for (int n = 0; n <= 100; n++)
        {
            var (s, v, _, _) = Inputs(n, n + 500);
            for (int j = 0; j < n; j++)
                v[j] = double.IsFinite(v[j]) ? v[j] : 0.5; // MinTwo reads finite duals
            var want = TwoSmallest.Empty;
            TwoSmallest got;
            fixed (float* ps = s)
            fixed (double* pv = v)
            {
                got = RowScan.MinTwo(ps, pv, n);
                RowScan.MinTwoScalar(ps, pv, 0, n, ref want);
            }
            Assert.Equal(want.First, got.First);
            Assert.Equal(want.Second, got.Second);
        }
    }

    [Fact]
    public void ColumnMin_EveryLength_MatchesScalar()
    {
        for (int n = 0; n <= 100; n++)
        {
            var (s, _, d, pred) = Inputs(n, n + 900);
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
    public void MinTwo_Ties_FirstTwoColumnsOfTheMinimum()
    {
        float[] s = [0f, 1f, 1f, 0.5f, 1f];
        double[] v = new double[5];
        fixed (float* ps = s)
        fixed (double* pv = v)
        {
            var two = RowScan.MinTwo(ps, pv, 5);
            Assert.Equal(new ScanMin(-1, 1), two.First);
            Assert.Equal(new ScanMin(-1, 2), two.Second);
        }
    }
}
