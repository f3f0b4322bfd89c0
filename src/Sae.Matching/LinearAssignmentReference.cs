namespace Sae.Matching;

/// <summary>
/// The plain O(rows²·cols) Hungarian algorithm (Kuhn–Munkres with potentials, the e-maxx
/// formulation) in double on the cost −s: the scalar twin of <see cref="LinearAssignment"/> and the
/// test oracle. Same contract (maximum total similarity, the smaller side fully assigned); no
/// validation beyond sizes, no progress, no speed.
/// </summary>
internal static class LinearAssignmentReference
{
    /// <summary>Solves s: [rows, cols] row-major.</summary>
    public static Assignment Solve(ReadOnlySpan<float> similarity, int rows, int cols)
    {
        if ((long)rows * cols != similarity.Length)
            throw new ArgumentException("similarity must have rows·cols entries.", nameof(similarity));
        var rowToCol = new int[rows];
        var colToRow = new int[cols];
        Array.Fill(rowToCol, -1);
        Array.Fill(colToRow, -1);
        if (rows > 0 && cols > 0)
        {
            var s = similarity.ToArray();
            if (rows <= cols)
                Hungarian((i, j) => -(double)s[i * cols + j], rows, cols, rowToCol, colToRow);
            else
                Hungarian((i, j) => -(double)s[j * cols + i], cols, rows, colToRow, rowToCol);
        }
        return new Assignment(rowToCol, colToRow, LinearAssignment.Total(similarity, cols, rowToCol));
    }

    /// <summary>Minimises Σ cost over an n ≤ m problem; 1-based potentials u, v with index 0 as the virtual start.</summary>
    private static void Hungarian(Func<int, int, double> cost, int n, int m, int[] rowToCol, int[] colToRow)
    {
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];   // p[j]: row (1-based) assigned to column j, 0 = none
        var way = new int[m + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            var minv = new double[m + 1];
            Array.Fill(minv, double.PositiveInfinity);
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
                    double cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
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
        for (int j = 1; j <= m; j++)
        {
            if (p[j] != 0)
                (rowToCol[p[j] - 1], colToRow[j - 1]) = (j - 1, p[j] - 1);
        }
    }
}
