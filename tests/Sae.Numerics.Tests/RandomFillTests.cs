namespace Sae.Numerics.Tests;

public class RandomFillTests
{
    private const ulong Seed = 0x5eed_0000_1234_abcd;

    [Fact]
    public void Fills_EveryLength0To260AtSeveralOffsets_MatchReferenceBitForBit()
    {
        foreach (ulong offset in new ulong[] { 0, 1, 2, 3, 5, 0xffff_fffd, 0x3_ffff_ffff_fffe })
        {
            for (int n = 0; n <= OptimTolerances.MaxSweepLength; n++)
            {
                var bits = new uint[n];
                var expectedBits = new uint[n];
                RandomFill.Bits(bits, Seed, 7, offset: offset);
                RandomFillReference.Bits(expectedBits, Seed, 7, offset);
                Assert.Equal(expectedBits, bits);

                var u = new float[n];
                var expectedU = new float[n];
                RandomFill.Uniform(u, Seed, 7, -0.25f, 3f, offset: offset);
                RandomFillReference.Uniform(expectedU, Seed, 7, -0.25f, 3f, offset);
                TestData.AssertBitsEqual(expectedU, u, $"uniform n={n} offset={offset}");

                var z = new float[n];
                var expectedZ = new float[n];
                RandomFill.Normal(z, Seed, 7, 0.5f, 2f, offset: offset);
                RandomFillReference.Normal(expectedZ, Seed, 7, 0.5f, 2f, offset);
                TestData.AssertBitsEqual(expectedZ, z, $"normal n={n} offset={offset}");
            }
        }
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(3UL)]
    public void Fills_AnyThreadCount_GiveIdenticalBits(ulong offset)
    {
        const int n = 100_003;
        var u1 = new float[n];
        var z1 = new float[n];
        var b1 = new uint[n];
        RandomFill.Uniform(u1, Seed, 1, -1f, 1f, 1, offset);
        RandomFill.Normal(z1, Seed, 1, 0f, 1f, 1, offset);
        RandomFill.Bits(b1, Seed, 1, 1, offset);
        foreach (int threads in new[] { 2, 3 })
        {
            var u = new float[n];
            var z = new float[n];
            var b = new uint[n];
            RandomFill.Uniform(u, Seed, 1, -1f, 1f, threads, offset);
            RandomFill.Normal(z, Seed, 1, 0f, 1f, threads, offset);
            RandomFill.Bits(b, Seed, 1, threads, offset);
            TestData.AssertBitsEqual(u1, u, $"uniform threads={threads}");
            TestData.AssertBitsEqual(z1, z, $"normal threads={threads}");
            Assert.Equal(b1, b);
        }
    }

    [Fact]
    public void Fills_SubRanges_EqualTheSameSliceOfAWholeFill()
    {
        const int n = 50_000;
        var whole = new float[n];
        var wholeNormal = new float[n];
        RandomFill.KaimingUniform(whole, 4096, Seed, 2);
        RandomFill.Normal(wholeNormal, Seed, 2, 0f, 1f);
        var pieces = new float[n];
        var piecesNormal = new float[n];
        int[] cuts = [0, 1, 2, 7, 21, 999, 16_385, 16_386, 33_333, n];
        for (int k = 0; k + 1 < cuts.Length; k++)
        {
            var (a, len) = (cuts[k], cuts[k + 1] - cuts[k]);
            RandomFill.KaimingUniform(pieces.AsSpan(a, len), 4096, Seed, 2, threads: 2, offset: (ulong)a);
            RandomFill.Normal(piecesNormal.AsSpan(a, len), Seed, 2, 0f, 1f, threads: 3, offset: (ulong)a);
        }
        TestData.AssertBitsEqual(whole, pieces, "kaiming pieces");
        TestData.AssertBitsEqual(wholeNormal, piecesNormal, "normal pieces");
    }

    [Fact]
    public void Uniform_Statistics_MatchUniformDistributionAndRespectBounds()
    {
        var x = new float[OptimTolerances.StatSamples];
        RandomFill.Uniform(x, Seed, 3, -2f, 6f);
        Assert.All(x, v => Assert.True(v >= -2f && v < 6f, $"{v} outside [-2, 6)"));
        // U(a, b): mean (a+b)/2 = 2, variance (b−a)²/12 = 16/3.
        AssertMoments(x, 2.0, 16.0 / 3);
    }

    [Fact]
    public void Normal_Statistics_MatchMeanAndVariance()
    {
        var x = new float[OptimTolerances.StatSamples];
        RandomFill.Normal(x, Seed, 4, -1f, 3f);
        AssertMoments(x, -1.0, 9.0);
        Assert.All(x, v => Assert.True(Math.Abs(v + 1) <= 3 * 6.67, $"{v} beyond the Box–Muller range"));
    }

    [Fact]
    public void KaimingUniform_Bound_IsOneOverSqrtFanIn()
    {
        foreach (int fanIn in new[] { 1, 3, 768, 4096 })
            Assert.Equal((float)(1 / Math.Sqrt(fanIn)), RandomFill.KaimingUniformBound(fanIn), 1e-7f);
        var w = new float[OptimTolerances.StatSamples];
        RandomFill.KaimingUniform(w, 768, Seed, 0);
        float bound = RandomFill.KaimingUniformBound(768);
        Assert.All(w, v => Assert.True(v >= -bound && v < bound));
        AssertMoments(w, 0, bound * (double)bound / 3);
    }

    [Fact]
    public void Uniform_RoundingAtTheTop_NeverReturnsHigh()
    {
        // A range one float wide: (high − low)·u rounds to high − low for every u ≥ 0.5.
        float low = 1f, high = MathF.BitIncrement(1f);
        var x = new float[4096];
        RandomFill.Uniform(x, Seed, 5, low, high);
        Assert.All(x, v => Assert.Equal(low, v));
    }

    [Fact]
    public void Fills_DifferentSeedsOrStreams_Differ()
    {
        var a = new float[1024];
        var b = new float[1024];
        var c = new float[1024];
        RandomFill.Uniform(a, Seed, 0, 0f, 1f);
        RandomFill.Uniform(b, Seed + 1, 0, 0f, 1f);
        RandomFill.Uniform(c, Seed, 1, 0f, 1f);
        Assert.True(CountEqual(a, b) < 5, "seeds");
        Assert.True(CountEqual(a, c) < 5, "streams");
        Assert.True(CountEqual(b, c) < 5, "seed vs stream");
    }

    [Fact]
    public void Fills_BadArguments_ThrowNamingArgument()
    {
        var x = new float[4];
        Assert.Equal("high", Assert.Throws<ArgumentOutOfRangeException>(() => RandomFill.Uniform(x, 1, 2, 1f, 1f)).ParamName);
        Assert.Equal("high", Assert.Throws<ArgumentOutOfRangeException>(() => RandomFill.Uniform(x, 1, 2, -3e38f, 3e38f)).ParamName);
        Assert.Equal("std", Assert.Throws<ArgumentOutOfRangeException>(() => RandomFill.Normal(x, 1, 2, 0f, -1f)).ParamName);
        Assert.Equal("mean", Assert.Throws<ArgumentOutOfRangeException>(() => RandomFill.Normal(x, 1, 2, float.NaN, 1f)).ParamName);
        Assert.Equal("fanIn", Assert.Throws<ArgumentOutOfRangeException>(() => RandomFill.KaimingUniform(x, 0, 1, 2)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => RandomFill.Bits(new uint[4], 1, 2, 0)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentException>(() => RandomFill.Bits(new uint[4], 1, 2, 1, ulong.MaxValue - 2)).ParamName);
    }

    private static int CountEqual(float[] a, float[] b) => a.Zip(b).Count(p => p.First == p.Second);

    private static void AssertMoments(float[] x, double mean, double variance)
    {
        double m = x.Average(v => (double)v);
        double s2 = x.Sum(v => (v - m) * (v - m)) / (x.Length - 1);
        double standardError = Math.Sqrt(variance / x.Length);
        Assert.True(Math.Abs(m - mean) <= OptimTolerances.MeanSigmas * standardError, $"mean {m}, expected {mean} ± {standardError}");
        Assert.True(Math.Abs(s2 / variance - 1) <= OptimTolerances.VarianceRelative, $"variance {s2}, expected {variance}");
    }
}
