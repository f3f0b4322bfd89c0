using System.Numerics.Tensors;

namespace Sae.Matching;

/// <summary>
/// Jonker–Volgenant's augmentation: from one free row, Dijkstra over the columns with reduced costs
/// c[i, j] − v[j] − u[i] until a free column is settled, then the duals of the settled columns are
/// lowered and the assignment is flipped along the path. One column is settled at a time (the
/// unsettled column with the smallest distance, lowest index among equals).
/// </summary>
/// <remarks>
/// A scanned row only reads the blocks of columns it could improve: with w = −v and, per block,
/// E = min (w[j] − d[j]) over unsettled columns, no column of block b can improve when
/// E − max[i, b] − u exceeds a rounding margin (h = w − s − u ≥ w − max − u ≥ d). The test is exact
/// up to that margin, which is 1e-13·(max|v| + max|s|), hundreds of times the worst rounding error of
/// the few operations involved, so a skipped block is one the dense scan would have left unchanged
/// and the result is the dense algorithm's, bit for bit.
/// </remarks>
internal sealed unsafe class ShortestAugmentingPath
{
    private const int W = BlockBounds.Width;
    private readonly LapState _state;
    private readonly BlockBounds _bounds;
    private readonly int _blocks;
    private readonly double* _d, _w, _e, _dMin;
    private readonly int* _pred, _needed;
    private readonly int[] _settled;
    private readonly double[] _settledDistance;
    private double _margin;

    /// <summary>Scratch for <paramref name="state"/>'s columns and <paramref name="bounds"/>' blocks, in <paramref name="arena"/>.</summary>
    public ShortestAugmentingPath(LapState state, BlockBounds bounds, NativeArena arena)
    {
        (_state, _bounds, _blocks) = (state, bounds, bounds.Blocks);
        int n = state.Cols;
        _d = arena.Allocate<double>(n);
        _w = arena.Allocate<double>(n);
        _pred = arena.Allocate<int>(n);
        _e = arena.Allocate<double>(_blocks);
        _dMin = arena.Allocate<double>(_blocks);
        _needed = arena.Allocate<int>(_blocks);
        for (int j = 0; j < n; j++)
            _w[j] = -state.V[j];
        _settled = new int[n];
        _settledDistance = new double[n];
    }

    /// <summary>Assigns the free row <paramref name="freeRow"/>, keeping the assignment optimal for the rows assigned so far.</summary>
    public void Augment(int freeRow)
    {
        Reset();
        var next = Scan(freeRow, 0.0);
        int settled = 0;
        while (true)
        {
            int j = next.Column;
            if (j < 0)
                throw new InvalidOperationException("No free column is reachable: the assignment state is inconsistent.");
            _settled[settled] = j;
            _settledDistance[settled++] = next.Value;
            (_d[j], _w[j]) = (double.PositiveInfinity, double.PositiveInfinity);
            (_e[j / W], _dMin[j / W]) = RowScan.Summary(_w, _d, _state.Cols, j / W);
            int i = _state.ColToRow[j];
            if (i < 0)
                break;
            // u[i] from the settled column: its reduced cost there, less the distance to reach it.
            double u = (_state.Cost(i, j) - _state.V[j]) - next.Value;
            next = Scan(i, u);
        }
        UpdateDuals(settled, next.Value);
        Flip(next.Column, freeRow);
    }

    /// <summary>Every distance +∞ (so every block is read by the first scan) and the margin for the current duals.</summary>
    private void Reset()
    {
        int n = _state.Cols;
        new Span<double>(_d, n).Fill(double.PositiveInfinity);
        new Span<double>(_e, _blocks).Fill(double.NegativeInfinity);
        new Span<double>(_dMin, _blocks).Fill(double.PositiveInfinity);
        double maxAbsV = Math.Abs(TensorPrimitives.MaxMagnitude(new ReadOnlySpan<double>(_state.V, n)));
        _margin = 1e-13 * (maxAbsV + _bounds.MaxAbs) + 1e-300;
    }

    /// <summary>Relaxes row <paramref name="row"/> (only its blocks that can improve) and returns the smallest unsettled distance.</summary>
    private ScanMin Scan(int row, double u)
    {
        float* s = _state.Row(row);
        // the bounds row is read whole, at once: ask for all its lines before the first is needed
        RowScan.Prefetch(_bounds.Row(row), _blocks * sizeof(float));
        int count = RowScan.NeededBlocks(s, _bounds.Row(row), _e, _blocks, u, _margin, _needed);
        for (int k = 0; k < count; k++)
        {
            int b = _needed[k];
            (_e[b], _dMin[b]) = RowScan.RelaxBlock(s, _w, _d, _pred, _state.Cols, b, row, u);
        }
        int block = RowScan.FirstMinimum(_dMin, _blocks);
        if (block < 0)
            return ScanMin.None;
        int j = block * W;
        while (!(_d[j] == _dMin[block]))
            j++;
        return new ScanMin(_d[j], j);
    }

    /// <summary>v[j] += d[j] − d_end for every settled column (the free end column gains 0); w = −v is restored.</summary>
    private void UpdateDuals(int settled, double endDistance)
    {
        double* v = _state.V;
        for (int k = 0; k < settled; k++)
        {
            int j = _settled[k];
            v[j] += _settledDistance[k] - endDistance;
            _w[j] = -v[j];
        }
    }

    /// <summary>Flips the alternating path that ends at free column <paramref name="end"/> back to <paramref name="freeRow"/>.</summary>
    private void Flip(int end, int freeRow)
    {
        int[] rowToCol = _state.RowToCol, colToRow = _state.ColToRow;
        int j = end;
        while (true)
        {
            int i = _pred[j];
            colToRow[j] = i;
            (rowToCol[i], j) = (j, rowToCol[i]);
            if (i == freeRow)
                return;
        }
    }
}
