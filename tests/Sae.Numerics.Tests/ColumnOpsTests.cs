namespace Sae.Numerics.Tests;

public class ColumnOpsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 260)]
    [InlineData(2, 255)]
    [InlineData(3, 256)]
    [InlineData(7, 257)]
    [InlineData(13, 513)]
    [InlineData(97, 1031)]
    [InlineData(4096, 3)]
    public void ColumnMeans_OddShapesAnyThreads_MatchReferenceBitForBit(int rows, int cols)
    {
        var x = TestData.Uniform(rows * cols, rows + cols, 5f);
        var expected = new float[cols];
        RowOpsReference.ColumnMeans(x, rows, cols, expected);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var means = new float[cols];
            ColumnOps.ColumnMeans(x, rows, cols, means, threads);
            TestData.AssertBitsEqual(expected, means, $"{rows}x{cols} threads={threads}");
        }
    }

    [Fact]
    public void ColumnMeans_EveryColumnCount0To260_MatchReferenceBitForBit()
    {
        for (int cols = 0; cols <= OptimTolerances.MaxSweepLength; cols++)
        {
            var x = TestData.Uniform(5 * cols, cols);
            var expected = new float[cols];
            var means = new float[cols];
            RowOpsReference.ColumnMeans(x, 5, cols, expected);
            ColumnOps.ColumnMeans(x, 5, cols, means);
            TestData.AssertBitsEqual(expected, means, $"cols={cols}");
        }
    }

    [Fact]
    public void ColumnMeans_KnownMatrix_GivesColumnAverages()
    {
        var means = new float[2];
        ColumnOps.ColumnMeans([1, 2, 3, 4, 5, 9], 3, 2, means);
        Assert.Equal([3f, 5f], means);
    }

    [Fact]
    public void ColumnMeans_BadArguments_ThrowNamingArgument()
    {
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => ColumnOps.ColumnMeans([], 0, 2, new float[2])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => ColumnOps.ColumnMeans(new float[5], 2, 3, new float[3])).ParamName);
        var e = Assert.Throws<ArgumentException>(() => ColumnOps.ColumnMeans(new float[6], 2, 3, new float[2]));
        Assert.Equal("means", e.ParamName);
        Assert.Contains("means has length 2 but must be cols = 3", e.Message, StringComparison.Ordinal);
    }
}
