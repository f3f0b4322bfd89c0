namespace Sae.Numerics.Tests;

public class SparseOpsValidationTests
{
    // batch 2, k 3, n 4, d 5
    private static readonly float[] Values = new float[6];
    private static readonly int[] Indices = [0, 1, 2, 3, 3, 0];
    private static readonly float[] W = new float[20];

    [Theory]
    [InlineData(5, 6, 20, 5, 10, "values")]
    [InlineData(6, 7, 20, 5, 10, "indices")]
    [InlineData(6, 6, 19, 5, 10, "w")]
    [InlineData(6, 6, 20, 4, 10, "bias")]
    [InlineData(6, 6, 20, 5, 11, "output")]
    public void Decode_WrongLength_ThrowsNamingArgument(int values, int indices, int w, int bias, int output, string name)
    {
        int[] ids = [.. Enumerable.Repeat(0, indices)];
        var e = Assert.Throws<ArgumentException>(() => SparseOps.Decode(new float[values], ids, new float[w], new float[bias], 2, 3, 4, 5, new float[output]));
        Assert.Equal(name, e.ParamName);
        Assert.StartsWith(name + " has length", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9, 6, 20, 6, "g")]
    [InlineData(10, 6, 20, 5, "result")]
    [InlineData(10, 6, 21, 6, "w")]
    public void GatherDot_WrongLength_ThrowsNamingArgument(int g, int indices, int w, int result, string name)
    {
        var e = Assert.Throws<ArgumentException>(() => SparseOps.GatherDot(new float[g], new int[indices], new float[w], 2, 3, 4, 5, new float[result]));
        Assert.Equal(name, e.ParamName);
    }

    [Theory]
    [InlineData(6, 9, 20, 0, "x")]
    [InlineData(6, 10, 21, 0, "grad")]
    [InlineData(6, 10, 20, 3, "gradBias")]
    [InlineData(7, 10, 20, 0, "coeff")]
    public void ScatterAddRows_WrongLength_ThrowsNamingArgument(int coeff, int x, int grad, int gradBias, string name)
    {
        var workspace = new SparseWorkspace();
        workspace.Build(Indices, 2, 3, 4);
        var e = Assert.Throws<ArgumentException>(() => SparseOps.ScatterAddRows(new float[coeff], new float[x], 5, new float[grad], new float[gradBias], workspace));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void Decode_IndexOutOfRange_ThrowsNamingRowAndSlotAndWritesNothing()
    {
        int[] bad = [0, 1, 2, 3, 4, 0];
        float[] output = [.. Enumerable.Repeat(7f, 10)];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SparseOps.Decode(Values, bad, W, new float[5], 2, 3, 4, 5, output, threads: 2));
        Assert.Equal("indices", e.ParamName);
        Assert.Contains("batch row 1, slot 1", e.Message, StringComparison.Ordinal);
        Assert.All(output, v => Assert.Equal(7f, v));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void GatherDot_IndexOutOfRange_Throws(int index)
    {
        int[] bad = [0, 1, 2, 3, 0, index];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SparseOps.GatherDot(new float[10], bad, W, 2, 3, 4, 5, new float[6]));
        Assert.Contains("batch row 1, slot 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScatterAddRows_IndexOutOfRange_ThrowsAndLeavesGrad()
    {
        float[] grad = new float[20];
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseOps.ScatterAddRows([1, 1, 1, 1, 1, 1], [0, 1, 2, 3, 9, 0], new float[10], 2, 3, 4, 5, grad));
        Assert.All(grad, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void CountFires_IndexOutOfRange_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SparseOps.CountFires([0, 5], 5, new int[5]));
        Assert.Contains("indices[1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NegativeDimension_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SparseOps.Decode([], [], [], [], 0, 0, -1, 0, []));
        Assert.Equal("n", e.ParamName);
    }

    [Fact]
    public void Decode_ZeroThreads_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SparseOps.Decode(Values, Indices, W, new float[5], 2, 3, 4, 5, new float[10], threads: 0));
        Assert.Equal("threads", e.ParamName);
    }
}
