namespace Sae.Matching;

/// <summary>
/// The exact O(r²·c) Hungarian algorithm with row and column potentials (Kuhn–Munkres in the
/// shortest-augmenting-path form), in double, on cost = −similarity. Correct and simple, slow for
/// large matrices: it is the reference the fast solvers are checked against. When rows &gt; cols it
/// solves the transposed problem (reading the matrix by columns, without a copy).
/// </summary>
internal sealed class HungarianSolver : IAssignmentSolver
{
    /// <inheritdoc />
    public Assignment Solve(ReadOnlySpan<float> similarity, int rows, int cols, IProgress<double>? progress, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (similarity.Length != (long)rows * cols)
            throw new ArgumentException($"similarity has length {similarity.Length} but must be rows·cols = {(long)rows * cols}.", nameof(similarity));
        bool transpose = rows > cols;
        // the algorithm wants n ≤ m; element (r, c) of the problem it sees is similarity[r·rowStride + c·colStride]
        int n = transpose ? cols : rows, m = transpose ? rows : cols;
        var problem = new Problem(n, m, transpose ? 1 : cols, transpose ? cols : 1);
        int[] columnOwner = problem.Run(similarity, progress, cancel);
        return ToAssignment(similarity, rows, cols, columnOwner, transpose);
    }

    private static Assignment ToAssignment(ReadOnlySpan<float> similarity, int rows, int cols, int[] columnOwner, bool transpose)
    {
        var rowToColumn = new int[rows];
        var columnToRow = new int[cols];
        Array.Fill(rowToColumn, -1);
        Array.Fill(columnToRow, -1);
        double total = 0;
        // columnOwner[j] (1-based, 0 = free) is the problem row that owns problem column j
        for (int j = 1; j < columnOwner.Length; j++)
        {
            if (columnOwner[j] == 0)
                continue;
            int r = transpose ? j - 1 : columnOwner[j] - 1, c = transpose ? columnOwner[j] - 1 : j - 1;
            rowToColumn[r] = c;
            columnToRow[c] = r;
            float s = similarity[r * cols + c];
            total += float.IsNaN(s) ? 0 : s;
        }
        return new Assignment(rowToColumn, columnToRow, total);
    }

    /// <summary>Working state of one solve: potentials u (rows), v (columns), the matching and the search arrays, all 1-based with slot 0 as the virtual start.</summary>
    private sealed class Problem(int n, int m, int rowStride, int colStride)
    {
        private readonly double[] _u = new double[n + 1];
        private readonly double[] _v = new double[m + 1];
        private readonly int[] _owner = new int[m + 1];
        private readonly int[] _way = new int[m + 1];
        private readonly double[] _minv = new double[m + 1];
        private readonly bool[] _used = new bool[m + 1];

        public int[] Run(ReadOnlySpan<float> similarity, IProgress<double>? progress, CancellationToken cancel)
        {
            for (int i = 1; i <= n; i++)
            {
                cancel.ThrowIfCancellationRequested();
                AddRow(similarity, i);
                if ((i & 63) == 0 || i == n)
                    progress?.Report((double)i / n);
            }
            if (n == 0)
                progress?.Report(1);
            return _owner;
        }

        private double Cost(ReadOnlySpan<float> similarity, int row, int col)
        {
            float s = similarity[(row - 1) * rowStride + (col - 1) * colStride];
            if (float.IsInfinity(s))
                throw new ArgumentException($"similarity ({row - 1}, {col - 1}) is infinite; similarities must be finite (NaN counts as 0).", nameof(similarity));
            return float.IsNaN(s) ? 0 : -(double)s;
        }

        // Grows the matching by row i along a shortest augmenting path (Dijkstra on reduced costs).
        private void AddRow(ReadOnlySpan<float> similarity, int i)
        {
            _owner[0] = i;
            int j0 = 0;
            Array.Fill(_minv, double.PositiveInfinity);
            Array.Clear(_used);
            do
            {
                _used[j0] = true;
                int i0 = _owner[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (_used[j])
                        continue;
                    double cur = Cost(similarity, i0, j) - _u[i0] - _v[j];
                    if (cur < _minv[j])
                    {
                        _minv[j] = cur;
                        _way[j] = j0;
                    }
                    if (_minv[j] < delta)
                    {
                        delta = _minv[j];
                        j1 = j;
                    }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (_used[j])
                    {
                        _u[_owner[j]] += delta;
                        _v[j] -= delta;
                    }
                    else
                    {
                        _minv[j] -= delta;
                    }
                }
                j0 = j1;
            }
            while (_owner[j0] != 0);
            Augment(j0);
        }

        private void Augment(int j0)
        {
            do
            {
                int j1 = _way[j0];
                _owner[j0] = _owner[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }
    }
}
