namespace Sae.Numerics.Tests;

public class GradientClipTests
{
    [Fact]
    public void SumOfSquares_EveryLength0To260_MatchesReferenceBitForBit()
    {
        for (int n = 0; n <= OptimTolerances.MaxSweepLength; n++)
        {
            var x = TestData.Uniform(n, n);
            Assert.Equal(BitConverter.DoubleToInt64Bits(GradientClipReference.SumOfSquares(x)), BitConverter.DoubleToInt64Bits(GradientClip.SumOfSquares(x)));
        }
    }

    [Theory]
    [InlineData(GradientClip.BlockSize)]
    [InlineData(GradientClip.BlockSize + 1)]
    [InlineData(3 * GradientClip.BlockSize + 17)]
    public void SumOfSquares_SeveralBlocksAnyThreads_MatchesReferenceBitForBit(int n)
    {
        var x = TestData.Uniform(n, n, 3f);
        long expected = BitConverter.DoubleToInt64Bits(GradientClipReference.SumOfSquares(x));
        foreach (int threads in new[] { 1, 2, 3 })
            Assert.Equal(expected, BitConverter.DoubleToInt64Bits(GradientClip.SumOfSquares(x, threads)));
    }

    [Fact]
    public void GlobalNorm_KnownTensors_IsNormOfConcatenation()
    {
        float[] a = [3, 4], b = [], c = [12];
        Assert.Equal(13f, GradientClip.GlobalNorm([a, b, c]));
        Assert.Equal(0f, GradientClip.GlobalNorm([]));
    }

    [Theory]
    [InlineData(1f)]     // clips: the total norm is far above 1
    [InlineData(1e6f)]   // does not clip: factor 1, values unchanged
    [InlineData(0f)]     // zeroes everything
    public void ClipByGlobalNorm_SeveralTensorsAnyThreads_MatchesReferenceBitForBit(float maxNorm)
    {
        int[] sizes = [0, 1, 257, 4096, GradientClip.BlockSize + 3, 2 * GradientClip.BlockSize + 1];
        var originals = sizes.Select((n, k) => TestData.Uniform(n, 100 + k, 0.5f)).ToArray();
        var expected = originals.Select(g => (float[])g.Clone()).ToArray();
        float expectedNorm = GradientClipReference.ClipByGlobalNorm(expected, maxNorm);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var grads = originals.Select(g => (float[])g.Clone()).ToArray();
            float norm = GradientClip.ClipByGlobalNorm(grads.Select(g => new Memory<float>(g)).ToArray(), maxNorm, threads);
            Assert.Equal(expectedNorm, norm);
            for (int k = 0; k < grads.Length; k++)
                TestData.AssertBitsEqual(expected[k], grads[k], $"tensor {k} threads={threads}");
        }
        float after = GradientClip.GlobalNorm(expected.Select(g => new ReadOnlyMemory<float>(g)).ToArray());
        Assert.Equal(Math.Min(maxNorm, expectedNorm), after, Math.Max(maxNorm, 1f) * 1e-5f);
        if (maxNorm > expectedNorm)
            TestData.AssertBitsEqual(originals[4], expected[4], "unclipped");
    }

    [Fact]
    public void ClipCoefficient_KnownValues_FollowTorchFloatArithmetic()
    {
        Assert.Equal(1f / (2f + 1e-6f) * 1f, GradientClip.ClipCoefficient(2f, 1f));
        Assert.Equal(1f, GradientClip.ClipCoefficient(0.5f, 1f));
        Assert.Equal(1f, GradientClip.ClipCoefficient(0f, 1f));
        Assert.True(float.IsNaN(GradientClip.ClipCoefficient(float.NaN, 1f)));
        Assert.Equal(0f, GradientClip.ClipCoefficient(float.PositiveInfinity, 1f));
    }

    [Fact]
    public void ClipByGlobalNorm_BadArguments_ThrowNamingArgument()
    {
        float[] g = [1f];
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClip.ClipByGlobalNorm([g], -1f)).ParamName);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClip.ClipByGlobalNorm([g], float.NaN)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClip.ClipByGlobalNorm([g], 1f, 0)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClip.SumOfSquares(g, 0)).ParamName);
    }
}
