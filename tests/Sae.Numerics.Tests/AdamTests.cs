namespace Sae.Numerics.Tests;

public class AdamTests
{
    public static TheoryData<double, double, long> Hypers => new()
    {
        { 0.9, 0.999, 1 },      // defaults, first step
        { 0.9, 0.999, 1000 },   // defaults, late step
        { 0.3, 0.95, 7 },       // lerp weight 0.7 ≥ 0.5: the other lerp branch
        { 0.0, 0.0, 3 },        // weight 1, v = g²
        { 0.5, 0.5, 2 },        // weight exactly 0.5: large branch
    };

    [Theory]
    [MemberData(nameof(Hypers))]
    public void Step_EveryLength0To260_MatchesReferenceBitForBit(double beta1, double beta2, long step)
    {
        var h = new AdamHyper(2e-4, beta1, beta2, 1e-8);
        for (int n = 0; n <= OptimTolerances.MaxSweepLength; n++)
        {
            var (p, g, m, v) = State(n, seed: n);
            var (pr, mr, vr) = ((float[])p.Clone(), (float[])m.Clone(), (float[])v.Clone());
            Adam.Step(p, g, m, v, h, step);
            AdamReference.Step(pr, g, mr, vr, h, step);
            TestData.AssertBitsEqual(pr, p, $"param n={n}");
            TestData.AssertBitsEqual(mr, m, $"m n={n}");
            TestData.AssertBitsEqual(vr, v, $"v n={n}");
        }
    }

    [Theory]
    [InlineData(16_384)]
    [InlineData(100_003)]
    [InlineData(1 << 20)]
    public void Step_LargeLengthsAnyThreadCount_MatchReferenceBitForBit(int n)
    {
        var h = new AdamHyper(1e-3);
        var (p0, g, m0, v0) = State(n, seed: 7);
        var (pr, mr, vr) = ((float[])p0.Clone(), (float[])m0.Clone(), (float[])v0.Clone());
        for (long t = 1; t <= 3; t++)
            AdamReference.Step(pr, g, mr, vr, h, t);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var (p, m, v) = ((float[])p0.Clone(), (float[])m0.Clone(), (float[])v0.Clone());
            for (long t = 1; t <= 3; t++)
                Adam.Step(p, g, m, v, h, t, threads);
            TestData.AssertBitsEqual(pr, p, $"param threads={threads}");
            TestData.AssertBitsEqual(mr, m, $"m threads={threads}");
            TestData.AssertBitsEqual(vr, v, $"v threads={threads}");
        }
    }

    [Fact]
    public void Step_FirstStepFromZeroMoments_MovesEachParameterByLearningRate()
    {
        // At t = 1: m = (1−β1)g, v = (1−β2)g², so m̂/sqrt(v̂) = sign(g) and p moves by lr (ε negligible).
        const double lr = 0.01;
        var g = TestData.Uniform(1000, seed: 3);
        var p = new float[g.Length];
        Adam.Step(p, g, new float[g.Length], new float[g.Length], new AdamHyper(lr), 1);
        for (int i = 0; i < g.Length; i++)
        {
            if (Math.Abs(g[i]) < 1e-3f)
                continue;
            Assert.Equal(-Math.Sign(g[i]) * lr, p[i], lr * OptimTolerances.AdamFirstStepRelative);
        }
    }

    [Fact]
    public void Step_GoldenValues_MatchFloat32EmulationOfTorchFormula()
    {
        // From an independent Python script that rounds every torch op of _single_tensor_adam to float32
        // (struct 'f'; exact for + − × ÷ sqrt because double has more than 2·24 + 2 bits).
        float[] p = [0.5f, -1.25f, 3f], g = [0.1f, -2f, 1e-3f], m = [0.01f, 0.2f, -0.3f], v = [1e-4f, 0.5f, 2e-6f];
        Adam.Step(p, g, m, v, new AdamHyper(1e-3), 5);
        Assert.Equal(Golden.P, p);
        Assert.Equal(Golden.M, m);
        Assert.Equal(Golden.V, v);
    }

    [Fact]
    public void Step_WrongLength_ThrowsNamingArgument()
    {
        var h = new AdamHyper(1e-3);
        var e = Assert.Throws<ArgumentException>(() => Adam.Step(new float[4], new float[3], new float[4], new float[4], h, 1));
        Assert.Equal("grad", e.ParamName);
        Assert.Contains("grad has length 3 but must be param.Length = 4", e.Message, StringComparison.Ordinal);
        Assert.Equal("m", Assert.Throws<ArgumentException>(() => Adam.Step(new float[4], new float[4], new float[5], new float[4], h, 1)).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => Adam.Step(new float[4], new float[4], new float[4], [], h, 1)).ParamName);
    }

    [Fact]
    public void Step_BadStepThreadsOrDefaultHyper_Throws()
    {
        var h = new AdamHyper(1e-3);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => Adam.Step([1f], [1f], [0f], [0f], h, 0)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => Adam.Step([1f], [1f], [0f], [0f], h, 1, 0)).ParamName);
        Assert.Equal("h", Assert.Throws<ArgumentException>(() => Adam.Step([1f], [1f], [0f], [0f], default, 1)).ParamName);
    }

    [Theory]
    [InlineData(double.NaN, 0.9, 0.999, 1e-8, "learningRate")]
    [InlineData(-1e-3, 0.9, 0.999, 1e-8, "learningRate")]
    [InlineData(1e-3, 1.0, 0.999, 1e-8, "beta1")]
    [InlineData(1e-3, -0.1, 0.999, 1e-8, "beta1")]
    [InlineData(1e-3, 0.9, 1.0, 1e-8, "beta2")]
    [InlineData(1e-3, 0.9, 0.999, 0.0, "epsilon")]
    [InlineData(1e-3, 0.9, 0.999, double.PositiveInfinity, "epsilon")]
    public void AdamHyper_OutOfRange_ThrowsNamingSetting(double lr, double b1, double b2, double eps, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AdamHyper(lr, b1, b2, eps));
        Assert.Equal(name, e.ParamName);
        Assert.StartsWith(name + " must be", e.Message, StringComparison.Ordinal);
    }

    private static (float[] P, float[] G, float[] M, float[] V) State(int n, int seed) =>
        (TestData.Uniform(n, seed), TestData.Uniform(n, seed + 1000, 0.1f),
         TestData.Uniform(n, seed + 2000, 0.01f), TestData.NonNegative(n, seed + 3000, 1e-4f));

    private static class Golden
    {
        public static readonly float[] P = Bits(0x3effd706, 0xbf9fffd7, 0x40421b84);
        public static readonly float[] M = Bits(0x3c9ba5e4, 0xbca3d710, 0xbe8a3056);
        public static readonly float[] V = Bits(0x38e67a1d, 0x3f00e560, 0x3606268f);

        private static float[] Bits(params uint[] b) => Array.ConvertAll(b, x => BitConverter.UInt32BitsToSingle(x));
    }
}
