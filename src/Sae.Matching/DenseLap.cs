namespace Sae.Matching;

/// <summary>
/// The dense Jonker–Volgenant solver (LAPJV) for rows ≤ columns, minimising Σ −s. A square problem
/// is initialised by <see cref="LapInitialisation"/>; a rectangular one starts with all duals 0,
/// which keeps the duals of unassigned columns at 0 as rectangular optimality needs. Every free row
/// left is then assigned by <see cref="ShortestAugmentingPath"/>, in the order the initialisation left them.
/// Both phases read the matrix through <see cref="BlockBounds"/> (rows·cols/16 floats), which lets a
/// row scan skip the blocks of columns that provably cannot matter.
/// </summary>
internal static unsafe class DenseLap
{
    /// <summary>Solves s: [rows, cols] (rows ≤ cols, pinned); returns (row → column, column → row).</summary>
    public static (int[] RowToColumn, int[] ColumnToRow) Solve(float* s, int rows, int cols,
        IProgress<double>? progress, CancellationToken cancel)
    {
        using var arena = new NativeArena();
        var state = new LapState(s, rows, cols, arena);
        var report = new AssignmentProgress(progress, rows);
        int[] free;
        int freeCount;
        BlockBounds bounds;
        if (rows == cols && rows >= 2)
        {
            bounds = new BlockBounds(rows, cols, arena);
            free = LapInitialisation.Run(state, bounds, arena, report, cancel, out freeCount);
        }
        else
        {
            bounds = BlockBounds.Build(state, arena, cancel);
            free = Enumerable.Range(0, rows).ToArray();
            freeCount = rows;
        }
        report.Report(rows - freeCount);
        var search = new ShortestAugmentingPath(state, bounds, arena);
        for (int k = 0; k < freeCount; k++)
        {
            cancel.ThrowIfCancellationRequested();
            search.Augment(free[k]);
            report.Report(rows - freeCount + k + 1);
        }
        return (state.RowToCol, state.ColToRow);
    }
}
