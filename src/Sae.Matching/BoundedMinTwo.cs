namespace Sae.Matching;

/// <summary>
/// The two smallest reduced costs h = −s[i, j] − v[j] of a row (lexicographic by value, column), for
/// reduction transfer and augmenting row reduction, reading only the blocks that could hold them.
/// Block b's costs are at least lb = (−max[i, b]) − maxV[b] (exactly: rounding is monotone), with
/// maxV[b] the largest dual in the block; the block with the smallest lb is read first, then every
/// block whose lb does not exceed the second smallest cost found so far.
/// </summary>
internal sealed unsafe class BoundedMinTwo
{
    private readonly LapState _state;
    private readonly BlockBounds _bounds;
    private readonly double* _maxV, _lb;

    /// <summary>Per-block dual maxima from the current v (scratch in <paramref name="arena"/>).</summary>
    public BoundedMinTwo(LapState state, BlockBounds bounds, NativeArena arena)
    {
        (_state, _bounds) = (state, bounds);
        _maxV = arena.Allocate<double>(bounds.Blocks);
        _lb = arena.Allocate<double>(bounds.Blocks);
        for (int b = 0; b < bounds.Blocks; b++)
            Refresh(b * BlockBounds.Width);
    }

    /// <summary>Recomputes the dual maximum of the block holding <paramref name="column"/> (after v[column] changed).</summary>
    public void Refresh(int column)
    {
        int b = column / BlockBounds.Width, end = Math.Min(_state.Cols, (b + 1) * BlockBounds.Width);
        double max = double.NegativeInfinity;
        for (int j = b * BlockBounds.Width; j < end; j++)
            max = Math.Max(max, _state.V[j]);
        _maxV[b] = max;
    }

    /// <summary>The two smallest reduced costs of row <paramref name="row"/>.</summary>
    public TwoSmallest Find(int row)
    {
        int blocks = _bounds.Blocks, n = _state.Cols;
        float* s = _state.Row(row);
        RowScan.Prefetch(_bounds.Row(row), blocks * sizeof(float));
        RowScan.BlockLowerBounds(_bounds.Row(row), _maxV, blocks, _lb);
        int first = RowScan.FirstMinimum(_lb, blocks);
        var best = TwoSmallest.Empty;
        RowScan.OfferBlock(s, _state.V, n, first, ref best);
        _lb[first] = double.NaN; // read already: NaN never passes the test below
        RowScan.OfferBlocksBelow(s, _state.V, n, _lb, blocks, ref best);
        return best;
    }
}
