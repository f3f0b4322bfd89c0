namespace Sae.Numerics.Tests;

/// <summary><see cref="Gated"/>'s vectorised, chunked passes against the plain loops of <see cref="GatedReference"/>, bit for bit.</summary>
public class GatedTests
{
    /// <summary>
    /// z and the biases such that about half the gates open and about half of those have π_mag &gt; 0,
    /// with NaN, ±∞ and a gate of exactly 0 planted.
    /// </summary>
    private static (float[] Z, float[] GateBias, float[] Scale, float[] MagBias) Make(int rows, int n, int seed)
    {
        var z = TestData.Uniform(rows * n, seed, scale: 1f);
        var gateBias = TestData.Uniform(n, seed + 1, scale: 0.1f);
        var scale = TestData.NonNegative(n, seed + 2, scale: 2f);
        var magBias = TestData.Uniform(n, seed + 3, scale: 0.5f);
        if (z.Length < 100)
            return (z, gateBias, scale, magBias);
        z[0] = float.NaN;
        z[n + 3] = float.PositiveInfinity;
        z[(2 * n) + 5] = float.NegativeInfinity;
        if (rows > 3 && n > 7)
        {
            gateBias[7] = 0f;
            z[(3 * n) + 7] = 0f;
        }
        return (z, gateBias, scale, magBias);
    }

    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 3, 7 }, { 5, 33 }, { 17, 1024 }, { 37, 2100 }, { 64, 3 * LatentBlocks.Size }, { 0, 40 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Activate_MatchesTheReferenceBitForBit_AnyThreads(int rows, int n)
    {
        var (z, gateBias, scale, magBias) = Make(rows, n, seed: rows * 31 + n);
        var expectedF = new float[rows * n];
        var expectedGate = new float[rows * n];
        var expectedCounts = new int[rows];
        var expectedFires = Enumerable.Range(0, n).Select(i => (long)i * 3).ToArray();
        var expectedSums = new float[n];
        long expectedActive = GatedReference.Activate(z, gateBias, scale, magBias, rows, n, expectedF, expectedGate, expectedCounts, expectedFires,
            expectedSums);
        Assert.True(rows * n < 100 || (expectedActive > 0 && expectedCounts.Sum() > expectedActive), "some gates open with π_mag ≤ 0");
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var f = Enumerable.Repeat(9f, rows * n).ToArray();
            var gate = Enumerable.Repeat(9f, rows * n).ToArray();
            var counts = new int[rows];
            var fires = Enumerable.Range(0, n).Select(i => (long)i * 3).ToArray();
            var sums = Enumerable.Repeat(5f, n).ToArray();
            long active = Gated.Activate(z, gateBias, scale, magBias, rows, n, f, gate, counts, fires, sums, threads);
            Assert.Equal(expectedActive, active);
            Assert.Equal(expectedCounts, counts);
            Assert.Equal(expectedFires, fires);
            TestData.AssertBitsEqual(expectedF, f, $"f, {threads} threads");
            TestData.AssertBitsEqual(expectedGate, gate, $"relu(π_gate), {threads} threads");
            TestData.AssertBitsEqual(expectedSums, sums, $"Σ_b relu(π_gate), {threads} threads");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_MatchesTheReferenceBitForBit_AnyThreads(int rows, int n)
    {
        var (z, gateBias, scale, magBias) = Make(rows, n, seed: rows * 17 + n);
        var f = new float[rows * n];
        var gate = new float[rows * n];
        GatedReference.Activate(z, gateBias, scale, magBias, rows, n, f, gate, new int[rows], new long[n], new float[n]);
        // z keeps its NaN and ∞: where the gate is shut the reference adds nothing, never 0·z
        var gradGate = TestData.Uniform(rows * n, seed: n, scale: 0.3f);
        var gradF = TestData.Uniform(rows * n, seed: n + 1, scale: 0.3f);
        var norms = TestData.NonNegative(n, seed: rows, scale: 2f);
        const float l1Scale = 3e-4f;
        var expectedZ = (float[])z.Clone();
        float[] expectedGateBias = new float[n], expectedMagBias = new float[n], expectedMagSum = new float[n];
        GatedReference.Backward(expectedZ, gate, f, gradGate, gradF, norms, scale, l1Scale, rows, n, expectedGateBias, expectedMagBias, expectedMagSum);
        Assert.True(rows * n < 100 || expectedMagSum.Count(g => g != 0f) > n / 2, "most latents get a magnitude gradient");
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var dz = (float[])z.Clone();
            float[] gradGateBias = Enumerable.Repeat(5f, n).ToArray(), gradMagBias = Enumerable.Repeat(5f, n).ToArray(),
                gradMagSum = Enumerable.Repeat(5f, n).ToArray();
            Gated.Backward(dz, gate, f, gradGate, gradF, norms, scale, l1Scale, rows, n, gradGateBias, gradMagBias, gradMagSum, threads);
            TestData.AssertBitsEqual(expectedZ, dz, $"∂z, {threads} threads");
            TestData.AssertBitsEqual(expectedGateBias, gradGateBias, $"∂b_gate, {threads} threads");
            TestData.AssertBitsEqual(expectedMagBias, gradMagBias, $"∂b_mag, {threads} threads");
            TestData.AssertBitsEqual(expectedMagSum, gradMagSum, $"Σ_b ∂π_mag·z, {threads} threads");
        }
    }

    [Fact]
    public void Activate_PlantedCases_FollowTheDefinition()
    {
        // gate open with π_mag > 0 (fires), open with π_mag < 0, closed at exactly 0, closed, NaN
        float[] z = [1f, 1f, 0f, -1f, float.NaN];
        float[] scale = [1f, 1f, 1f, 1f, 1f];
        float[] magBias = [0f, -2f, 1f, 3f, 0f];
        var f = new float[5];
        var gate = new float[5];
        var counts = new int[1];
        var fires = new long[5];
        long active = Gated.Activate(z, new float[5], scale, magBias, 1, 5, f, gate, counts, fires, new float[5], threads: 2);
        Assert.Equal(1, active);
        Assert.Equal(2, counts[0]);
        Assert.Equal(new long[] { 1, 0, 0, 0, 0 }, fires);
        TestData.AssertBitsEqual([1f, 0f, 0f, 0f, 0f], f, "f");
        TestData.AssertBitsEqual([1f, 1f, 0f, 0f, 0f], gate, "relu(π_gate)");
    }
}
