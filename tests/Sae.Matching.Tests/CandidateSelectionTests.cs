namespace Sae.Matching.Tests;

public class CandidateSelectionTests
{
    private const int Depth = 48;

    [Theory]
    [InlineData(150, 170, 8, 0)]
    [InlineData(150, 170, 8, 5)]
    [InlineData(97, 40, 50, 3)]
    [InlineData(1, 33, 4, 1)]
    public void Build_ListsEqualBruteForceTopLists(int rows, int columns, int perRow, int perColumn)
    {
        var a = TestData.UnitRows(rows, Depth, 1);
        var b = TestData.UnitRows(columns, Depth, 2);
        var s = TestData.Similarity(a, b, rows, columns, Depth);
        var g = CandidateSelection.Build(a, b, rows, columns, Depth, new CandidateOptions { PerRow = perRow, PerColumn = perColumn, Threads = 2 });
        var expected = BruteForce(s, rows, columns, Math.Min(perRow, columns), Math.Min(perColumn, rows));
        for (int i = 0; i < rows; i++)
        {
            var got = Row(g, i);
            Assert.Equal(expected[i].Order(), got.Select(e => e.Column));
            Assert.All(got, e => Assert.Equal(s[(i * columns) + e.Column], e.Weight));
        }
    }

    [Theory]
    [InlineData(150, 170, 8, 5)]
    [InlineData(97, 40, 50, 3)]
    public void Build_SignInvariant_ListsEqualBruteForceTopListsOfAbsoluteValues(int rows, int columns, int perRow, int perColumn)
    {
        var a = TestData.UnitRows(rows, Depth, 13);
        var b = TestData.UnitRows(columns, Depth, 14);
        var s = TestData.Similarity(a, b, rows, columns, Depth).Select(Math.Abs).ToArray();
        var g = CandidateSelection.Build(a, b, rows, columns, Depth,
            new CandidateOptions { PerRow = perRow, PerColumn = perColumn, Threads = 2, SignInvariant = true });
        var expected = BruteForce(s, rows, columns, Math.Min(perRow, columns), Math.Min(perColumn, rows));
        for (int i = 0; i < rows; i++)
        {
            var got = Row(g, i);
            Assert.Equal(expected[i].Order(), got.Select(e => e.Column));
            Assert.All(got, e => Assert.Equal(s[(i * columns) + e.Column], e.Weight));
            var kept = got.Select(e => e.Column).ToHashSet();
            Assert.All(Enumerable.Range(0, columns), j => Assert.True(kept.Contains(j) || s[(i * columns) + j] <= g.RowBound[i]));
        }
    }

    [Fact]
    public void Build_RowBoundIsAtLeastEveryNonCandidate()
    {
        int rows = 120, columns = 130;
        var a = TestData.UnitRows(rows, Depth, 3);
        var b = TestData.UnitRows(columns, Depth, 4);
        var s = TestData.Similarity(a, b, rows, columns, Depth);
        var g = CandidateSelection.Build(a, b, rows, columns, Depth, new CandidateOptions { PerRow = 6, PerColumn = 6 });
        for (int i = 0; i < rows; i++)
        {
            var kept = Row(g, i).Select(e => e.Column).ToHashSet();
            float worstOwn = Enumerable.Range(0, columns).Select(j => s[(i * columns) + j]).OrderDescending().ElementAt(5);
            Assert.Equal(worstOwn, g.RowBound[i]);
            for (int j = 0; j < columns; j++)
                Assert.True(kept.Contains(j) || s[(i * columns) + j] <= g.RowBound[i]);
        }
    }

    [Fact]
    public void Build_Floor_DropsLowEntriesAndBoundsByFloor()
    {
        int rows = 80, columns = 90;
        var a = TestData.UnitRows(rows, Depth, 5);
        var b = TestData.UnitRows(columns, Depth, 6);
        var s = TestData.Similarity(a, b, rows, columns, Depth);
        const float Floor = 0.25f;
        var g = CandidateSelection.Build(a, b, rows, columns, Depth, new CandidateOptions { PerRow = 10, PerColumn = 10, Floor = Floor });
        Assert.All(g.Weight.Take((int)g.Count), w => Assert.True(w >= Floor));
        Assert.Contains(Enumerable.Range(0, rows), i => g.RowStart[i + 1] == g.RowStart[i]);
        for (int i = 0; i < rows; i++)
        {
            Assert.True(g.RowBound[i] >= Floor);
            var kept = Row(g, i).Select(e => e.Column).ToHashSet();
            for (int j = 0; j < columns; j++)
                Assert.True(kept.Contains(j) || s[(i * columns) + j] <= g.RowBound[i]);
        }
    }

    [Fact]
    public void Build_AnyBlockingBudgetOrThreadCount_GivesTheSameGraph()
    {
        int rows = 301, columns = 257;
        var a = TestData.UnitRows(rows, Depth, 7);
        var b = TestData.UnitRows(columns, Depth, 8);
        var options = new CandidateOptions { PerRow = 7, PerColumn = 5 };
        var reference = CandidateSelection.Build(a, b, rows, columns, Depth, options with { Threads = 1 });
        CandidateBlocking[] blockings = [new(12, 64, 1, 0), new(48, 100, 3, 0), new(312, 4096, 2, 0), new(24, 257, 2, 0)];
        foreach (var blocking in blockings)
            AssertSame(reference, CandidateSelection.Build(a, b, rows, columns, Depth, options, blocking, null, default));
        foreach (long budget in new[] { 16L << 20, 1L << 30 })
        {
            foreach (int threads in new[] { 1, 2, 3 })
                AssertSame(reference, CandidateSelection.Build(a, b, rows, columns, Depth, options with { MemoryBudgetBytes = budget, Threads = threads }));
        }
    }

    [Fact]
    public void Plan_SmallBudget_UsesSmallerBlocks()
    {
        var big = CandidateBlocking.Plan(131072, 131072, 4096, 32, 32, 16L << 30, 2);
        var small = CandidateBlocking.Plan(131072, 131072, 4096, 32, 32, 400L << 20, 2);
        Assert.True(small.RowBlock * (long)small.TileColumns < big.RowBlock * (long)big.TileColumns);
        Assert.True(small.Bytes <= 400L << 20);
        Assert.True(big.Bytes <= 16L << 30);
        Assert.Throws<ArgumentOutOfRangeException>(() => CandidateBlocking.Plan(131072, 131072, 4096, 32, 32, 20L << 20, 2));
    }

    [Fact]
    public void Build_ReportsProgressUpToOne_AndHonoursCancellation()
    {
        var a = TestData.UnitRows(200, Depth, 9);
        var b = TestData.UnitRows(300, Depth, 10);
        var reports = new List<double>();
        var sink = new Sink(reports.Add);
        CandidateSelection.Build(a, b, 200, 300, Depth, new CandidateOptions { PerRow = 4, Threads = 1 }, sink);
        Assert.Equal(1.0, reports[^1]);
        Assert.Equal(reports.Order(), reports);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => CandidateSelection.Build(a, b, 200, 300, Depth, null, null, cts.Token));
    }

    [Fact]
    public void Build_NonFiniteInputOrWrongLength_Throws()
    {
        var a = TestData.UnitRows(10, Depth, 11);
        var b = TestData.UnitRows(10, Depth, 12);
        b[17] = float.NaN;
        Assert.Throws<ArgumentException>(() => CandidateSelection.Build(a, b, 10, 10, Depth));
        Assert.Throws<ArgumentException>(() => CandidateSelection.Build(a, a, 10, 9, Depth));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CandidateOptions { PerRow = 0 });
    }

    internal static List<(int Column, float Weight)> Row(CandidateGraph g, int i) =>
        Enumerable.Range(g.RowStart[i], g.RowStart[i + 1] - g.RowStart[i]).Select(e => (g.ColumnIndex[e], g.Weight[e])).ToList();

    private static HashSet<int>[] BruteForce(float[] s, int rows, int columns, int perRow, int perColumn)
    {
        var lists = new HashSet<int>[rows];
        for (int i = 0; i < rows; i++)
            lists[i] = Enumerable.Range(0, columns).OrderByDescending(j => s[(i * columns) + j]).ThenBy(j => j).Take(perRow).ToHashSet();
        for (int j = 0; j < columns; j++)
        {
            foreach (int i in Enumerable.Range(0, rows).OrderByDescending(i => s[(i * columns) + j]).ThenBy(i => i).Take(perColumn))
                lists[i].Add(j);
        }
        return lists;
    }

    private static void AssertSame(CandidateGraph expected, CandidateGraph actual)
    {
        Assert.Equal(expected.RowStart, actual.RowStart);
        Assert.Equal(expected.ColumnIndex.Take((int)expected.Count), actual.ColumnIndex.Take((int)actual.Count));
        Assert.Equal(expected.Weight.Take((int)expected.Count), actual.Weight.Take((int)actual.Count));
        Assert.Equal(expected.RowBound, actual.RowBound);
    }

    private sealed class Sink(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
