namespace Sae.Core.Tests;

public class SyntheticDataTests
{
    private static float[] Rows(SyntheticData data, long first, long count)
    {
        var v = new float[count * data.Dimension];
        data.ReadRows(first, v);
        return v;
    }

    [Fact]
    public void GroundTruth_EveryRow_UnitNorm()
    {
        using var data = new SyntheticData(new SyntheticDataSpec(features: 300, dimension: 37, seed: 4));
        for (int i = 0; i < 300; i++)
        {
            double sum = 0;
            foreach (float v in data.GroundTruth.Slice(i * 37, 37))
                sum += (double)v * v;
            Assert.InRange(Math.Sqrt(sum), 1 - 1e-6, 1 + 1e-6);
        }
    }

    [Theory]
    [InlineData(512, 5.0)]
    [InlineData(20, 19.5)]
    [InlineData(1 << 20, 5.0)]
    [InlineData(100, 100.0)]
    public void Probabilities_DecayAndClamp_SumToTarget(int features, double active)
    {
        var p = FeatureProbabilities.Decaying(features, active, SyntheticData.Decay);
        Assert.Equal(active, p.Sum(), 1e-6);
        Assert.All(p, v => Assert.InRange(v, 0, 1));
        for (int i = 1; i < Math.Min(features, 1000); i++)
        {
            Assert.True(p[i] <= p[i - 1]);
            if (p[i - 1] < 1)
                Assert.Equal(SyntheticData.Decay, p[i] / p[i - 1], 1e-9);
        }
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.001, -3.090232306167813)]
    [InlineData(1e-10, -6.361340902404056)]
    [InlineData(0.9999, 3.719016485455709)]
    public void NormalQuantile_KnownValues_Match(double p, double expected) =>
        Assert.Equal(expected, FeatureProbabilities.NormalQuantile(p), 1e-8);

    [Theory]
    [InlineData(false, 0.1)]
    [InlineData(true, 0.2)]
    public void Codes_MeanActiveCount_MatchesTarget(bool correlated, double tolerance)
    {
        using var data = new SyntheticData(new SyntheticDataSpec(features: 512, dimension: 8, rows: 20_000, correlated: correlated, seed: 1));
        var codes = new float[512];
        long active = 0;
        var perFeature = new int[512];
        for (long r = 0; r < 20_000; r++)
        {
            data.Codes(r, codes);
            for (int i = 0; i < 512; i++)
            {
                if (codes[i] != 0)
                {
                    active++;
                    perFeature[i]++;
                    Assert.InRange(codes[i], float.Epsilon, 1f);
                }
            }
        }
        Assert.Equal(5.0, active / 20_000.0, tolerance);
        // feature 0 is the most frequent: p0 ≈ 0.05 at these settings
        Assert.Equal(data.Probabilities[0], perFeature[0] / 20_000.0, 0.01);
    }

    [Fact]
    public void Rows_AreSumOfActiveCodesTimesFeatures()
    {
        using var data = new SyntheticData(new SyntheticDataSpec(features: 64, dimension: 16, rows: 50, activePerRow: 3, seed: 9));
        var x = Rows(data, 0, 50);
        var codes = new float[64];
        for (int r = 0; r < 50; r++)
        {
            data.Codes(r, codes);
            for (int j = 0; j < 16; j++)
            {
                double expected = 0;
                for (int i = 0; i < 64; i++)
                    expected += codes[i] * data.GroundTruth[i * 16 + j];
                Assert.Equal(expected, x[r * 16 + j], 1e-5);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadRows_InPiecesOrOtherThreadCounts_BitIdentical(bool correlated)
    {
        var spec = new SyntheticDataSpec(features: 100, dimension: 24, rows: 1000, correlated: correlated, seed: 7);
        using var one = new SyntheticData(spec);
        using var many = new SyntheticData(spec, threads: 4);
        var whole = Rows(one, 0, 1000);
        Assert.Equal(whole, Rows(many, 0, 1000));
        var pieces = new float[1000 * 24];
        foreach (var (first, count) in new[] { (0L, 1L), (1L, 130L), (131L, 500L), (631L, 369L) })
            many.ReadRows(first, pieces.AsSpan((int)first * 24, (int)count * 24));
        Assert.Equal(whole, pieces);
        Assert.Equal(whole.AsSpan(999 * 24).ToArray(), Rows(new SyntheticData(spec), 999, 1)); // a row on its own
    }

    [Fact]
    public void Seeds_SameSeedSame_DifferentSeedDiffers()
    {
        var a = Rows(new SyntheticData(new SyntheticDataSpec(features: 50, dimension: 10, rows: 100, seed: 1)), 0, 100);
        var b = Rows(new SyntheticData(new SyntheticDataSpec(features: 50, dimension: 10, rows: 100, seed: 1)), 0, 100);
        var c = Rows(new SyntheticData(new SyntheticDataSpec(features: 50, dimension: 10, rows: 100, seed: 2)), 0, 100);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var gt1 = new SyntheticData(new SyntheticDataSpec(features: 50, dimension: 10, seed: 1)).GroundTruth.ToArray();
        var gt2 = new SyntheticData(new SyntheticDataSpec(features: 50, dimension: 10, seed: 2)).GroundTruth.ToArray();
        Assert.NotEqual(gt1, gt2);
    }

    [Fact]
    public void Correlated_PairWithAlignedLoadings_CoFiresMoreThanIndependent()
    {
        const int g = 20, rows = 20_000;
        using var corr = new SyntheticData(new SyntheticDataSpec(features: g, dimension: 4, rows: rows, activePerRow: 6, correlated: true, seed: 3));
        // the pair whose loading vectors are most aligned: corr(z) = ρ·cos ≥ 0.2 or so
        var l = corr.Loadings;
        var (bi, bj, best) = (0, 1, double.MinValue);
        for (int i = 0; i < g; i++)
        {
            for (int j = i + 1; j < g; j++)
            {
                double dot = 0;
                for (int k = 0; k < SyntheticData.CorrelationFactors; k++)
                    dot += l[i * SyntheticData.CorrelationFactors + k] * l[j * SyntheticData.CorrelationFactors + k];
                if (dot > best)
                    (bi, bj, best) = (i, j, dot);
            }
        }
        using var indep = new SyntheticData(new SyntheticDataSpec(features: g, dimension: 4, rows: rows, activePerRow: 6, seed: 3));
        double expected = corr.Probabilities[bi] * corr.Probabilities[bj];
        Assert.True(CoFire(corr, bi, bj, rows) > expected * 1.2, $"correlated: {CoFire(corr, bi, bj, rows)} vs independent expectation {expected}");
        Assert.Equal(expected, CoFire(indep, bi, bj, rows), 0.01);
    }

    [Fact]
    public void Codes_Correlated_ActiveSetMatchesNaiveDefinition()
    {
        // the generator skips dot products using |λ̂·f| ≤ ‖f‖; the naive oracle computes every zᵢ
        const int g = 200, k = SyntheticData.CorrelationFactors;
        using var data = new SyntheticData(new SyntheticDataSpec(features: g, dimension: 4, rows: 3000, activePerRow: 8, correlated: true, seed: 12));
        var codes = new float[g];
        var f = new float[k];
        var words = new uint[g];
        for (long r = 0; r < 3000; r++)
        {
            data.Codes(r, codes);
            Sae.Numerics.RandomFill.Normal(f, 12, SyntheticData.StreamFactors, 0, 1, 1, (ulong)(r * k));
            Sae.Numerics.RandomFill.Bits(words, 12, SyntheticData.StreamNoise, 1, (ulong)(r * g));
            for (int i = 0; i < g; i++)
            {
                double dot = 0;
                for (int j = 0; j < k; j++)
                    dot += (double)data.Loadings[i * k + j] * f[j];
                double eps = FeatureProbabilities.NormalQuantile((words[i] + 0.5) / 4294967296.0);
                double z = Math.Sqrt(SyntheticData.SharedVariance) * dot + Math.Sqrt(1 - SyntheticData.SharedVariance) * eps;
                Assert.True((z > data.Thresholds[i]) == (codes[i] != 0), $"row {r} feature {i}: z = {z}, t = {data.Thresholds[i]}");
            }
        }
    }

    private static double CoFire(SyntheticData data, int i, int j, int rows)
    {
        var codes = new float[data.Spec.Features];
        int both = 0;
        for (int r = 0; r < rows; r++)
        {
            data.Codes(r, codes);
            if (codes[i] != 0 && codes[j] != 0)
                both++;
        }
        return (double)both / rows;
    }

    [Theory]
    [InlineData(0, 128, 1000L, 5.0, "--features must be between 1 and 1048576 (got 0).")]
    [InlineData(512, 0, 1000L, 5.0, "--dim must be between 1 and 65536 (got 0).")]
    [InlineData(512, 128, 0L, 5.0, "--rows must be between 1 and 1099511627776 (got 0).")]
    [InlineData(512, 128, 1000L, 0.0, "--active must be greater than 0 and at most --features = 512 (got 0).")]
    [InlineData(10, 128, 1000L, 11.0, "--active must be greater than 0 and at most --features = 10 (got 11).")]
    [InlineData(10, 128, 1000L, double.NaN, "--active must be greater than 0")]
    [InlineData(1 << 20, 1024, 1000L, 5.0, "--features × --dim must be at most 268435456")]
    public void Spec_OutOfRange_InputErrorNamingTheOption(int features, int dim, long rows, double active, string expected)
    {
        var e = Assert.Throws<SaeInputException>(() => new SyntheticDataSpec(features, dim, rows, active));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }
}
