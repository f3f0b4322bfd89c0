namespace Sae.Numerics.Tests;

public class BatchTopKTests
{
    /// <summary>relu(uniform) with a few repeated values, so ties across rows happen.</summary>
    private static float[] Relu(int rows, int n, int seed, bool ties)
    {
        var x = TestData.Uniform(rows * n, seed);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Math.Max(0f, x[i]);
            if (ties)
                x[i] = MathF.Round(x[i] * 8) / 8;
        }
        return x;
    }

    /// <summary>Lists each row's top w, grows w until the selection is complete, and returns the kept flat indices.</summary>
    private static (HashSet<long> Kept, BatchTopKResult Result) Run(float[] x, int rows, int n, long count, int w)
    {
        while (true)
        {
            var values = new float[rows * w];
            var indices = new int[rows * w];
            TopK.Rows(x, rows, n, w, values, indices);
            var counts = new int[rows];
            var r = BatchTopK.Select(values, rows, w, n, count, counts);
            if (r.Complete)
            {
                var kept = new HashSet<long>();
                for (int b = 0; b < rows; b++)
                    for (int j = 0; j < counts[b]; j++) kept.Add((long)b * n + indices[b * w + j]);
                Assert.Equal(counts.Max(), r.Width);
                return (kept, r);
            }
            Assert.True(w < n, "a whole-row listing must always be complete");
            w = Math.Min(n, 2 * w);
        }
    }

    [Theory]
    [InlineData(1, 1, 1, 1, false)]
    [InlineData(7, 13, 2, 1, false)]
    [InlineData(16, 100, 4, 2, false)]
    [InlineData(16, 100, 4, 8, true)]
    [InlineData(33, 257, 8, 3, true)]
    [InlineData(5, 40, 40, 40, false)]
    [InlineData(64, 300, 16, 16, true)]
    public void Select_AnyShape_SameSetAsSortingTheWholeMatrix(int rows, int n, int k, int w, bool ties)
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var x = Relu(rows, n, seed + 100 * rows, ties);
            long count = (long)k * rows;
            var expected = BatchTopKReference.Select(x, rows, n, count);
            var (kept, result) = Run(x, rows, n, count, w);
            Assert.Equal(expected.Order(), kept.Order());
            Assert.Equal(expected.Count, result.Selected);
            float min = expected.Count == 0 ? 0f : expected.Min(i => x[i]);
            Assert.Equal(min, result.MinSelected);
        }
    }

    [Fact]
    public void Select_FewerPositivesThanCount_KeepsEveryPositive()
    {
        // rows 0 and 2 are all zero: 5 positives in all, 12 wanted
        const int rows = 3, n = 6;
        float[] x = [0, 0, 0, 0, 0, 0, 0.5f, 0, 2f, 0.25f, 1f, 3f, 0, 0, 0, 0, 0, 0];
        var (kept, result) = Run(x, rows, n, count: 12, w: 2);
        Assert.Equal(new long[] { 6, 8, 9, 10, 11 }, kept.Order());
        Assert.Equal((0f, 0.25f, 5L), (result.Cut, result.MinSelected, result.Selected));
    }

    [Fact]
    public void Select_TiesAtTheCut_LowerFlatIndexWins()
    {
        // eight entries equal 1, four are wanted: the earliest rows' (then columns') four
        const int rows = 4, n = 3;
        float[] x = [0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1];
        var (kept, result) = Run(x, rows, n, count: 4, w: 3);
        Assert.Equal(new long[] { 1, 2, 3, 8 }, kept.Order());
        Assert.Equal(1f, result.Cut);
    }

    [Fact]
    public void Select_OneRowHoldsMoreThanItsList_ReportsIncomplete()
    {
        // row 0 holds all the large values: a list of 2 cannot decide a cut of 4 entries
        const int rows = 2, n = 8;
        float[] x = [9, 8, 7, 6, 5, 0, 0, 0, 0.1f, 0.2f, 0, 0, 0, 0, 0, 0];
        var values = new float[rows * 2];
        var indices = new int[rows * 2];
        TopK.Rows(x, rows, n, 2, values, indices);
        var r = BatchTopK.Select(values, rows, 2, n, 4, new int[rows]);
        Assert.False(r.Complete);
        var (kept, _) = Run(x, rows, n, 4, 2);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, kept.Order());
    }

    [Fact]
    public void Select_BadArguments_ThrowNamingTheArgument()
    {
        Assert.Throws<ArgumentOutOfRangeException>("n", () => BatchTopK.Select(new float[4], 2, 2, 1, 1, new int[2]));
        Assert.Throws<ArgumentException>("rowValues", () => BatchTopK.Select(new float[3], 2, 2, 4, 1, new int[2]));
        Assert.Throws<ArgumentException>("counts", () => BatchTopK.Select(new float[4], 2, 2, 4, 1, new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>("count", () => BatchTopK.Select(new float[4], 2, 2, 4, -1, new int[2]));
    }
}
