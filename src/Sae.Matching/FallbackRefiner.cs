namespace Sae.Matching;

/// <summary>
/// Re-matches the elements that the main solve could only pair by fallback: the fallback pairs are
/// undone, and the rows and columns left over (fallback ones, plus any unassigned element of the
/// larger side) are matched among themselves by a fresh candidate selection and sparse solve on
/// just those rows. That solve's own fallbacks go round again, a few times; whatever remains keeps
/// the in-order pairing of the last solve. The pairs stay flagged as fallback either way.
/// </summary>
internal static class FallbackRefiner
{
    /// <summary>Rounds before the remaining fallbacks keep their in-order partners.</summary>
    public const int Rounds = 4;

    /// <summary>Returns <paramref name="pairs"/> with its fallback pairs re-matched (Total left as is).</summary>
    public static Assignment Refine(Assignment pairs, bool[] fallbackRow, float[] unitA, float[] unitB, int depth,
        CandidateOptions options, CancellationToken cancel)
    {
        // no floor here: these elements need partners, however weak
        options = options with { Floor = float.NegativeInfinity };
        var rowToColumn = (int[])pairs.RowToColumn.Clone();
        var columnToRow = (int[])pairs.ColumnToRow.Clone();
        var open = (bool[])fallbackRow.Clone();
        for (int round = 0; round < Rounds; round++)
        {
            var (rows, columns) = Leftovers(rowToColumn, columnToRow, open);
            if (rows.Length == 0 || columns.Length == 0)
                break;
            var graph = CandidateSelection.Build(Gather(unitA, rows, depth), Gather(unitB, columns, depth),
                rows.Length, columns.Length, depth, options, null, cancel);
            var sub = SparseAssignment.Solve(graph, null, 0.0, null, cancel);
            Array.Clear(open);
            for (int r = 0; r < rows.Length; r++)
            {
                int c = sub.Assignment.RowToColumn[r];
                if (c < 0)
                    continue;
                (rowToColumn[rows[r]], columnToRow[columns[c]]) = (columns[c], rows[r]);
                open[rows[r]] = sub.FallbackRow[r];
            }
            if (sub.FallbackRows == 0)
                break;
        }
        return pairs with { RowToColumn = rowToColumn, ColumnToRow = columnToRow };
    }

    // Rows that are open (or unassigned) and columns that are free or held by an open row, ascending;
    // their current pairs are undone.
    private static (int[] Rows, int[] Columns) Leftovers(int[] rowToColumn, int[] columnToRow, bool[] open)
    {
        var rows = new List<int>();
        var columns = new List<int>();
        for (int j = 0; j < columnToRow.Length; j++)
        {
            if (columnToRow[j] < 0 || open[columnToRow[j]])
                columns.Add(j);
        }
        for (int i = 0; i < rowToColumn.Length; i++)
        {
            if (rowToColumn[i] < 0 || open[i])
                rows.Add(i);
        }
        foreach (int i in rows)
            rowToColumn[i] = -1;
        foreach (int j in columns)
            columnToRow[j] = -1;
        return (rows.ToArray(), columns.ToArray());
    }

    private static float[] Gather(float[] unit, int[] rows, int depth)
    {
        var x = new float[(long)rows.Length * depth];
        for (int r = 0; r < rows.Length; r++)
            unit.AsSpan(rows[r] * depth, depth).CopyTo(x.AsSpan(r * depth, depth));
        return x;
    }
}
