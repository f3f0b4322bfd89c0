namespace Sae.Matching;

/// <summary>
/// Exact maximum-weight assignment of every row over a sparse bipartite graph (CSR), by successive
/// shortest augmenting paths (Dijkstra on reduced costs, as in Jonker–Volgenant's sparse variant).
/// Every row also has a private dummy column of weight <c>dummyWeight[i]</c> (what falling back is
/// assumed to be worth, see <see cref="DummyWeights"/>), so a search always ends and a row goes to
/// its dummy exactly when that is part of the best total.
/// </summary>
/// <remarks>
/// <para>Duals (max form): U[i] + V[j] ≥ w_ij on every edge (equality on matched ones), U[i] ≥
/// dummyWeight[i] (equality when placed on the dummy), V ≥ 0 and V = 0 on free columns; a dummy's
/// own potential is always 0 (only its row can reach it, and that row is reached only through the
/// column it holds). A search from a free row runs Dijkstra over slacks U[i] + V[j] − w_ij ≥ 0 until
/// it pops a free column (or a dummy is the cheapest end), then raises V and lowers U on the scanned
/// tree by (δ − distance), which keeps every slack non-negative and makes the path tight.</para>
/// <para>Initial duals: U[i] = the row's best weight, V = 0; rows whose best column is still free take
/// it at once. Rows are then augmented in ascending order, so the result is deterministic.</para>
/// </remarks>
internal sealed class AugmentingPathSolver
{
    /// <summary>RowMatch value of a row placed on its dummy.</summary>
    public const int Dummy = -2;

    private readonly int _rows;
    private readonly int[] _start, _column;
    private readonly float[] _weight;
    private readonly double[] _dummyWeight;
    private readonly double[] _dist;
    private readonly int[] _pred, _seen, _popped, _scanned;
    private readonly DistanceHeap _heap = new();
    private int _search;

    /// <summary>Sets up a solve of rows × columns over the CSR arrays (not copied).</summary>
    public AugmentingPathSolver(int rows, int columns, int[] start, int[] column, float[] weight, double[] dummyWeight)
    {
        _rows = rows;
        (_start, _column, _weight, _dummyWeight) = (start, column, weight, dummyWeight);
        U = new double[rows];
        V = new double[columns];
        RowMatch = new int[rows];
        ColumnMatch = new int[columns];
        _dist = new double[columns];
        _pred = new int[columns];
        _seen = new int[columns];
        _popped = new int[columns];
        _scanned = new int[columns];
        Array.Fill(ColumnMatch, -1);
    }

    /// <summary>Row duals.</summary>
    public double[] U { get; }

    /// <summary>Column duals (≥ 0).</summary>
    public double[] V { get; }

    /// <summary>Column of each row, or <see cref="Dummy"/>.</summary>
    public int[] RowMatch { get; }

    /// <summary>Row of each column, or −1 when free.</summary>
    public int[] ColumnMatch { get; }

    /// <summary>Runs the solve; reports rows done and checks for cancellation every 1024 rows.</summary>
    public void Solve(ProgressCounter progress, CancellationToken cancel)
    {
        Initialise();
        for (int r = 0; r < _rows; r++)
        {
            if (RowMatch[r] == -1)
                Augment(r);
            if ((r & 1023) == 1023)
            {
                cancel.ThrowIfCancellationRequested();
                progress.Advance(1024);
            }
        }
        progress.Advance(_rows & 1023);
    }

    private void Initialise()
    {
        for (int i = 0; i < _rows; i++)
        {
            double best = _dummyWeight[i];
            int bestColumn = Dummy;
            for (int e = _start[i]; e < _start[i + 1]; e++)
            {
                if (_weight[e] > best)
                    (best, bestColumn) = (_weight[e], _column[e]);
            }
            U[i] = best;
            RowMatch[i] = -1;
            if (bestColumn == Dummy)
                RowMatch[i] = Dummy;
            else if (ColumnMatch[bestColumn] < 0)
                (RowMatch[i], ColumnMatch[bestColumn]) = (bestColumn, i);
        }
    }

    // One Dijkstra from a free row, then the dual update and the flip of the path.
    private void Augment(int root)
    {
        _search++;
        _heap.Clear();
        int scanned = 0;
        var dummy = (Distance: double.PositiveInfinity, Row: -1);
        ScanRow(root, 0.0, ref dummy);
        while (true)
        {
            while (_heap.Count > 0 && (_popped[_heap.TopItem] == _search || _heap.TopKey > _dist[_heap.TopItem]))
                _heap.Pop();
            if (_heap.Count == 0 || _heap.TopKey > dummy.Distance)
            {
                UpdateDuals(root, dummy.Distance, scanned);
                Flip(root, dummy.Row, Dummy);
                return;
            }
            int j = _heap.TopItem;
            double dj = _heap.TopKey;
            _heap.Pop();
            _popped[j] = _search;
            if (ColumnMatch[j] < 0)
            {
                UpdateDuals(root, dj, scanned);
                Flip(root, _pred[j], j);
                return;
            }
            _scanned[scanned++] = j;
            ScanRow(ColumnMatch[j], dj, ref dummy);
        }
    }

    private void ScanRow(int i, double di, ref (double Distance, int Row) dummy)
    {
        double ui = U[i];
        for (int e = _start[i]; e < _start[i + 1]; e++)
        {
            int j = _column[e];
            if (_popped[j] == _search)
                continue;
            double d = di + Math.Max(0.0, ui + V[j] - _weight[e]);
            if (_seen[j] != _search || d < _dist[j])
            {
                _seen[j] = _search;
                _dist[j] = d;
                _pred[j] = i;
                _heap.Push(d, j);
            }
        }
        double toDummy = di + Math.Max(0.0, ui - _dummyWeight[i]);
        if (toDummy < dummy.Distance)
            dummy = (toDummy, i);
    }

    // δ = distance of the path's end. Scanned column j (distance d_j ≤ δ): V[j] += δ − d_j and its
    // row's U −= δ − d_j (the matched edge stays tight); the root's U −= δ.
    private void UpdateDuals(int root, double delta, int scanned)
    {
        U[root] -= delta;
        for (int s = 0; s < scanned; s++)
        {
            int j = _scanned[s];
            double step = delta - _dist[j];
            V[j] += step;
            U[ColumnMatch[j]] -= step;
        }
    }

    // Walks back from the end (row `last` takes column `end`, a real column or the dummy), each row
    // on the path taking the column it was reached from's successor, up to the root.
    private void Flip(int root, int last, int end)
    {
        int i = last, j = end;
        while (true)
        {
            int previous = RowMatch[i];
            RowMatch[i] = j;
            if (j >= 0)
                ColumnMatch[j] = i;
            if (i == root)
                return;
            j = previous;
            i = _pred[j];
        }
    }
}
