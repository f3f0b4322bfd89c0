namespace Sae.Matching.Tests;

public class HungarianSolverTests
{
    private static readonly HungarianSolver Solver = new();

    // every injective map of the smaller side into the larger one, best total by exhaustion
    private static double BruteForce(float[] s, int rows, int cols)
    {
        if (rows > cols)
            return BruteForce(Transpose(s, rows, cols), cols, rows);
        double best = double.NegativeInfinity;
        void Search(int row, bool[] used, double total)
        {
            if (row == rows)
            {
                best = Math.Max(best, total);
                return;
            }
            for (int c = 0; c < cols; c++)
            {
                if (used[c])
                    continue;
                used[c] = true;
                Search(row + 1, used, total + s[row * cols + c]);
                used[c] = false;
            }
        }
        Search(0, new bool[cols], 0);
        return best;
    }

    private static float[] Transpose(float[] s, int rows, int cols)
    {
        var t = new float[s.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                t[c * rows + r] = s[r * cols + c];
        return t;
    }

    private static void AssertValid(Assignment a, float[] s, int rows, int cols)
    {
        Assert.Equal(Math.Min(rows, cols), a.RowToColumn.Count(c => c >= 0));
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int c = a.RowToColumn[r];
            if (c < 0)
                continue;
            Assert.Equal(r, a.ColumnToRow[c]);
            total += s[r * cols + c];
        }
        Assert.Equal(Math.Min(rows, cols), a.ColumnToRow.Count(r => r >= 0));
        Assert.Equal(total, a.Total, 9);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(6, 6)]
    [InlineData(2, 6)]
    [InlineData(6, 2)]
    [InlineData(4, 7)]
    [InlineData(7, 4)]
    public void Solve_RandomSmall_MatchesBruteForce(int rows, int cols)
    {
        var rng = new Random(rows * 31 + cols);
        for (int trial = 0; trial < 20; trial++)
        {
            var s = new float[rows * cols];
            for (int i = 0; i < s.Length; i++)
                s[i] = trial % 2 == 0 ? (float)(rng.NextDouble() * 2 - 1) : rng.Next(3); // integers give many ties
            var a = Solver.Solve(s, rows, cols, null, CancellationToken.None);
            AssertValid(a, s, rows, cols);
            Assert.Equal(BruteForce(s, rows, cols), a.Total, 5);
        }
    }

    [Fact]
    public void Solve_Empty_ReturnsEmptyAssignment()
    {
        var a = Solver.Solve([], 0, 3, null, CancellationToken.None);
        Assert.Empty(a.RowToColumn);
        Assert.Equal([-1, -1, -1], a.ColumnToRow);
    }

    [Fact]
    public void Solve_NaN_CountsAsZero()
    {
        float[] s = [float.NaN, 0.5f, 0.4f, float.NaN];
        var a = Solver.Solve(s, 2, 2, null, CancellationToken.None);
        Assert.Equal([1, 0], a.RowToColumn);
        Assert.Equal(0.9, a.Total, 6);
    }

    [Fact]
    public void Solve_Infinite_Throws() =>
        Assert.Throws<ArgumentException>(() => Solver.Solve([float.PositiveInfinity], 1, 1, null, CancellationToken.None));

    [Fact]
    public void Solve_WrongLength_Throws() =>
        Assert.Throws<ArgumentException>(() => Solver.Solve(new float[5], 2, 3, null, CancellationToken.None));

    [Fact]
    public void Solve_Cancelled_Throws()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => Solver.Solve(new float[4], 2, 2, null, cancel.Token));
    }

    [Fact]
    public void Solve_Progress_EndsAtOne()
    {
        var reports = new List<double>();
        Solver.Solve(new float[100 * 120], 100, 120, new SyncProgress<double>(reports.Add), CancellationToken.None);
        Assert.Equal(1.0, reports[^1]);
        Assert.Equal(reports.OrderBy(x => x), reports);
    }
}
