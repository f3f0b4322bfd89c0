namespace Sae.Matching;

/// <summary>
/// Jonker–Volgenant's augmentation: from one free row, Dijkstra over the columns with reduced costs
/// c[i, j] − v[j] − u[i] until a free column is settled, then the duals of the settled columns are
/// lowered and the assignment is flipped along the path. One column is settled at a time (the
/// unsettled column with the smallest distance, lowest index among equals). Every scanned row costs
/// one dense pass over all columns (<see cref="RowScan.Relax"/>) reading wScan = −v: settled columns
/// are masked by wScan = +∞ and d = +∞ rather than removed, which keeps the pass a straight vector loop.
/// </summary>
internal sealed unsafe class ShortestAugmentingPath
{
    private readonly LapState _state;
    private readonly double* _d;
    private readonly double* _wScan;
    private readonly int* _pred;
    private readonly int[] _settled;
    private readonly double[] _settledDistance;
    private readonly double[] _dArray, _wScanArray;
    private readonly int[] _predArray;

    /// <summary>Scratch for <paramref name="state"/>'s columns; wScan starts as −v.</summary>
    public ShortestAugmentingPath(LapState state)
    {
        _state = state;
        int n = state.Cols;
        _dArray = LapState.PinnedArray<double>(n);
        _wScanArray = LapState.PinnedArray<double>(n);
        _predArray = LapState.PinnedArray<int>(n);
        _d = LapState.Pointer(_dArray);
        _wScan = LapState.Pointer(_wScanArray);
        _pred = LapState.Pointer(_predArray);
        for (int j = 0; j < n; j++)
            _wScan[j] = -state.V[j];
        _settled = new int[n];
        _settledDistance = new double[n];
    }

    /// <summary>Assigns the free row <paramref name="freeRow"/>, keeping the assignment optimal for the rows assigned so far.</summary>
    public void Augment(int freeRow)
    {
        int n = _state.Cols;
        int[] colToRow = _state.ColToRow;
        new Span<double>(_d, n).Fill(double.PositiveInfinity);
        var next = RowScan.Relax(_state.Row(freeRow), _wScan, _d, _pred, n, freeRow, 0.0);
        int settled = 0;
        while (true)
        {
            int j = next.Column;
            if (j < 0)
                throw new InvalidOperationException("No free column is reachable: the assignment state is inconsistent.");
            _settled[settled] = j;
            _settledDistance[settled++] = next.Value;
            _d[j] = double.PositiveInfinity;
            _wScan[j] = double.PositiveInfinity;
            int i = colToRow[j];
            if (i < 0)
                break;
            // u[i] from the settled column: its reduced cost there, less the distance to reach it.
            double u = (_state.Cost(i, j) - _state.V[j]) - next.Value;
            next = RowScan.Relax(_state.Row(i), _wScan, _d, _pred, n, i, u);
            }
        UpdateDuals(settled, next.Value);
        Flip(next.Column, freeRow);
    }

    /// <summary>v[j] += d[j] − d_end for every settled column (the free end column gains 0); wScan is restored.</summary>
    private void UpdateDuals(int settled, double endDistance)
    {
        double* v = _state.V;
        for (int k = 0; k < settled; k++)
        {
            int j = _settled[k];
            v[j] += _settledDistance[k] - endDistance;
            _wScan[j] = -v[j];
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
