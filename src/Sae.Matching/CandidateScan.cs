using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;
using Sae.Numerics;

namespace Sae.Matching;

/// <summary>
/// The blocked similarity scan behind <see cref="CandidateSelection"/>: workers take row blocks of A
/// in turn and, for each, compute S = A_block·B_tileᵀ one column tile at a time (tile: [rows, cols])
/// with <see cref="Gemm.MultiplyABt"/>, folding every tile into the rows' running top lists and into
/// the worker's own column lists. The [n1, n2] matrix never exists. Work is split by rows only and
/// both kinds of list are exact under <see cref="TopKSelector"/>'s total order, so the result is the
/// same for any thread count and any block sizes.
/// </summary>
internal sealed unsafe class CandidateScan
{
    private readonly float* _a;
    private readonly float* _b;
    private readonly int _n1, _n2, _d, _perRow, _perColumn;
    private readonly bool _absolute;
    private readonly CandidateBlocking _blocking;
    private readonly ProgressCounter _progress;
    private readonly CancellationToken _cancel;
    private readonly ColumnLists?[] _columns;
    private int _nextBlock;

    private CandidateScan(float* a, float* b, int n1, int n2, int d, int perRow, int perColumn, bool absolute,
        CandidateBlocking blocking, IProgress<double>? progress, CancellationToken cancel)
    {
        _a = a;
        _b = b;
        (_n1, _n2, _d, _perRow, _perColumn) = (n1, n2, d, perRow, perColumn);
        _absolute = absolute;
        _blocking = blocking;
        _cancel = cancel;
        int blocks = (n1 + blocking.RowBlock - 1) / blocking.RowBlock;
        int tiles = (n2 + blocking.TileColumns - 1) / blocking.TileColumns;
        _progress = new ProgressCounter((long)blocks * tiles, progress);
        _columns = new ColumnLists?[blocking.Workers];
        RowValues = new float[(long)n1 * perRow];
        RowIndices = new int[(long)n1 * perRow];
    }

    /// <summary>Each row's best perRow similarities, sorted best first: [n1, perRow].</summary>
    public float[] RowValues { get; }

    /// <summary>Their columns: [n1, perRow].</summary>
    public int[] RowIndices { get; }

    /// <summary>
    /// Scans a: [n1, d] against b: [n2, d] (pointers fixed by the caller for the duration) and
    /// returns the scan with the row lists filled and the column lists merged (null when perColumn = 0).
    /// With <paramref name="absolute"/> every similarity is taken as |S| before it is ranked.
    /// </summary>
    public static (CandidateScan Scan, float[]? ColumnValues, int[]? ColumnIndices) Run(float* a, float* b, int n1, int n2, int d,
        int perRow, int perColumn, bool absolute, CandidateBlocking blocking, IProgress<double>? progress, CancellationToken cancel)
    {
        var scan = new CandidateScan(a, b, n1, n2, d, perRow, perColumn, absolute, blocking, progress, cancel);
        scan.RunWorkers();
        cancel.ThrowIfCancellationRequested();
        if (perColumn == 0)
            return (scan, null, null);
        var (values, indices) = ColumnLists.Merge(scan._columns.Where(c => c is not null).ToArray()!, n2, perColumn, blocking.Workers);
        return (scan, values, indices);
    }

    // Dedicated threads rather than the pool: each worker's GEMM packing scratch is thread-static
    // and as large as a B tile, and dies with the thread instead of staying on a pool thread.
    private void RunWorkers()
    {
        var errors = new ExceptionDispatchInfo?[_blocking.Workers];
        var threads = new Thread[_blocking.Workers];
        for (int w = 0; w < threads.Length; w++)
        {
            int worker = w;
            threads[w] = new Thread(() =>
            {
                try
                {
                    Work(worker);
                }
                catch (Exception e)
                {
                    errors[worker] = ExceptionDispatchInfo.Capture(e);
                }
            }) { IsBackground = true, Name = $"candidates-{w}" };
            threads[w].Start();
        }
        foreach (var t in threads)
            t.Join();
        errors.FirstOrDefault(e => e is not null)?.Throw();
    }

    private void Work(int worker)
    {
        int rowBlock = _blocking.RowBlock;
        var tile = new float[(long)rowBlock * Math.Min(_blocking.TileColumns, _n2)];
        var counts = new int[rowBlock];
        ColumnLists? columns = _perColumn > 0 ? _columns[worker] = new ColumnLists(_n2, _perColumn) : null;
        int blocks = (_n1 + rowBlock - 1) / rowBlock;
        int block;
        while ((block = Interlocked.Increment(ref _nextBlock) - 1) < blocks && !_cancel.IsCancellationRequested)
        {
            int i0 = block * rowBlock;
            RowBlock(i0, Math.Min(rowBlock, _n1 - i0), tile, counts, columns);
        }
    }

    private void RowBlock(int i0, int rows, float[] tile, int[] counts, ColumnLists? columns)
    {
        var aBlock = new ReadOnlySpan<float>(_a + ((long)i0 * _d), rows * _d);
        Array.Clear(counts);
        for (int j0 = 0; j0 < _n2; j0 += _blocking.TileColumns)
        {
            int cols = Math.Min(_blocking.TileColumns, _n2 - j0);
            var bTile = new ReadOnlySpan<float>(_b + ((long)j0 * _d), cols * _d);
            var s = tile.AsSpan(0, rows * cols); // s: [rows, cols] = A[i0.., :]·B[j0.., :]ᵀ
            Gemm.MultiplyABt(aBlock, bTile, s, rows, cols, _d, threads: 1);
            if (_absolute)
                TensorPrimitives.Abs(s, s); // one pass over a cache-sized tile, against the GEMM's depth d per element
            for (int r = 0; r < rows; r++)
            {
                var segment = s.Slice(r * cols, cols);
                var selector = TopKSelector.Resume(Values(i0 + r), Indices(i0 + r), counts[r]);
                selector.Offer(segment, j0);
                counts[r] = selector.Count;
                columns?.Offer(segment, j0, i0 + r);
            }
            _progress.Advance();
            if (_cancel.IsCancellationRequested)
                return;
        }
        for (int r = 0; r < rows; r++)
        {
            var selector = TopKSelector.Resume(Values(i0 + r), Indices(i0 + r), counts[r]);
            selector.Finish(Values(i0 + r), Indices(i0 + r));
        }
    }

    private Span<float> Values(int row) => RowValues.AsSpan(row * _perRow, _perRow);

    private Span<int> Indices(int row) => RowIndices.AsSpan(row * _perRow, _perRow);
}
