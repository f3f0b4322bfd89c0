namespace Sae.Matching;

/// <summary>
/// Block sizes of the candidate scan, chosen from a memory budget. Each worker computes a
/// [<see cref="RowBlock"/>, <see cref="TileColumns"/>] tile of similarities at a time; a larger row
/// block means fewer passes over B (each pass packs a B tile for the GEMM), so the budget left after
/// the fixed costs goes into rows. Results do not depend on the block sizes (the GEMM computes every
/// element the same way whatever the blocking, and the top lists are exact).
/// </summary>
internal readonly record struct CandidateBlocking(int RowBlock, int TileColumns, int Workers, long Bytes)
{
    /// <summary>Largest tile width: wide enough that per-tile overheads vanish, small enough to pack quickly.</summary>
    public const int MaxTileColumns = 4096;

    /// <summary>Largest row block: keeps at least a few blocks per worker for load balance at the widths we meet.</summary>
    public const int MaxRowBlock = 4096;

    /// <summary>Row blocks are multiples of the widest GEMM micro-kernel's rows (12), so no edge tiles are wasted.</summary>
    private const int RowQuantum = 12;

    /// <summary>
    /// Picks block sizes for n1 rows and n2 columns of depth d, with perRow and perColumn list
    /// lengths (already clamped), or throws when even the smallest blocks exceed the budget.
    /// </summary>
    public static CandidateBlocking Plan(int n1, int n2, int d, int perRow, int perColumn, long budget, int threads)
    {
        // At most one worker per block of ~RowQuantum·8 rows: more would idle.
        int workers = Math.Max(1, Math.Min(threads, (n1 + (RowQuantum * 8) - 1) / (RowQuantum * 8)));
        long fixedBytes = FixedBytes(n1, n2, perRow, perColumn, workers);
        int tile = Math.Min(n2, MaxTileColumns);
        int balanced = RoundUp(Math.Max(1, (n1 + (4 * workers) - 1) / (4 * workers)));
        int maxRows = Math.Min(RoundUp(n1), Math.Min(MaxRowBlock, balanced));
        while (true)
        {
            long perWorkerFixed = 4L * tile * d + (4L * 192 * 256);
            long perRowBytes = (4L * tile) + (8L * perRow) + 4;
            long left = budget - fixedBytes - (workers * perWorkerFixed);
            long rows = left > 0 ? left / (workers * perRowBytes) : 0;
            rows = Math.Min(rows, maxRows) / RowQuantum * RowQuantum;
            if (rows >= RowQuantum)
            {
                long bytes = fixedBytes + (workers * (perWorkerFixed + (rows * perRowBytes)));
                return new CandidateBlocking((int)rows, tile, workers, bytes);
            }
            if (tile <= 64)
                throw new ArgumentOutOfRangeException(nameof(budget), budget,
                    $"MemoryBudgetBytes = {budget} is too small for {n1}×{n2} candidates at depth {d}: the lists alone need {fixedBytes} bytes.");
            tile /= 2;
        }
    }

    /// <summary>
    /// Memory that does not depend on the blocking: the rows' top lists [n1, perRow] (value and
    /// index), each worker's column lists [n2, perColumn] with thresholds and counts, the merged
    /// column lists, and the finished graph (at most every list entry once, plus offsets and bounds).
    /// </summary>
    public static long FixedBytes(int n1, int n2, int perRow, int perColumn, int workers)
    {
        long rowLists = 8L * n1 * perRow;
        long columnLists = perColumn == 0 ? 0 : ((workers + 1) * 8L * n2 * perColumn) + (workers * 8L * n2);
        long graph = (8L * ((long)n1 * perRow + (long)n2 * perColumn)) + (12L * n1);
        return rowLists + columnLists + graph;
    }

    private static int RoundUp(int rows) => (rows + RowQuantum - 1) / RowQuantum * RowQuantum;
}
