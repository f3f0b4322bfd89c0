namespace Sae.Matching.Tests;

public class LinearAssignmentContractTests
{
    private sealed class Recorder(Action<double>? onReport = null) : IProgress<double>
    {
        public List<double> Values { get; } = [];

        public void Report(double value)
        {
            Values.Add(value);
            onReport?.Invoke(value);
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 5)]
    [InlineData(4, 0)]
    public void SolveDense_EmptySide_AssignsNothing(int rows, int cols)
    {
        var a = LinearAssignment.SolveDense(new float[rows * cols], rows, cols);
        Assert.All(a.RowToColumn, j => Assert.Equal(-1, j));
        Assert.All(a.ColumnToRow, i => Assert.Equal(-1, i));
        Assert.Equal(rows, a.RowToColumn.Length);
        Assert.Equal(cols, a.ColumnToRow.Length);
        Assert.Equal(0.0, a.Total);
    }

    [Fact]
    public void SolveDense_OneByOne_AssignsThePair()
    {
        var a = LinearAssignment.SolveDense(new[] { -0.5f }, 1, 1);
        Assert.Equal([0], a.RowToColumn);
        Assert.Equal([0], a.ColumnToRow);
        Assert.Equal(-0.5, a.Total);
    }

    [Fact]
    public void SolveDense_Rectangular_LeavesTheLargerSidePartlyFree()
    {
        float[] s = [0.1f, 0.9f, 0.3f, 0.8f, 0.2f, 0.7f]; // [2, 3]
        var a = LinearAssignment.SolveDense(s, 2, 3);
        Assert.Equal([1, 0], a.RowToColumn); // 0.9 + 0.8 beats 0.9 + 0.7
        Assert.Equal([1, 0, -1], a.ColumnToRow);
        var t = LinearAssignment.SolveDense([0.1f, 0.8f, 0.9f, 0.2f, 0.3f, 0.7f], 3, 2); // sᵀ
        Assert.Equal([1, 0, -1], t.RowToColumn);
        Assert.Equal([1, 0], t.ColumnToRow);
        Assert.Equal(a.Total, t.Total);
    }

    [Theory]
    [InlineData(-1, 2, 0, typeof(ArgumentOutOfRangeException))]
    [InlineData(2, -1, 0, typeof(ArgumentOutOfRangeException))]
    [InlineData(2, 3, 5, typeof(ArgumentException))]
    [InlineData(2, 3, 7, typeof(ArgumentException))]
    public void SolveDense_BadSizes_Throws(int rows, int cols, int length, Type expected)
    {
        var e = Record.Exception(() => LinearAssignment.SolveDense(new float[length], rows, cols));
        Assert.IsType(expected, e);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void SolveDense_NonFiniteEntry_ThrowsNamingPosition(float bad)
    {
        var s = Matrices.Uniform(7, 40, 3);
        s[5 * 40 + 33] = bad;
        var e = Assert.Throws<ArgumentException>(() => LinearAssignment.SolveDense(s, 7, 40));
        Assert.Contains("similarity[5, 33]", e.Message, StringComparison.Ordinal);
        Assert.Equal("similarity", e.ParamName);
    }

    [Fact]
    public void SolveDense_SameInput_SameAssignment()
    {
        foreach (var s in new[] { Matrices.Integers(150, 150, 9, 2), Matrices.Uniform(150, 150, 9), Matrices.Constant(150, 150, 1f) })
        {
            var a = LinearAssignment.SolveDense(s, 150, 150);
            var b = LinearAssignment.SolveDense(s, 150, 150);
            Assert.Equal(a.RowToColumn, b.RowToColumn);
            Assert.Equal(a.Total, b.Total);
        }
    }

    [Fact]
    public void SolveDense_AllEqual_ValidWithTheConstantTotal()
    {
        var a = LinearAssignment.SolveDense(Matrices.Constant(5, 5, 0.5f), 5, 5);
        Assert.Equal(5, a.RowToColumn.Distinct().Count());
        Assert.Equal(2.5, a.Total);
    }

    [Theory]
    [InlineData(300, 300)]
    [InlineData(80, 300)]
    [InlineData(300, 80)]
    public void SolveDense_WithProgress_ReportsUpToOne(int rows, int cols)
    {
        var recorder = new Recorder();
        LinearAssignment.SolveDense(Matrices.Uniform(rows, cols, 4), rows, cols, recorder);
        Assert.Equal(1.0, recorder.Values[^1]);
        Assert.All(recorder.Values, v => Assert.InRange(v, 0.0, 1.0));
        Assert.Equal(recorder.Values.Order(), recorder.Values);
        Assert.InRange(recorder.Values.Count, 1, 102);
    }

    [Fact]
    public void SolveDense_Empty_ReportsOne()
    {
        var recorder = new Recorder();
        LinearAssignment.SolveDense([], 0, 0, recorder);
        Assert.Equal([1.0], recorder.Values);
    }

    [Fact]
    public void SolveDense_CancelledBefore_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => LinearAssignment.SolveDense(Matrices.Uniform(50, 50, 1), 50, 50, cancel: cts.Token));
    }

    [Theory]
    [InlineData(400, 400)]
    [InlineData(100, 400)]
    public void SolveDense_CancelledMidway_StopsBeforeTheEnd(int rows, int cols)
    {
        using var cts = new CancellationTokenSource();
        var recorder = new Recorder(v =>
        {
            if (v > 0 && v < 1)
                cts.Cancel();
        });
        var s = Matrices.Uniform(rows, cols, 2);
        Assert.ThrowsAny<OperationCanceledException>(() => LinearAssignment.SolveDense(s, rows, cols, recorder, cts.Token));
        Assert.DoesNotContain(1.0, recorder.Values);
    }
}
