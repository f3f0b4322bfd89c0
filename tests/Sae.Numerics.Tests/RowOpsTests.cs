namespace Sae.Numerics.Tests;

public class RowOpsTests
{
    /// <summary>(rows, cols) pairs: ones, primes, lane and vector boundaries, and shapes that span several chunks.</summary>
    public static TheoryData<int, int> Shapes => new()
    {
        { 0, 0 }, { 0, 5 }, { 3, 0 }, { 1, 1 }, { 1, 260 }, { 2, 15 }, { 2, 16 }, { 3, 17 }, { 5, 31 },
        { 7, 33 }, { 13, 97 }, { 17, 127 }, { 31, 257 }, { 1000, 97 }, { 1031, 259 }, { 40_000, 1 },
    };

    [Fact]
    public void DoubleLaneDot_EveryLength0To260_MatchesReferenceBitsAndNaiveSum()
    {
        for (int n = 0; n <= OptimTolerances.MaxSweepLength; n++)
        {
            var a = TestData.Uniform(n, n);
            var b = TestData.Uniform(n, n + 500);
            double fast = DoubleLaneDot.Dot(a, b), reference = RowOpsReference.LaneDot(a, b);
            Assert.Equal(BitConverter.DoubleToInt64Bits(reference), BitConverter.DoubleToInt64Bits(fast));
            double naive = 0, scale = 0;
            for (int i = 0; i < n; i++)
            {
                naive += (double)a[i] * b[i];
                scale += Math.Abs((double)a[i] * b[i]);
            }
            Assert.True(Math.Abs(fast - naive) <= 1e-14 * scale, $"n={n}: {fast} vs naive {naive}");
        }
    }

    [Fact]
    public void RowNorms_EveryColumnCount0To260_MatchReferenceBitForBit()
    {
        for (int cols = 0; cols <= OptimTolerances.MaxSweepLength; cols++)
            AssertRowReductionsMatch(3, cols);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RowReductions_OddShapesAnyThreads_MatchReferenceBitForBit(int rows, int cols) =>
        AssertRowReductionsMatch(rows, cols);

    [Fact]
    public void RowNorms_KnownRows_AreEuclideanLengths()
    {
        float[] w = [3, 4, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
        var norms = new float[3];
        RowOps.RowNorms(w, 3, 4, norms);
        Assert.Equal([5f, 0f, 2f], norms);
        RowOps.RowSumOfSquares(w, 3, 4, norms);
        Assert.Equal([25f, 0f, 4f], norms);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void NormalizeRows_OddShapesAnyThreads_MatchReferenceAndHaveUnitNorm(int rows, int cols)
    {
        var w0 = TestData.Uniform(rows * cols, rows * 31 + cols, 3f);
        var expected = (float[])w0.Clone();
        RowOpsReference.NormalizeRows(expected, rows, cols);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var w = (float[])w0.Clone();
            RowOps.NormalizeRows(w, rows, cols, threads);
            TestData.AssertBitsEqual(expected, w, $"{rows}x{cols} threads={threads}");
        }
        // A row of norm r ends with norm r / (r + ε): 1 for ordinary rows, less for tiny ones.
        var before = new float[rows];
        var after = new float[rows];
        RowOps.RowNorms(w0, rows, cols, before);
        RowOps.RowNorms(expected, rows, cols, after);
        for (int i = 0; i < rows; i++)
            Assert.Equal(before[i] / (before[i] + (double)RowOps.NormEpsilon), after[i], OptimTolerances.UnitNormRelative);
    }

    [Fact]
    public void NormalizeRows_ZeroRow_StaysZero()
    {
        float[] w = [0, 0, 0, 2, 0, 0];
        RowOps.NormalizeRows(w, 2, 3);
        Assert.Equal([0f, 0f, 0f, 2f / (2f + RowOps.NormEpsilon), 0f, 0f], w);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ProjectOutParallel_OddShapesAnyThreads_MatchReferenceAndLeaveNoParallelPart(int rows, int cols)
    {
        var w = TestData.Uniform(rows * cols, rows + 7 * cols);
        RowOps.NormalizeRows(w, rows, cols);
        var g0 = TestData.Uniform(rows * cols, rows + 11 * cols);
        var expected = (float[])g0.Clone();
        RowOpsReference.ProjectOutParallel(expected, w, rows, cols);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var g = (float[])g0.Clone();
            RowOps.ProjectOutParallel(g, w, rows, cols, threads);
            TestData.AssertBitsEqual(expected, g, $"{rows}x{cols} threads={threads}");
        }
        for (int i = 0; i < rows; i++)
        {
            var wi = w.AsSpan(i * cols, cols);
            if (Math.Abs(RowOpsReference.LaneDot(wi, wi) - 1) > OptimTolerances.UnitNormRelative)
                continue; // tiny rows do not normalise to unit length (norm + ε), so no projection
            var gi = g0.AsSpan(i * cols, cols);
            double residual = RowOpsReference.LaneDot(expected.AsSpan(i * cols, cols), wi);
            Assert.True(Math.Abs(residual) <= OptimTolerances.ProjectionResidual * (1 + Math.Sqrt(RowOpsReference.LaneDot(gi, gi))), $"row {i}: {residual}");
        }
    }

    [Fact]
    public void RowOps_WrongLengths_ThrowNamingArgumentAndShape()
    {
        var e = Assert.Throws<ArgumentException>(() => RowOps.RowNorms(new float[11], 3, 4, new float[3]));
        Assert.Equal("w", e.ParamName);
        Assert.Contains("w has length 11 but must be rows·cols = 3·4 = 12", e.Message, StringComparison.Ordinal);
        Assert.Equal("norms", Assert.Throws<ArgumentException>(() => RowOps.RowNorms(new float[12], 3, 4, new float[4])).ParamName);
        Assert.Equal("sums", Assert.Throws<ArgumentException>(() => RowOps.RowSumOfSquares(new float[12], 3, 4, new float[2])).ParamName);
        Assert.Equal("w", Assert.Throws<ArgumentException>(() => RowOps.NormalizeRows(new float[13], 3, 4)).ParamName);
        Assert.Equal("grad", Assert.Throws<ArgumentException>(() => RowOps.ProjectOutParallel(new float[1], new float[12], 3, 4)).ParamName);
        Assert.Equal("w", Assert.Throws<ArgumentException>(() => RowOps.ProjectOutParallel(new float[12], new float[1], 3, 4)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => RowOps.NormalizeRows(new float[12], -3, -4)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => RowOps.NormalizeRows(new float[12], 3, 4, 0)).ParamName);
    }

    private static void AssertRowReductionsMatch(int rows, int cols)
    {
        var w = TestData.Uniform(rows * cols, rows * 1000 + cols, 2f);
        var expectedNorms = new float[rows];
        var expectedSums = new float[rows];
        RowOpsReference.RowNorms(w, rows, cols, expectedNorms);
        RowOpsReference.RowSumOfSquares(w, rows, cols, expectedSums);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var norms = new float[rows];
            var sums = new float[rows];
            RowOps.RowNorms(w, rows, cols, norms, threads);
            RowOps.RowSumOfSquares(w, rows, cols, sums, threads);
            TestData.AssertBitsEqual(expectedNorms, norms, $"norms {rows}x{cols} threads={threads}");
            TestData.AssertBitsEqual(expectedSums, sums, $"sums {rows}x{cols} threads={threads}");
        }
    }
}
