namespace Sae.Numerics.Tests;

/// <summary><see cref="ReluL1"/>'s and <see cref="ActiveSet"/>'s vectorised, chunked passes against the plain loops of their references, bit for bit.</summary>
public class ReluL1Tests
{
    /// <summary>Pre-activations around 0 (about a third positive after the bias), with NaN, ±∞ and ±0 planted.</summary>
    internal static (float[] Pre, float[] Bias) Make(int rows, int n, int seed)
    {
        var pre = TestData.Uniform(rows * n, seed, scale: 1f);
        var bias = TestData.Uniform(n, seed + 1, scale: 0.2f);
        for (int i = 0; i < pre.Length; i++)
            pre[i] -= 0.3f;
        if (pre.Length < 100)
            return (pre, bias);
        pre[0] = float.NaN;
        pre[n + 3] = float.PositiveInfinity;
        pre[(2 * n) + 5] = float.NegativeInfinity;
        // pre + bias = −0 and +0 exactly: both become +0, neither is active
        if (rows > 4 && n > 7)
        {
            bias[7] = 0f;
            pre[(3 * n) + 7] = -0f;
            pre[(4 * n) + 7] = 0f;
        }
        return (pre, bias);
    }

    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 3, 7 }, { 5, 33 }, { 17, 1024 }, { 37, 2100 }, { 64, 3 * LatentBlocks.Size }, { 0, 40 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_MatchesTheReferenceBitForBit_AnyThreads(int rows, int n)
    {
        var (pre, bias) = Make(rows, n, seed: rows * 31 + n);
        var expectedF = (float[])pre.Clone();
        var expectedCounts = new int[rows];
        var expectedFires = Enumerable.Range(0, n).Select(i => (long)i * 3).ToArray();
        var expectedSums = new float[n];
        long expectedActive = ReluL1Reference.Forward(expectedF, bias, rows, n, expectedCounts, expectedFires, expectedSums);
        Assert.True(rows * n < 100 || (expectedActive > rows * n / 5 && expectedActive < rows * n / 2), "about a third is active");
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var f = (float[])pre.Clone();
            var counts = new int[rows];
            var fires = Enumerable.Range(0, n).Select(i => (long)i * 3).ToArray();
            var sums = Enumerable.Repeat(5f, n).ToArray();
            long active = ReluL1.Forward(f, bias, rows, n, counts, fires, sums, threads);
            Assert.Equal(expectedActive, active);
            Assert.Equal(expectedCounts, counts);
            Assert.Equal(expectedFires, fires);
            TestData.AssertBitsEqual(expectedF, f, $"f, {threads} threads");
            TestData.AssertBitsEqual(expectedSums, sums, $"Σ_b f, {threads} threads");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_MatchesTheReferenceBitForBit_AnyThreads(int rows, int n)
    {
        var (pre, bias) = Make(rows, n, seed: rows * 17 + n);
        var f = (float[])pre.Clone();
        ReluL1Reference.Forward(f, bias, rows, n, new int[rows], new long[n], new float[n]);
        var grad = TestData.Uniform(rows * n, seed: n, scale: 0.3f);
        if (grad.Length >= 100)
        {
            grad[1] = float.NaN;
            grad[n + 2] = -0f;
        }
        var norms = TestData.NonNegative(n, seed: rows, scale: 2f);
        const float l1Scale = 3e-4f;
        var expectedGrad = (float[])grad.Clone();
        var expectedSums = new float[n];
        ReluL1Reference.Backward(f, expectedGrad, norms, l1Scale, rows, n, expectedSums);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var g = (float[])grad.Clone();
            var sums = Enumerable.Repeat(5f, n).ToArray();
            ReluL1.Backward(f, g, norms, l1Scale, rows, n, sums, threads);
            TestData.AssertBitsEqual(expectedGrad, g, $"∂pre, {threads} threads");
            TestData.AssertBitsEqual(expectedSums, sums, $"∂b_enc, {threads} threads");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gather_MatchesTheReference_AnyThreads(int rows, int n)
    {
        var (pre, bias) = Make(rows, n, seed: rows * 7 + n);
        var counts = new int[rows];
        ReluL1Reference.Forward(pre, bias, rows, n, counts, new long[n], new float[n]);
        var paired = TestData.Uniform(rows * n, seed: 11, scale: 4f);
        int width = Math.Max(1, rows == 0 ? 0 : counts.Max()) + 2;
        var expectedValues = new float[rows * width];
        var expectedPaired = new float[rows * width];
        var expectedIndices = new int[rows * width];
        ActiveSetReference.Gather(pre, paired, rows, n, width, expectedValues, expectedPaired, expectedIndices);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var values = Enumerable.Repeat(9f, rows * width).ToArray();
            var pairedValues = Enumerable.Repeat(9f, rows * width).ToArray();
            var indices = Enumerable.Repeat(-1, rows * width).ToArray();
            ActiveSet.Gather(pre, paired, rows, n, width, counts, values, pairedValues, indices, threads);
            TestData.AssertBitsEqual(expectedValues, values, $"values, {threads} threads");
            TestData.AssertBitsEqual(expectedPaired, pairedValues, $"paired values, {threads} threads");
            Assert.Equal(expectedIndices, indices);
            Array.Fill(values, 9f);
            Array.Fill(indices, -1);
            ActiveSet.Gather(pre, rows, n, width, counts, values, indices, threads);
            TestData.AssertBitsEqual(expectedValues, values, $"values without a pair, {threads} threads");
            Assert.Equal(expectedIndices, indices);
        }
    }

    [Fact]
    public void Forward_PlantedCases_FollowTheDefinition()
    {
        float[] f = [1.5f, -0f, 0f, -2f, float.NaN, float.PositiveInfinity];
        var counts = new int[1];
        var fires = new long[6];
        var sums = new float[6];
        long active = ReluL1.Forward(f, new float[6], 1, 6, counts, fires, sums, threads: 2);
        Assert.Equal(2, active);
        Assert.Equal(new long[] { 1, 0, 0, 0, 0, 1 }, fires);
        Assert.Equal(2, counts[0]);
        TestData.AssertBitsEqual([1.5f, 0f, 0f, 0f, float.NaN, float.PositiveInfinity], f, "relu");
    }

    [Fact]
    public void Gather_WidthBelowARowsCount_Throws()
    {
        var (pre, bias) = Make(4, 40, seed: 3);
        var counts = new int[4];
        ReluL1.Forward(pre, bias, 4, 40, counts, new long[40], new float[40], threads: 1);
        int width = counts.Max() - 1;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ActiveSet.Gather(pre, 4, 40, width, counts, new float[4 * width], new int[4 * width], threads: 1));
        Assert.Contains("active entries, more than width", e.Message);
    }
}
