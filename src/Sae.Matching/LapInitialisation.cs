namespace Sae.Matching;

/// <summary>
/// Jonker–Volgenant's initialisation of a square problem: column reduction, reduction transfer and
/// augmenting row reduction. Each leaves the invariant of <see cref="LapState"/> (every assigned row
/// at a smallest reduced cost of its row) and assigns most rows cheaply, one two-smallest search
/// (<see cref="BoundedMinTwo"/>) per step; the rows still free go to <see cref="ShortestAugmentingPath"/>.
/// </summary>
internal static unsafe class LapInitialisation
{
    /// <summary>Passes of augmenting row reduction (as JV). The second pass takes the rows the first one
    /// deferred because their two smallest reduced costs tied.</summary>
    public const int ReductionPasses = 2;

    /// <summary>Runs the three phases on a square state (n ≥ 2); returns the free rows (count in <paramref name="freeCount"/>).</summary>
    /// <remarks>Column reduction also fills <paramref name="bounds"/>, while each row is in cache.</remarks>
    public static int[] Run(LapState state, BlockBounds bounds, NativeArena arena, AssignmentProgress report, CancellationToken cancel, out int freeCount)
    {
        var matches = new int[state.Rows];
        ColumnReduction(state, bounds, matches, cancel);
        var search = new BoundedMinTwo(state, bounds, arena);
        var free = new int[state.Rows];
        freeCount = ReductionTransfer(state, search, matches, free, cancel);
        report.Report(state.Rows - freeCount);
        for (int pass = 0; pass < ReductionPasses && freeCount > 0; pass++)
            freeCount = AugmentingRowReduction(state, search, free, freeCount, report, cancel);
        return free;
    }

    /// <summary>v[j] = min_i c[i, j]; each column goes to its minimising row (lowest row among equals), a row
    /// claimed by several columns keeps the one with the smallest v (scanning columns from the last).</summary>
    private static void ColumnReduction(LapState state, BlockBounds bounds, int[] matches, CancellationToken cancel)
    {
        int n = state.Cols;
        double* v = state.V;
        new Span<double>(v, n).Fill(double.PositiveInfinity);
        var argRow = new int[n];
        fixed (int* pArgRow = argRow)
        {
            for (int i = 0; i < state.Rows; i++)
            {
                if ((i & 1023) == 0)
                    cancel.ThrowIfCancellationRequested();
                RowScan.ColumnMin(state.Row(i), v, pArgRow, n, i);
                bounds.Fill(state, i);
            }
        }
        int[] x = state.RowToCol, y = state.ColToRow;
        for (int j = n - 1; j >= 0; j--)
        {
            int i = argRow[j];
            if (++matches[i] == 1)
            {
                (x[i], y[j]) = (j, i);
            }
            else if (v[j] < v[x[i]])
            {
                y[x[i]] = -1;
                (x[i], y[j]) = (j, i);
            }
        }
    }

    /// <summary>A row that got exactly one column moves its slack onto that column's dual:
    /// v[j1] −= min_{j ≠ j1} (c[i, j] − v[j]). Returns the free rows (those no column chose).</summary>
    private static int ReductionTransfer(LapState state, BoundedMinTwo search, int[] matches, int[] free, CancellationToken cancel)
    {
        int count = 0;
        for (int i = 0; i < state.Rows; i++)
        {
            if ((i & 1023) == 0)
                cancel.ThrowIfCancellationRequested();
            if (matches[i] == 0)
            {
                free[count++] = i;
            }
            else if (matches[i] == 1)
            {
                int j1 = state.RowToCol[i];
                var two = search.Find(i);
                double min = two.First.Column == j1 ? two.Second.Value : two.First.Value;
                state.V[j1] -= min;
                search.Refresh(j1);
            }
        }
        return count;
    }

    /// <summary>
    /// One pass of augmenting row reduction over free[0..count): a free row takes the column of its
    /// smallest reduced cost, lowering that column's dual to its second smallest; a row it displaces is
    /// processed next when the dual moved, or at the end of the list when the two smallest were equal.
    /// Returns the number of rows left free (compacted at the front of <paramref name="free"/>).
    /// </summary>
    private static int AugmentingRowReduction(LapState state, BoundedMinTwo search, int[] free, int count, AssignmentProgress report, CancellationToken cancel)
    {
        int[] x = state.RowToCol, y = state.ColToRow;
        double* v = state.V;
        var budget = new ReductionBudget(state.Rows);
        int k = 0, previous = count;
        count = 0;
        for (long step = 0; k < previous; step++)
        {
            if (budget.Exhausted(step))
            {
                Array.Copy(free, k, free, count, previous - k);
                return count + previous - k;
            }
            if ((step & 1023) == 0)
                cancel.ThrowIfCancellationRequested();
            int i = free[k++];
            var two = search.Find(i);
            int j1 = two.First.Column;
            double umin = two.First.Value, usub = two.Second.Value;
            int i0 = y[j1];
            if (umin < usub)
            {
                v[j1] -= usub - umin;
                search.Refresh(j1);
            }
            else if (i0 >= 0)
                (j1, i0) = (two.Second.Column, y[two.Second.Column]);
            (x[i], y[j1]) = (j1, i);
            if (i0 < 0)
            {
                budget.Assigned(step);
                report.Report(state.Rows - (previous - k) - count);
                continue;
            }
            x[i0] = -1;
            if (umin < usub)
                free[--k] = i0;
            else
                free[count++] = i0;
        }
        return count;
    }
}
