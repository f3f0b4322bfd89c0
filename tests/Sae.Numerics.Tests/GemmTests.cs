namespace Sae.Numerics.Tests;

public class GemmTests
{
    /// <summary>Unit roundoff of float.</summary>
    private const double U = 1.0 / (1 << 24);

    public static TheoryData<GemmIsa> SupportedIsas()
    {
        var data = new TheoryData<GemmIsa>();
        foreach (var isa in Enum.GetValues<GemmIsa>())
        {
            if (GemmIsaSelector.IsSupported(isa))
                data.Add(isa);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void Multiply_AllSmallShapes_MatchReference(GemmIsa isa)
    {
        int seed = 1;
        for (int m = 1; m <= 29; m += 1)
        {
            for (int n = 1; n <= 37; n += 3)
            {
                int k = 1 + (m * 7 + n) % 19;
                foreach (var (ta, tb) in TransposeCombos)
                    AssertMatchesReference(isa, m, n, k, ta, tb, accumulate: (m + n) % 2 == 0, threads: 1, seed++);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void Multiply_OddShapesAcrossBlockEdges_MatchReference(GemmIsa isa)
    {
        // primes, 1, and sizes just around MR/NR/MC/NC/KC boundaries
        int[][] shapes =
        [
            [1, 1, 1], [1, 257, 3], [193, 1, 257], [13, 1025, 7], [97, 33, 255], [191, 65, 256],
            [61, 47, 513], [37, 1031, 67], [200, 130, 300], [7, 3, 1021],
        ];
        int seed = 100;
        foreach (var s in shapes)
        {
            foreach (var (ta, tb) in TransposeCombos)
            {
                AssertMatchesReference(isa, s[0], s[1], s[2], ta, tb, accumulate: false, threads: 2, seed++);
                AssertMatchesReference(isa, s[0], s[1], s[2], ta, tb, accumulate: true, threads: 3, seed++);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void Multiply_ThreadCounts_GiveIdenticalBits(GemmIsa isa)
    {
        // 2×2 or more tasks of C in every kernel family, and three depth blocks
        const int m = 419, n = 1109, k = 601;
        foreach (var (ta, tb) in TransposeCombos)
        {
            var a = TestData.Uniform(m * k, 5);
            var b = TestData.Uniform(k * n, 6);
            var c0 = TestData.Uniform(m * n, 7);
            float[] first = [];
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var c = (float[])c0.Clone();
                Gemm.Multiply(a, ta, b, tb, c, m, n, k, accumulate: true, threads, isa);
                if (threads == 1)
                    first = c;
                else
                    Assert.True(TestData.BitEqual(first, c), $"threads={threads} differs from threads=1 ({isa}, ta={ta}, tb={tb})");
            }
        }
    }

    [Fact]
    public void Multiply_Avx2AndAvx512_GiveIdenticalBits()
    {
        // both are one FMA chain per element over the same depth blocks, so they agree exactly
        if (!GemmIsaSelector.IsSupported(GemmIsa.Avx512) || !GemmIsaSelector.IsSupported(GemmIsa.Avx2))
            return;
        const int m = 203, n = 77, k = 530;
        var a = TestData.Uniform(m * k, 8);
        var b = TestData.Uniform(k * n, 9);
        var c512 = new float[m * n];
        var c256 = new float[m * n];
        Gemm.Multiply(a, false, b, true, c512, m, n, k, false, 2, GemmIsa.Avx512);
        Gemm.Multiply(a, false, b, true, c256, m, n, k, false, 2, GemmIsa.Avx2);
        Assert.True(TestData.BitEqual(c512, c256));
    }

    [Fact]
    public void Multiply_ZeroDepth_ClearsOrKeepsC()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        Gemm.Multiply([], false, [], true, c, 2, 3, 0, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, c);
        Gemm.Multiply([], false, [], true, c, 2, 3, 0, accumulate: false);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Multiply_EmptyOutput_DoesNothing()
    {
        Gemm.MultiplyABt([], new float[12], [], 0, 3, 4);
        Gemm.MultiplyABt(new float[8], [], [], 2, 0, 4);
    }

    [Fact]
    public void Multiply_WrongLengths_ThrowNamingTheArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyABt(new float[11], new float[20], new float[15], 3, 5, 4));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("m·k = 3·4 = 12", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyABt(new float[12], new float[21], new float[15], 3, 5, 4));
        Assert.Equal("b", e.ParamName);
        Assert.Contains("n·k = 5·4", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyAB(new float[12], new float[20], new float[14], 3, 5, 4));
        Assert.Equal("c", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyAB([], [], [], -1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyAB(new float[4], new float[4], new float[4], 2, 2, 2, threads: 0));
    }

    [Fact]
    public void Multiply_OutputOverlapsInput_Throws()
    {
        var buffer = new float[8];
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.MultiplyAB(buffer.AsSpan(0, 4), new float[4], buffer.AsSpan(2, 4), 2, 2, 2));
        Assert.Equal("c", e.ParamName);
    }

    private static readonly (bool, bool)[] TransposeCombos = [(false, true), (true, false), (false, false), (true, true)];

    private static void AssertMatchesReference(GemmIsa isa, int m, int n, int k, bool ta, bool tb, bool accumulate, int threads, int seed)
    {
        var a = TestData.Uniform(m * k, seed);
        var b = TestData.Uniform(k * n, seed + 1000);
        var c0 = TestData.Uniform(m * n, seed + 2000);
        var fast = (float[])c0.Clone();
        var reference = (float[])c0.Clone();
        Gemm.Multiply(a, ta, b, tb, fast, m, n, k, accumulate, threads, isa);
        GemmReference.Multiply(a, ta, b, tb, reference, m, n, k, accumulate);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                // |fl(Σ) − Σ| ≤ γ_(k+1)·Σ|a·b| for any summation order, plus the rounding of the reference itself
                double scale = GemmReference.AbsoluteScale(a, ta, b, tb, c0, m, n, k, accumulate, i, j);
                double tol = (k + 2) * U * scale * 1.01 + U * Math.Abs(reference[i * n + j]) + 1e-30;
                double err = Math.Abs(fast[i * n + j] - reference[i * n + j]);
                Assert.True(err <= tol,
                    $"{isa} m={m} n={n} k={k} ta={ta} tb={tb} acc={accumulate} t={threads}: C[{i},{j}] = {fast[i * n + j]} vs {reference[i * n + j]} (err {err:E3} > tol {tol:E3})");
            }
        }
    }
}
