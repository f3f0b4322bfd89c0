namespace Sae.Matching;

/// <summary>
/// Upper bounds on the similarity matrix by blocks of <see cref="Width"/> consecutive columns:
/// max[i, b] = max of s[i, 16b .. 16b + 16) (float, [rows, blocks], 1/16 of the matrix's memory).
/// The row scans test a whole block against its bound with a few double operations and read the
/// block's cache line of s only when some column could matter; at n = 16K planted cosines about 94%
/// of the blocks a Dijkstra scan meets are skipped, and the scan stops being bound by memory.
/// </summary>
internal sealed unsafe class BlockBounds
{
    /// <summary>Columns per block (one 64-byte line of floats).</summary>
    public const int Width = 16;

    private readonly float* _max;

    /// <summary>Storage for a [rows, cols] matrix in <paramref name="arena"/>; rows are filled by <see cref="Fill"/>.</summary>
    public BlockBounds(int rows, int cols, NativeArena arena)
    {
        Blocks = Count(cols);
        _max = arena.Allocate<float>((long)rows * Blocks);
    }

    /// <summary>Blocks per row.</summary>
    public int Blocks { get; }

    /// <summary>max |s| over the rows filled so far (for rounding margins).</summary>
    public double MaxAbs { get; private set; }

    /// <summary>Blocks covering <paramref name="cols"/> columns (the last may be partial).</summary>
    public static int Count(int cols) => (cols + Width - 1) / Width;

    /// <summary>The bounds of row i: max[i, 0..Blocks).</summary>
    public float* Row(int i) => _max + (long)i * Blocks;

    /// <summary>Computes the bounds of row <paramref name="i"/> of <paramref name="state"/>'s matrix.</summary>
    public void Fill(LapState state, int i) =>
        MaxAbs = Math.Max(MaxAbs, RowScan.BlockMax(state.Row(i), state.Cols, Row(i)));

    /// <summary>Bounds for every row (when no other pass over the matrix computes them).</summary>
    public static BlockBounds Build(LapState state, NativeArena arena, CancellationToken cancel)
    {
        var bounds = new BlockBounds(state.Rows, state.Cols, arena);
        for (int i = 0; i < state.Rows; i++)
        {
            if ((i & 1023) == 0)
                cancel.ThrowIfCancellationRequested();
            bounds.Fill(state, i);
        }
        return bounds;
    }
}
