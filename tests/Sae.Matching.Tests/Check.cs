namespace Sae.Matching.Tests;

/// <summary>The assertions every solver test shares, with the tolerance kept in one place.</summary>
internal static class Check
{
    /// <summary>Totals of two optimal assignments may differ by double rounding: this much per assigned pair, relative.</summary>
    public const double RelativeTolerancePerPair = 1e-9;

    /// <summary>The assignment is one-to-one, consistent both ways, covers the smaller side, and its total is its pairs' sum.</summary>
    public static void Valid(Assignment a, float[] s, int rows, int cols)
    {
        Assert.Equal(rows, a.RowToColumn.Length);
        Assert.Equal(cols, a.ColumnToRow.Length);
        int assigned = 0;
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            int j = a.RowToColumn[i];
            Assert.InRange(j, -1, cols - 1);
            if (j < 0)
                continue;
            Assert.Equal(i, a.ColumnToRow[j]);
            assigned++;
            total += s[i * cols + j];
        }
        Assert.Equal(Math.Min(rows, cols), assigned);
        Assert.Equal(assigned, a.ColumnToRow.Count(i => i >= 0));
        Assert.Equal(total, a.Total);
    }

    /// <summary><paramref name="actual"/> is valid and its total equals the optimum <paramref name="best"/> within the tolerance.</summary>
    public static void Optimal(Assignment actual, double best, float[] s, int rows, int cols)
    {
        Valid(actual, s, rows, cols);
        // relative to the largest |s| (not to 1), so matrices of tiny values are held to the same standard
        double scale = (s.Length == 0 ? 0 : s.Max(Math.Abs)) * Math.Max(1, Math.Min(rows, cols));
        Assert.True(Math.Abs(actual.Total - best) <= RelativeTolerancePerPair * scale,
            $"total {actual.Total:R} but the optimum is {best:R} ({rows}×{cols})");
    }

    /// <summary>The best total over all one-to-one maps of the smaller side (brute force; small sizes only).</summary>
    public static double BruteForce(float[] s, int rows, int cols)
    {
        bool transposed = rows > cols;
        int small = Math.Min(rows, cols), large = Math.Max(rows, cols);
        double At(int a, int b) => transposed ? s[b * cols + a] : s[a * cols + b];
        var used = new bool[large];
        double Best(int a)
        {
            if (a == small)
                return 0;
            double best = double.NegativeInfinity;
            for (int b = 0; b < large; b++)
            {
                if (used[b])
                    continue;
                used[b] = true;
                best = Math.Max(best, At(a, b) + Best(a + 1));
                used[b] = false;
            }
            return best;
        }
        return Best(0);
    }
}
