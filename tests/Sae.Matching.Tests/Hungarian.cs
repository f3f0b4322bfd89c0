namespace Sae.Matching.Tests;

/// <summary>
/// Test oracle: the textbook O(n²·m) Hungarian algorithm (potentials + shortest augmenting paths,
/// dense, in double) for the maximum-weight assignment of a [rows, columns] matrix in which every
/// element of the smaller side gets a partner.
/// </summary>
internal static class Hungarian
{
    /// <summary>Best total and the row → column map (−1 for unassigned rows).</summary>
    public static (double Total, int[] RowToColumn) Maximise(float[] s, int rows, int columns)
    {
        if (rows > columns)
        {
            var t = new float[s.Length];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                    t[(j * rows) + i] = s[(i * columns) + j];
            var (total, colToRow) = Maximise(t, columns, rows);
            var rowToCol = Enumerable.Repeat(-1, rows).ToArray();
            for (int j = 0; j < columns; j++)
                rowToCol[colToRow[j]] = j;
            return (total, rowToCol);
        }
        return Solve(s, rows, columns);
    }

    // Min-cost form on c = −s, 1-based arrays as in the classic formulation (rows ≤ columns).
    private static (double Total, int[] RowToColumn) Solve(float[] s, int n, int m)
    {
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];
        var way = new int[m + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            var minv = Enumerable.Repeat(double.PositiveInfinity, m + 1).ToArray();
            var used = new bool[m + 1];
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j])
                        continue;
                    double cur = -s[((i0 - 1) * m) + j - 1] - u[i0] - v[j];
                    if (cur < minv[j])
                        (minv[j], way[j]) = (cur, j0);
                    if (minv[j] < delta)
                        (delta, j1) = (minv[j], j);
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j])
                        (u[p[j]], v[j]) = (u[p[j]] + delta, v[j] - delta);
                    else
                        minv[j] -= delta;
                }
                j0 = j1;
            }
            while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }
        return Read(s, n, m, p);
    }

    // p[j] = 1-based row of column j (0: free).
    private static (double Total, int[] RowToColumn) Read(float[] s, int n, int m, int[] p)
    {
        var rowToColumn = Enumerable.Repeat(-1, n).ToArray();
        double total = 0;
        for (int j = 1; j <= m; j++)
        {
            if (p[j] != 0)
            {
                rowToColumn[p[j] - 1] = j - 1;
                total += s[((p[j] - 1) * m) + j - 1];
            }
        }
        return (total, rowToColumn);
    }
}
