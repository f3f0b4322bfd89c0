namespace Sae.Matching.Tests;

public class SparseAssignmentTests
{
    private const double Tolerance = 1e-6;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 7)]
    [InlineData(60, 60)]
    [InlineData(40, 75)]
    [InlineData(75, 40)]
    public void Solve_CompleteGraph_IsTheDenseOptimum(int rows, int columns)
    {
        for (int seed = 0; seed < 5; seed++)
        {
            var s = TestData.Uniform(rows, columns, seed);
            var result = SparseAssignment.Solve(TestData.Complete(s, rows, columns));
            double optimum = LinearAssignmentReference.Solve(s, rows, columns).Total;
            AssertValid(result.Assignment, rows, columns);
            Assert.Equal(optimum, result.Assignment.Total, 1e-5);
            Assert.Equal(optimum, TestData.Total(s, columns, result.Assignment.RowToColumn), 1e-5);
            Assert.Equal(0, result.FallbackRows);
            Assert.InRange(result.UpperBoundGap, -Tolerance, 1e-5);
        }
    }

    [Theory]
    [InlineData(200, 200, 4, 4)]
    [InlineData(200, 200, 3, 0)]
    [InlineData(150, 230, 5, 2)]
    [InlineData(230, 150, 5, 2)]
    public void Solve_FewCandidates_IsWithinTheReportedGapOfTheOptimum(int rows, int columns, int perRow, int perColumn)
    {
        const int Depth = 32;
        var a = TestData.UnitRows(rows, Depth, 21);
        var b = TestData.UnitRows(columns, Depth, 22);
        var s = TestData.Similarity(a, b, rows, columns, Depth);
        var g = CandidateSelection.Build(a, b, rows, columns, Depth, new CandidateOptions { PerRow = perRow, PerColumn = perColumn });
        var result = SparseAssignment.Solve(g, (i, j) => s[(i * columns) + j]);
        double optimum = LinearAssignmentReference.Solve(s, rows, columns).Total;
        double ours = TestData.Total(s, columns, result.Assignment.RowToColumn);
        AssertValid(result.Assignment, rows, columns);
        Assert.Equal(ours, result.Assignment.Total, 1e-4);
        Assert.True(optimum - ours <= result.UpperBoundGap + Tolerance, $"optimum {optimum} − ours {ours} > gap {result.UpperBoundGap}");
        Assert.True(optimum <= result.UpperBound + Tolerance);
    }

    [Fact]
    public void Solve_PlantedPairs_AreAllRecoveredWithASmallGap()
    {
        const int N = 400, Depth = 256;
        var a = TestData.UnitRows(N, Depth, 31);
        var (b, partner) = TestData.Planted(a, N, Depth, N / 2, 32);
        var s = TestData.Similarity(a, b, N, N, Depth);
        var g = CandidateSelection.Build(a, b, N, N, Depth, new CandidateOptions { PerRow = 8, PerColumn = 8 });
        var result = SparseAssignment.Solve(g, (i, j) => s[(i * N) + j]);
        for (int i = 0; i < N / 2; i++)
            Assert.Equal(partner[i], result.Assignment.RowToColumn[i]);
        double optimum = LinearAssignmentReference.Solve(s, N, N).Total;
        Assert.True(optimum - result.Assignment.Total <= result.UpperBoundGap + Tolerance);
        Assert.True(result.UpperBoundGap < 0.02 * result.Assignment.Total, $"gap {result.UpperBoundGap} vs total {result.Assignment.Total}");
    }

    [Fact]
    public void Solve_RowsWithoutCandidates_FallBackToFreeColumnsInOrder()
    {
        // rows 0 and 2 have no candidates, row 3 only wants column 1 (taken by row 1, which is better there)
        var g = new CandidateGraph(4, 4, [0, 0, 1, 1, 2], [1, 1], [0.9f, 0.5f], [0.1f, 0.2f, 0.1f, 0.3f]);
        var result = SparseAssignment.Solve(g, (i, j) => -1f);
        AssertValid(result.Assignment, 4, 4);
        Assert.Equal(1, result.Assignment.RowToColumn[1]);
        Assert.Equal([true, false, true, true], result.FallbackRow);
        Assert.Equal(3, result.FallbackRows);
        Assert.Equal([0, 1, 2, 3], result.Assignment.RowToColumn.Order());
        Assert.Equal(0.9 - 3, result.Assignment.Total, 1e-6);
        // dense optimum ≤ 0.9 (row 1) + three rows at their bound at most
        Assert.True(result.UpperBound >= 0.9 + 0.1 + 0.1 + 0.3 - Tolerance);
    }

    [Fact]
    public void Solve_TwoRowsOneSharedColumn_PlacesTheBetterRowFirst()
    {
        // both rows want only column 0; the maximum matching has one pair, and the best one is row 1's
        var g = new CandidateGraph(2, 2, [0, 1, 2], [0, 0], [0.1f, 0.9f], [0f, 0f]);
        var result = SparseAssignment.Solve(g);
        Assert.Equal(0, result.Assignment.RowToColumn[1]);
        Assert.Equal([true, false], result.FallbackRow);
    }

    [Fact]
    public void Solve_RandomSparseGraphs_MatchBruteForceOptimum()
    {
        var random = new Random(41);
        for (int trial = 0; trial < 400; trial++)
        {
            int rows = random.Next(1, 6), columns = random.Next(1, 6);
            var g = RandomGraph(random, rows, columns, density: random.NextDouble());
            var result = SparseAssignment.Solve(g, null, fallbackEstimate: 0.1);
            var dummy = FallbackValues(g, 0.1);
            double objective = result.Assignment.Total;
            for (int i = 0; i < rows; i++)
            {
                if (result.FallbackRow[i])
                    objective += rows <= columns ? dummy[i] : dummy[result.Assignment.RowToColumn[i]];
            }
            Assert.Equal(BruteForce(g, dummy), objective, 1e-5);
            AssertValid(result.Assignment, rows, columns);
        }
    }

    [Fact]
    public void Solve_IsDeterministic()
    {
        var s = TestData.Uniform(120, 140, 51);
        var g = TestData.Complete(s, 120, 140);
        var first = SparseAssignment.Solve(g);
        var second = SparseAssignment.Solve(g);
        Assert.Equal(first.Assignment.RowToColumn, second.Assignment.RowToColumn);
        Assert.Equal(first.UpperBound, second.UpperBound);
    }

    [Fact]
    public void Solve_InvalidGraph_Throws()
    {
        Assert.Throws<ArgumentException>(() => SparseAssignment.Solve(new CandidateGraph(1, 2, [0, 2], [1, 0], [0f, 0f], [0f])));
        Assert.Throws<ArgumentException>(() => SparseAssignment.Solve(new CandidateGraph(1, 2, [0, 1], [0], [float.NaN], [0f])));
    }

    internal static void AssertValid(Assignment x, int rows, int columns)
    {
        Assert.Equal(Math.Min(rows, columns), x.RowToColumn.Count(j => j >= 0));
        for (int i = 0; i < rows; i++)
        {
            if (x.RowToColumn[i] >= 0)
                Assert.Equal(i, x.ColumnToRow[x.RowToColumn[i]]);
        }
        Assert.Equal(x.RowToColumn.Count(j => j >= 0), x.ColumnToRow.Count(i => i >= 0));
    }

    private static CandidateGraph RandomGraph(Random random, int rows, int columns, double density)
    {
        var start = new List<int> { 0 };
        var column = new List<int>();
        var weight = new List<float>();
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                if (random.NextDouble() < density)
                {
                    column.Add(j);
                    weight.Add((float)Math.Round((random.NextDouble() * 2) - 1, 2));
                }
            }
            start.Add(column.Count);
        }
        var bound = Enumerable.Range(0, rows).Select(_ => (float)Math.Round((random.NextDouble() * 1.5) - 1, 2)).ToArray();
        return new CandidateGraph(rows, columns, [.. start], [.. column], [.. weight], bound);
    }

    // What an element of the smaller side left out of the matching is worth (see DummyWeights).
    private static double[] FallbackValues(CandidateGraph g, double estimate)
    {
        const double Big = -1e6;
        if (g.Rows <= g.Columns)
        {
            return Enumerable.Range(0, g.Rows).Select(i => g.RowStart[i + 1] - g.RowStart[i] == g.Columns
                ? Big : Math.Min(estimate, g.RowBound[i])).ToArray();
        }
        return Enumerable.Range(0, g.Columns).Select(j =>
        {
            var lacking = Enumerable.Range(0, g.Rows).Where(i => !CandidateSelectionTests.Row(g, i).Any(e => e.Column == j)).ToList();
            return lacking.Count == 0 ? Big : Math.Min(estimate, lacking.Max(i => g.RowBound[i]));
        }).ToArray();
    }

    // Best Σ matched weights + Σ fallback values of unmatched smaller-side elements, by exhaustive search.
    private static double BruteForce(CandidateGraph g, double[] dummy)
    {
        bool rowsSmaller = g.Rows <= g.Columns;
        double Best(int row, int usedColumns)
        {
            if (row == g.Rows)
            {
                return rowsSmaller ? 0 : Enumerable.Range(0, g.Columns).Where(j => (usedColumns & (1 << j)) == 0).Sum(j => dummy[j]);
            }
            double best = Best(row + 1, usedColumns) + (rowsSmaller ? dummy[row] : 0);
            for (int e = g.RowStart[row]; e < g.RowStart[row + 1]; e++)
            {
                int j = g.ColumnIndex[e];
                if ((usedColumns & (1 << j)) == 0)
                    best = Math.Max(best, Best(row + 1, usedColumns | (1 << j)) + g.Weight[e]);
            }
            return best;
        }
        return Best(0, 0);
    }
}
