namespace Sae.Numerics.Tests;

/// <summary><see cref="JumpRelu"/>'s vectorised, chunked passes against the plain loops of <see cref="JumpReluReference"/>, bit for bit.</summary>
public class JumpReluTests
{
    private const float Bandwidth = 0.05f;
    private static readonly float InverseBandwidth = (float)(1.0 / 0.05);

    /// <summary>
    /// Pre-activations clustered around the thresholds (so many fall inside the window, above θ, and just
    /// below the window's edge), with a NaN, infinities and exact window edges planted.
    /// </summary>
    private static (float[] Pre, float[] Bias, float[] Theta) Make(int rows, int n, int seed)
    {
        var r = new Random(seed);
        var theta = new float[n];
        for (int i = 0; i < n; i++)
            theta[i] = (float)(0.01 + (r.NextDouble() * 0.2));
        var bias = TestData.Uniform(n, seed + 1, 0.02f);
        var pre = new float[rows * n];
        for (int b = 0; b < rows; b++)
        {
            for (int i = 0; i < n; i++)
                pre[(b * n) + i] = theta[i] - bias[i] + (float)((r.NextDouble() - 0.6) * 0.1);
        }
        if (pre.Length < 100)
            return (pre, bias, theta);
        pre[0] = float.NaN;
        pre[n + 3] = float.PositiveInfinity;
        pre[(2 * n) + 5] = float.NegativeInfinity;
        // (pre − θ)/ε lands exactly on −½ here: not a slot
        if (rows > 3 && n > 7)
        {
            bias[7] = 0f;
            pre[(3 * n) + 7] = theta[7] - (Bandwidth / 2);
        }
        return (pre, bias, theta);
    }

    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 3, 7 }, { 5, 33 }, { 17, 1024 }, { 37, 2100 }, { 64, 3 * LatentBlocks.Size }, { 0, 40 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Scan_MatchesTheReferenceBitForBit_AnyThreads(int rows, int n)
    {
        var (pre, bias, theta) = Make(rows, n, seed: rows * 31 + n);
        var expectedPre = (float[])pre.Clone();
        var expectedCounts = new int[rows];
        var expectedFires = Enumerable.Range(0, n).Select(i => (long)i * 3).ToArray();
        long expectedActive = JumpReluReference.Scan(expectedPre, bias, theta, Bandwidth, rows, n, expectedCounts, expectedFires);
        Assert.True(rows * n < 100 || (expectedActive > 0 && expectedCounts.Sum() > expectedActive), "the data exercise the window");
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var p = (float[])pre.Clone();
            var counts = new int[rows];
            var fires = Enumerable.Range(0, n).Select(i => (long)i * 3).ToArray();
            long active = JumpRelu.Scan(p, bias, theta, Bandwidth, rows, n, counts, fires, threads);
            Assert.Equal(expectedActive, active);
            Assert.Equal(expectedCounts, counts);
            Assert.Equal(expectedFires, fires);
            TestData.AssertBitsEqual(expectedPre, p, $"pre + b_enc, {threads} threads");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ActivateAndBackward_MatchTheReferenceBitForBit_AnyThreads(int rows, int n)
    {
        var (pre, _, theta) = Make(rows, n, seed: rows * 17 + n);
        var grad = TestData.Uniform(rows * n, seed: n, scale: 0.3f);
        var expectedF = new float[rows * n];
        JumpReluReference.Activate(pre, theta, rows, n, expectedF);
        var expectedGrad = (float[])grad.Clone();
        var expectedThetaGrad = new float[n];
        const float stepGrad = 1e-3f;
        var expectedBiasGrad = new float[n];
        JumpReluReference.Backward(pre, expectedGrad, theta, Bandwidth, InverseBandwidth, stepGrad, rows, n, expectedThetaGrad, expectedBiasGrad);
        Assert.True(rows * n < 100 || expectedThetaGrad.Count(g => g != 0f) > n / 2, "most latents get a threshold gradient");
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var f = new float[rows * n];
            JumpRelu.Activate(pre, theta, rows, n, f, threads);
            TestData.AssertBitsEqual(expectedF, f, $"f, {threads} threads");
            var g = (float[])grad.Clone();
            var thetaGrad = new float[n];
            var biasGrad = Enumerable.Repeat(5f, n).ToArray();
            JumpRelu.Backward(pre, g, theta, Bandwidth, InverseBandwidth, stepGrad, rows, n, thetaGrad, biasGrad, threads);
            TestData.AssertBitsEqual(expectedBiasGrad, biasGrad, $"∂b_enc, {threads} threads");
            TestData.AssertBitsEqual(expectedGrad, g, $"∂pre, {threads} threads");
            TestData.AssertBitsEqual(expectedThetaGrad, thetaGrad, $"∂θ, {threads} threads");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GatherSlots_MatchesTheReference_AnyThreads(int rows, int n)
    {
        var (pre, bias, theta) = Make(rows, n, seed: rows * 7 + n);
        var counts = new int[rows];
        JumpReluReference.Scan(pre, bias, theta, Bandwidth, rows, n, counts, new long[n]);
        int width = Math.Max(1, rows == 0 ? 0 : counts.Max()) + 2;
        var expectedValues = new float[rows * width];
        var expectedIndices = new int[rows * width];
        JumpReluReference.GatherSlots(pre, theta, Bandwidth, rows, n, width, expectedValues, expectedIndices);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var values = Enumerable.Repeat(9f, rows * width).ToArray();
            var indices = Enumerable.Repeat(-1, rows * width).ToArray();
            JumpRelu.GatherSlots(pre, theta, Bandwidth, rows, n, width, counts, values, indices, threads);
            TestData.AssertBitsEqual(expectedValues, values, $"values, {threads} threads");
            Assert.Equal(expectedIndices, indices);
        }
    }

    [Fact]
    public void Scan_PlantedCases_FollowTheDefinition()
    {
        // θ = 1, ε = 0.05: fires above 1; a slot down to (but not at) 1 − ε/2 (0.97 is below it); NaN is neither
        float[] theta = [1f, 1f, 1f, 1f, 1f];
        float[] pre = [1.5f, 1f, 0.99f, 0.97f, float.NaN];
        var counts = new int[1];
        var fires = new long[5];
        long active = JumpRelu.Scan(pre, new float[5], theta, Bandwidth, 1, 5, counts, fires, threads: 2);
        Assert.Equal(1, active);
        Assert.Equal(new long[] { 1, 0, 0, 0, 0 }, fires);
        Assert.Equal(3, counts[0]);
    }

    [Fact]
    public void GatherSlots_WidthBelowATokensSlots_Throws()
    {
        var (pre, bias, theta) = Make(4, 40, seed: 3);
        var counts = new int[4];
        JumpRelu.Scan(pre, bias, theta, Bandwidth, 4, 40, counts, new long[40], threads: 1);
        int width = counts.Max() - 1;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            JumpRelu.GatherSlots(pre, theta, Bandwidth, 4, 40, width, counts, new float[4 * width], new int[4 * width], threads: 1));
        Assert.Contains("slots, more than width", e.Message);
    }
}
